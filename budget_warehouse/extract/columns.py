"""Header rows → one composite label per column → what each column holds.

Headers are often printed over two rows (a "资金来源" group above "总计 /
一般公共预算拨款 …") or the same word twice ("总计" for the row total by kind,
and again under "资金来源"). Joining each column's header cells top-down, with
a group label carried right across the columns it spans, tells them apart:
"总计" vs "资金来源/总计".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budget_warehouse.extract.grid import Row
from budget_warehouse.extract.numbers import is_amount
from budget_warehouse.extract.templates import shape_of
from budget_warehouse.extract.vocabulary import EXPENDITURE_KINDS, FINAL_ITEMS, FUNDING_SOURCES, match_key

CODE_RE = re.compile(r"^\d{3,12}$")
TOTAL_RE = re.compile(r"^(合\s*计|总\s*计|收入总计|支出总计|本年收入合计|本年支出合计)$")
_COLUMN_NUMBER = re.compile(r"^(\*+|\d{1,2}|栏次|[A-Z])$")


def is_column_number_row(row: Row) -> bool:
    filled = row.filled
    return bool(filled) and all(_COLUMN_NUMBER.match(c) for c in filled) and any(c.isdigit() for c in filled)


def is_data_row(row: Row) -> bool:
    if is_column_number_row(row):
        return False
    filled = row.filled
    if any(is_amount(c) and ("." in c or "," in c) for c in filled):
        return True
    if any(CODE_RE.match(c.replace(" ", "")) for c in filled[:3]):
        return True
    # A 合计 row: its label plus at least one amount (a header may say 总计 too).
    return bool(filled) and bool(TOTAL_RE.match(filled[0].replace(" ", ""))) and any(is_amount(c) for c in filled)


def split_header(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(header rows, data rows): the header ends at the first data-like row."""
    for i, row in enumerate(rows):
        if is_data_row(row):
            return rows[:i], rows[i:]
    return rows, []


def composite_labels(header: list[Row], width: int) -> list[str]:
    rows = [r for r in header if not is_column_number_row(r)]
    labels: list[list[str]] = [[] for _ in range(width)]
    for depth, row in enumerate(rows):
        carried = ""
        carried_group = -1
        lower = rows[depth + 1 :]
        above = rows[depth - 1].cells if depth else ()
        group = -1  # the column where the group above this column starts
        for c in range(width):
            if c < len(above) and above[c]:
                group = c
            cell = row.cells[c] if c < len(row.cells) else ""
            if cell:
                carried, carried_group = cell, group
                labels[c].append(cell)
            elif carried and group == carried_group and any(c < len(r.cells) and r.cells[c] for r in lower):
                # A group label spans right over columns that have their own label below, within its
                # own group of the row above (a cell spanning rows leaves the row under it blank).
                labels[c].append(carried)
    return ["/".join(parts) for parts in labels]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    index: int
    label: str
    role: str  # unit_code | unit_name | code | name | item | value | text | ignore
    measure_group: str = ""
    measure: str = ""
    side: str | None = None


def _leaf(label: str) -> str:
    parts = [p for p in label.split("/") if p and not re.fullmatch(r"其中[:：]?", p)]
    return "".join(parts[-1].split()) if parts else ""


_KNOWN = re.compile(r"预算数|决算数|金额|合计|小计|总计|编码|代码|名称|^[类款项]$")


def _known(word: str) -> bool:
    return bool(_KNOWN.search(word)) or any(
        match_key(word, vocabulary) for vocabulary in (FUNDING_SOURCES, EXPENDITURE_KINDS, FINAL_ITEMS)
    )


def leaf_of(label: str) -> str:
    """A column's own header word: the last level of its label; where that says nothing known,
    the shortest run of last levels joined that does (a header word wrapped over lines and
    read as levels: ``项目/本年收入合/计``, ``支出/一般公共预算/财/政拨款``)."""
    leaf = _leaf(label)
    if _known(leaf):
        return leaf
    parts = [re.sub(r"\s+", "", p) for p in label.split("/") if p.strip()]
    for n in range(2, len(parts) + 1):
        if _known(joined := "".join(parts[-n:])):
            return joined
    return parts[-2] + leaf if len(leaf) == 1 and len(parts) > 1 else leaf  # one character is a word's end


