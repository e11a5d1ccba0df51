"""Text faults: the reviewer's kinds of mistakes (rules tx_*) planted in a rendered document.

``inject_text(truth, rng, kind)`` renders ``truth`` and changes its words, not its
tables: a direction word that contradicts its numbers, a wrong %, a change from an
impossible base, an implausible total, leftover template text, a wrong year, a
renamed class name, a 目录 that does not match the body, an empty table without a
note or with a note about other funds. It returns the text with the expected
findings: {"kind": "text", "rule", "line" (1-based, where the mistake is; None for a
table without its 无, whose instance points at the table's title), "excerpt"}.
Each kind edits text the renderer always prints (or inserts a sentence), so it
applies to every generated document; a kind that cannot apply raises ValueError.
"""

from __future__ import annotations

import csv
import random
import re
from decimal import Decimal
from pathlib import Path

from budget_warehouse.corpus.faults import FaultResult
from budget_warehouse.corpus.model import DocumentTruth
from budget_warehouse.corpus.render import Layout, render

TEXT_FAULT_KINDS = (
    "direction_word",  # a change's % word against its 增加/减少
    "stated_pct",  # a % that the amounts do not give
    "change_base",  # 预算0万元，比上年增加 Z 万元
    "prose_total",  # 财政拨款收入支出总计 smaller than a stated part
    "placeholder",  # XX部门
    "placeholder_amount",  # XXX 万元
    "empty_reason",  # 主要原因是。
    "missing_percent",  # 增长13.95，
    "doubled_punct",  # 。。
    "heading_year",  # 第二部分 <year − 1> 年度部门预算表
    "prose_year",  # 截止 <year − 3> 年底
    "renamed_class_name",  # a class name renamed before the document's year
    "contents_missing",  # a 目录 entry for a table the body does not print
    "contents_order",  # two 目录 entries swapped
    "empty_table_note",  # an empty table printed as a blank grid, without 无 or a note
    "table_note_fits",  # an empty table whose note speaks of other funds
)

_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "seed_functional_subject.csv"
_NUM = r"\d[\d,]*(?:\.\d+)?"
# "…为 X 万元，比上年增加 Z 万元" without a % after it (the renderer prints a % only sometimes)
_CHANGE = re.compile(r"(?P<x>" + _NUM + r")(?P<s1>\s*)万元，比上年(?P<word>增加|减少)(?P<s2>\s*)(?P<z>" + _NUM + r")\s*万元(?!，\s*(?:增长|下降))")


# a 目录 line of a table: "六、政府性基金拨款支出预算表<TAB>11" (any numbering, no bold)
_CONTENTS_ENTRY = re.compile(r"^(?!<b>)[^\t]+(?:表|清单|目录)\t\d+$")
# the 无 row of an empty table printed as tab rows, 无 in the code column (政府性基金 table)
_EMPTY_ROW = re.compile(r"^无(?:\t)+$")
_BLANK_ROW_CODE = "2120801"  # 征地和拆迁补偿支出, a 政府性基金 subject


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _find(lines: list[str], pattern: re.Pattern, rng: random.Random, what: str) -> tuple[int, re.Match]:
    found = [(i, m) for i, line in enumerate(lines) for m in [pattern.search(line)] if m]
    if not found:
        raise ValueError(f"no {what} in the document")
    return rng.choice(found)


def _replace(lines: list[str], i: int, m: re.Match, new: str, group: int | str = 0) -> None:
    line = lines[i]
    lines[i] = line[: m.start(group)] + new + line[m.end(group) :]


def _pct(x: Decimal, z: Decimal, word: str) -> Decimal:
    base = x - z if word == "增加" else x + z
    return (z * 100 / base).quantize(Decimal("0.01"))


def _num(printed: str) -> Decimal:
    return Decimal(printed.replace(",", ""))


def _renamed_names(year: int) -> list[tuple[str, str]]:
    """(old name, code) of class names the seed shows renamed before ``year`` (long enough to be read alone)."""
    with _SEED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for old in rows:
        if old["valid_to_year"] and int(old["valid_to_year"]) < year:
            if any(r["code"] == old["code"] and r["name"] != old["name"] and r["valid_from_year"] == str(int(old["valid_to_year"]) + 1) for r in rows):
                if len(old["name"]) >= 8 and not any(old["name"] in r["name"] and r["name"] != old["name"] for r in rows):
                    out.append((old["name"], old["code"]))
    return out


