"""决算 prose: per-subject paragraphs named by their 类/款/项 words, and 完成预算 rates.

A 部门决算 explains each functional subject of its 一般公共预算财政拨款支出决算表 in a
paragraph written without codes: ``1、一般公共服务支出（类）财政事务（款）行政运行（项）。
主要用于：… 年初预算为1560.05 万元，支出决算为1511.89万元。``, wrapped over lines by the
converter, even inside an amount (``1511.89万`` / ``元``). The subject is the code whose
类, 款 and 项 names the document's own tables print; its 决算数 becomes a ``subject_amount``
claim (restating the table) and its 年初预算 a ``subject_budget`` claim. A rate
``完成(年初)预算的 Z%`` stated after a 年初预算 X and a 决算 Y in one sentence becomes a
``completion_rate`` claim whose measure names the two claims it divides (``c012/c011``):
the rule compares it with the tables' values of those claims where they print them.

Claims the line-by-line reader (claims.py) already holds are re-labelled in place (same
id); amounts it could not read (cut by a line break) are added after the others.
"""

from __future__ import annotations

import re
from dataclasses import replace

from budget_warehouse.extract.claims import label_before
from budget_warehouse.extract.numbers import parse_amount
from budget_warehouse.extract.paragraphs import Paragraph, paragraphs
from budget_warehouse.extract.records import Cell, Claim
from budget_warehouse.extract.segment import Segmented

_NAMED = re.compile(r"([^（）()、，。；：\d]+)[（(]类[)）]([^（）()，。；：]+)[（(]款[)）]([^（）()，。；：]+)[（(]项[)）]")
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_BUDGET = re.compile(r"年初预算(?:数)?为\s*" + _NUMBER + r"\s*万\s*元")
_FINAL = re.compile(r"(?:支出)?决算(?:数)?为\s*" + _NUMBER + r"\s*万\s*元")
_RATE = re.compile(r"完成(?:年初)?预算的\s*" + _NUMBER + r"\s*[%％]")
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


def _names(cells: list[Cell]) -> dict[str, str]:
    """code → name, as the document's tables print them (类, 款 and 项 rows)."""
    out: dict[str, str] = {}
    for c in cells:
        if c.subject_code and c.subject_name:
            out.setdefault(c.subject_code, re.sub(r"\s+", "", c.subject_name))
    return out


def _code(names: dict[str, str], cls: str, kuan: str, xiang: str) -> str | None:
    """The one 项 code whose 类, 款 and 项 names are these, or None."""
    cls, kuan, xiang = (re.sub(r"^\d+[、.．]|\s+", "", n) for n in (cls, kuan, xiang))
    found = {
        code for code, name in names.items()
        if len(code) == 7 and name == xiang and names.get(code[:5]) == kuan and names.get(code[:3]) == cls
    }
    return found.pop() if len(found) == 1 else None


def _subject_heads_joined(paras: list[Paragraph]) -> list[Paragraph]:
    """A numbered subject line short enough to read as a heading (``5、…（类）…（款）行政单位离退休``)
    is the start of the paragraph after it (``（项）。主要用于：…``)."""
    out: list[Paragraph] = []
    for para in paras:
        head = out[-1] if out else None
        if head is not None and "（类）" in head.text and "（项）" not in head.text and "（项）" in para.text:
            out[-1] = Paragraph(
                text=head.text + para.text, lines=head.lines + para.lines,
                starts=head.starts + [len(head.text) + s for s in para.starts],
            )
        else:
            out.append(para)
    return out


def final_account_claims(seg: Segmented, cells: list[Cell], claims: list[Claim]) -> list[Claim]:
    """``claims`` with the per-subject paragraphs' amounts and the completion rates read."""
    names = _names(cells)
    out = list(claims)
    at: dict[tuple[int, str], list[int]] = {}  # (line, printed) → claims, in reading order
    for i, c in enumerate(claims):
        at.setdefault((c.source_line, c.printed), []).append(i)
    taken: set[int] = set()  # claims matched to a place in the text already
    next_id = max((int(c.claim_id[1:]) for c in claims if c.claim_id[1:].isdigit()), default=0) + 1

    def find(para, m: re.Match) -> int | None:
        """The claim the line-by-line reader made of this number, if it read it."""
        found = [i for i in at.get((para.line_at(m.start(1)), m.group(1)), []) if i not in taken]
        if found:
            taken.add(found[0])
        return found[0] if found else None

    def claim(i: int | None, para, m: re.Match, sentence: str, lo: int, kind: str, measure: str | None,
              code: str | None, unit: str) -> int:
        """Claim ``i`` re-labelled, or a new claim of the number ``m``: its index."""
        nonlocal next_id
        label = label_before(sentence, m.start(1) - lo)
        if i is not None:  # (its label and sentence read across the line breaks too)
            out[i] = replace(out[i], kind=kind, measure=measure, subject_code=code, label=label, sentence=sentence.strip())
            return i
        value, decimals = parse_amount(m.group(1))
        out.append(Claim(
            claim_id=f"c{next_id:03d}", source_line=para.line_at(m.start(1)), section="", sentence=sentence.strip(),
            label=label, kind=kind, measure=measure, subject_code=code,
            printed=m.group(1), value=value, unit=unit, amount=value if unit == "万元" else None, decimals=decimals,
        ))
        next_id += 1
        return len(out) - 1

    for para in _subject_heads_joined(paragraphs(seg)):
        named = _NAMED.search(para.text)
        code = _code(names, *named.groups()) if named else None
        for sm in _SENTENCE.finditer(para.text):
            sentence, lo, hi = sm.group(0), sm.start(), sm.end()
            budget = _BUDGET.search(para.text, lo, hi)
            final = _FINAL.search(para.text, budget.end(), hi) if budget else None
            if not (budget and final):
                continue
            base, done = find(para, budget), find(para, final)
            if code:
                base = claim(base, para, budget, sentence, lo, "subject_budget", "budget", code, "万元")
                done = claim(done, para, final, sentence, lo, "subject_amount", "total", code, "万元")
            rate = _RATE.search(para.text, final.end(), hi)
            if rate and base is not None and done is not None:
                measure = f"{out[done].claim_id}/{out[base].claim_id}"
                claim(find(para, rate), para, rate, sentence, lo, "completion_rate", measure, code, "%")
    return out