def source_key(label: str) -> str | None:
    """The funding source a column's label names."""
    return match_key(leaf_of(label), FUNDING_SOURCES)


def column_specs(kind: str, labels: list[str]) -> list[ColumnSpec]:
    specs = []
    for i, label in enumerate(labels):
        compact = "".join(label.split())
        leaf = leaf_of(label)
        side = "revenue" if "收入" in compact.split("/")[0] else "expenditure" if "支出" in compact.split("/")[0] else None
        if not leaf:
            specs.append(ColumnSpec(i, label, "ignore"))
        elif re.search(r"单位编码|部门编码|单位代码", leaf):
            specs.append(ColumnSpec(i, label, "unit_code"))
        elif re.search(r"单位名称|部门名称|预算单位", leaf):
            specs.append(ColumnSpec(i, label, "unit_name"))
        elif re.search(r"编码|代码", leaf) or leaf in ("类", "款", "项") or label.split()[-1:] in (["类"], ["款"], ["项"]):
            # (a converter may print a two-level header cell on one line: "功能 类" over the 类 column)
            specs.append(ColumnSpec(i, label, "code"))
        elif re.search(r"科目名称|^名称$|功能分类科目|经济分类科目", leaf):
            specs.append(ColumnSpec(i, label, "name"))
        elif shape_of(kind) == "summary":
            if re.search(r"预算数|决算数|金额|合计", leaf) or source_key(label):
                specs.append(ColumnSpec(i, label, "value", "item", "amount", side))
            else:
                specs.append(ColumnSpec(i, label, "item", side=side))
        elif shape_of(kind) == "items":
            if re.search(r"项目|名称", leaf):
                specs.append(ColumnSpec(i, label, "item"))
            elif "上年" in compact:
                specs.append(ColumnSpec(i, label, "value", "item", "prior_year"))
            else:
                specs.append(ColumnSpec(i, label, "value", "item", "amount"))
        elif kind == "special_funds":
            if re.search(r"小计|合计|总计", leaf):
                specs.append(ColumnSpec(i, label, "value", "source", "total"))
            elif key := match_key(leaf, FUNDING_SOURCES):
                specs.append(ColumnSpec(i, label, "value", "source", key))
            elif re.search(r"立项目|^专项资金(项目|名称)?$|项目名称", leaf):
                specs.append(ColumnSpec(i, label, "item"))
            else:
                specs.append(ColumnSpec(i, label, "text"))
        else:
            specs.append(_value_spec(kind, i, label, compact, leaf))
    return specs


def _value_spec(kind: str, i: int, label: str, compact: str, leaf: str) -> ColumnSpec:
    if kind.startswith("final_") and (key := match_key(compact.split("/")[0], FINAL_ITEMS) or match_key(leaf, FINAL_ITEMS)):
        if key in ("opening_balance", "closing_balance") or TOTAL_RE.match(leaf) or leaf in ("小计", "合计", compact):
            return ColumnSpec(i, label, "value", "final", key)  # 年初结转和结余 | 本年收入 | 本年支出/小计 | 年末…
    by_source = kind == "revenue_by_unit" or "资金来源" in compact or "收入" in compact.split("/")[0]
    if TOTAL_RE.match(leaf) or re.search(r"(合计|总计|小计)$", leaf) or leaf in ("预算数", "本年预算数", "金额", "合计数"):
        return ColumnSpec(i, label, "value", "source" if by_source else "kind", "total")
    if not by_source and (key := match_key(leaf, EXPENDITURE_KINDS)):
        return ColumnSpec(i, label, "value", "kind", key)
    if key := match_key(leaf, FUNDING_SOURCES):
        if len({k for k, _, pattern in FUNDING_SOURCES if re.search(pattern, leaf)}) > 1:
            key = leaf  # two sources' headers in one cell (a converter merged two columns): not guessed
        return ColumnSpec(i, label, "value", "source", key)
    if key := match_key(leaf, EXPENDITURE_KINDS):
        return ColumnSpec(i, label, "value", "kind", key)
    return ColumnSpec(i, label, "value", "amount", leaf)