def inject_text(truth: DocumentTruth, rng: random.Random, kind: str, layout: Layout | None = None) -> FaultResult:
    if kind not in TEXT_FAULT_KINDS:
        raise ValueError(f"unknown text fault {kind!r}; choose from {TEXT_FAULT_KINDS}")
    layout = layout or Layout.random(rng)
    lines = _lines(render(truth, layout))
    findings: list[dict] = []

    def found(rule: str, i: int | None, excerpt: str) -> None:
        findings.append({"kind": "text", "rule": rule, "line": None if i is None else i + 1, "excerpt": excerpt})

    if kind in ("direction_word", "stated_pct", "missing_percent"):
        i, m = _find(lines, _CHANGE, rng, "stated change without a %")
        word = m.group("word")
        pct = _pct(_num(m.group("x")), _num(m.group("z")), word)
        if pct <= 0:
            raise ValueError("the change has no % (base 0)")
        grow = "增长" if word == "增加" else "下降"
        if kind == "direction_word":
            added, rule = f"，{'下降' if grow == '增长' else '增长'}{pct}%", "tx_direction_word"
        elif kind == "stated_pct":
            added, rule = f"，{grow}{pct + rng.randint(2, 9)}%", "tx_stated_pct"
        else:
            added, rule = f"，{grow}{pct}", "tx_missing_percent"
        lines[i] = lines[i][: m.end()] + added + lines[i][m.end() :]
        found(rule, i, added.lstrip("，"))
    elif kind == "change_base":  # the amount printed as 0 and its change as an increase
        i, m = _find(lines, _CHANGE, rng, "stated change")
        _replace(lines, i, m, "增加", "word")
        _replace(lines, i, m, "0", "x")  # left of the word: its match positions still hold
        found("tx_change_base", i, f"0万元，比上年增加{m.group('z')}万元")
    elif kind == "prose_total":
        i, m = _find(lines, re.compile(r"财政拨款基本支出\s*" + _NUM + r"\s*万元"), rng, "财政拨款基本支出")
        total = Decimal(rng.choice(["0.3", "0", "1.5"]))
        lines[i] = f"{truth.year}年度财政拨款收入支出总计{total}万元。" + lines[i]
        found("tx_total_vs_parts", i, f"财政拨款收入支出总计{total}万元")
        if "fiscal_summary" in layout.table_order:  # 财政拨款收支预算总表 prints the true 总计
            found("tx_total_vs_tables", i, f"财政拨款收入支出总计{total}万元")
    elif kind == "placeholder":
        i, m = _find(lines, re.compile(re.escape(truth.dept_short) + "部门的主要职责是"), rng, "duties sentence")
        _replace(lines, i, m, "XX部门的主要职责是")
        found("tx_placeholder", i, "XX")
    elif kind == "placeholder_amount":
        i, m = _find(lines, re.compile(r"收入预算为\s*(" + _NUM + r")\s*万元"), rng, "收入预算")
        _replace(lines, i, m, "XXX", 1)
        found("tx_placeholder_amount", i, "XXX 万元")
    elif kind == "empty_reason":
        i, m = _find(lines, re.compile(r"主要原因是([^。；]+)。"), rng, "stated reason")
        _replace(lines, i, m, "", 1)
        found("tx_empty_reason", i, "主要原因是。")
    elif kind == "doubled_punct":
        i, m = _find(lines, re.compile(r"部门所有收入和支出均纳入部门预算管理(。)"), rng, "overview sentence")
        _replace(lines, i, m, "。。", 1)
        found("tx_doubled_punct", i, "。。")
    elif kind == "heading_year":
        i, m = _find(lines, re.compile(r"第二部分\s*(\d{4})\s*年度部门预算表(?!\S*\t)"), rng, "part-two heading")
        _replace(lines, i, m, str(truth.year - 1), 1)
        found("tx_heading_year", i, f"{truth.year - 1}年")
    elif kind == "prose_year":
        i, m = _find(lines, re.compile(r"截止\s*(\d{4})\s*年底"), rng, "as-of date")
        _replace(lines, i, m, str(truth.year - 3), 1)
        found("tx_prose_year", i, f"{truth.year - 3}年")
    elif kind == "renamed_class_name":
        names = _renamed_names(truth.year)
        if not names:
            raise ValueError(f"no class name renamed before {truth.year}")
        old, _ = rng.choice(names)
        i, m = _find(lines, re.compile(r"主要支出项目（按项级科目分类统计）包括："), rng, "subject list")
        lines[i] = lines[i][: m.start()] + f"主要用于{old}等方面。" + lines[i][m.start() :]
        found("tx_renamed_class_name", i, old)
    elif kind in ("contents_missing", "contents_order"):
        entries = [j for j, line in enumerate(lines) if _CONTENTS_ENTRY.match(line)]
        if len(entries) < 2:
            raise ValueError("no 目录 with table entries")
        if kind == "contents_missing":
            j = rng.choice(entries)
            lines[j] = "国有资本经营预算拨款支出预算表\t" + lines[j].split("\t", 1)[1]
            found("tx_contents_vs_body", j, "国有资本经营预算拨款支出预算表")
        else:
            k = rng.randrange(len(entries) - 1)
            a, b = entries[k], entries[k + 1]
            (ta, pa), (tb, pb) = lines[a].split("\t", 1), lines[b].split("\t", 1)
            lines[a], lines[b] = f"{tb}\t{pa}", f"{ta}\t{pb}"
            found("tx_contents_vs_body", a, tb)
            found("tx_contents_vs_body", b, ta)
    else:  # an empty table: 无 in its code column → a subject row with blank amounts (a blank grid)
        marks = [j for j, line in enumerate(lines) if _EMPTY_ROW.match(line)]
        if not marks:
            raise ValueError("no table printed as a 无 row in its code column")
        j = rng.choice(marks)
        if kind == "empty_table_note":
            lines[j] = lines[j].replace("无", _BLANK_ROW_CODE, 1)
            found("tx_empty_table_note", None, "no note")
        else:  # keep the 无, add a note about other funds under the table
            end = j
            while end + 1 < len(lines) and ("\t" in lines[end + 1] or "<t" in lines[end + 1].lower()):
                end += 1
            note = "注：本部门没有国有资本经营预算拨款安排的支出，故本表为空表。"
            lines[end + 1 : end + 1] = ["", note, ""]
            found("tx_table_note_fits", end + 2, "国有资本经营")
    text = "\n".join(lines)
    change = {"fault": kind, "fact": "text", "key": None, "table_kind": None, "before": None, "after": None,
              "printed_before": None, "printed_after": None, "occurrences": 1}
    return FaultResult(text, findings, layout, change)
