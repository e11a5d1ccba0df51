"""决算 prose: per-subject paragraphs named by their 类/款/项 words, and 完成预算 rates.

A 部门决算 explains each functional subject of its 一般公共预算财政拨款支出决算表 in a
paragraph written without codes: ``1、一般公共服务支出（类）财政事务（款）行政运行（项）。
主要用于：… 年初预算为1560.05 万元，支出决算为1511.89万元。``, wrapped over lines by the
converter, even inside an amount (``1511.89万`` / ``元``). The subject is the code whose
类, 款 and 项 names the document's own tables print; its 决算数 becomes a ``subject_amount``
claim (restating the table) and its 年初预算 a ``subject_budget`` claim. A rate
``完成(年初)预算的 Z%`` stated after a 年初预算 X and a 决算 Y in one sentence becomes a
``completion_rate`` claim whose measure names the two claims it divides (``c012/c011``):
the rule compares it with the tables' values of those claims where they print them. A rate
whose clause states a 决算 but no 年初预算 (``其中：公务接待费支出决算为0.00万元，完成预算的0%``)
names the 决算 alone (``c060/``): the rule divides by the 预算数 its table prints beside it.

Claims the line-by-line reader (claims.py) already holds are re-labelled in place (same
id); amounts it could not read (cut by a line break) are added after the others.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from budget_warehouse.extract.claims import _AMOUNT as _LINE_AMOUNT
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
    at: dict[tuple[int, str], list[int]] = {}  # (line, printed) → the line reader's claims, in reading order
    for i, c in enumerate(claims):
        at.setdefault((c.source_line, c.printed), []).append(i)
    added: dict[tuple[int, int], int] = {}  # (line, offset in its paragraph) → a claim this reader added
    next_id = max((int(c.claim_id[1:]) for c in claims if c.claim_id[1:].isdigit()), default=0) + 1

    def find(para: Paragraph, m: re.Match) -> int | None:
        """The claim made of this number: by the line-by-line reader (the k-th amount of this printed
        value it read on that line, if it read this one), or by this reader before."""
        n = bisect_right(para.starts, m.start(1)) - 1
        line, offset = para.lines[n], para.starts[n]
        end = para.starts[n + 1] if n + 1 < len(para.starts) else len(para.text)
        read = [x.start(1) for x in _LINE_AMOUNT.finditer(para.text, offset, end) if x.group(1) == m.group(1)]
        if m.start(1) in read:
            found = at.get((line, m.group(1)), [])
            k = read.index(m.start(1))
            return found[k] if k < len(found) else None
        return added.get((line, m.start(1)))

    def claim(para: Paragraph, m: re.Match, sentence: str, lo: int, kind: str, measure: str | None,
              code: str | None, unit: str) -> int:
        """The claim of the number ``m`` re-labelled, or a new one: its index."""
        nonlocal next_id
        label = label_before(sentence, m.start(1) - lo)
        i = find(para, m)
        if i is not None:  # (its label and sentence read across the line breaks too)
            out[i] = replace(out[i], kind=kind, measure=measure, subject_code=code, label=label, sentence=sentence.strip())
            return i
        value, decimals = parse_amount(m.group(1))
        line = para.line_at(m.start(1))
        added[(line, m.start(1))] = len(out)
        out.append(Claim(
            claim_id=f"c{next_id:03d}", source_line=line, section="", sentence=sentence.strip(),
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
            if code and budget and final:
                claim(para, budget, sentence, lo, "subject_budget", "budget", code, "万元")
                claim(para, final, sentence, lo, "subject_amount", "total", code, "万元")
            start = lo
            for rate in _RATE.finditer(para.text, lo, hi):
                # the 决算 (and 年初预算, if stated) it divides: between the previous rate and this one
                finals = list(_FINAL.finditer(para.text, start, rate.start()))
                budgets = list(_BUDGET.finditer(para.text, start, finals[-1].start())) if finals else []
                start = rate.end()
                done = find(para, finals[-1]) if finals else None
                base = find(para, budgets[-1]) if budgets else None
                if done is not None and (base is not None or not budgets):
                    # no 年初预算 in its clause: the 预算数 the table prints beside that 决算数 (see the rule)
                    measure = f"{out[done].claim_id}/{out[base].claim_id if base is not None else ''}"
                    claim(para, rate, sentence, lo, "completion_rate", measure, code, "%")
    return out
