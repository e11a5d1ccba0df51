"""The budget-unit roster of 部门概况 (单位名称 / 经费性质 / 人员编制数 / 在职人数), or a 部门决算's list of
the units it covers (序号 / 单位名称 / 备注)."""

from __future__ import annotations

import re

from budget_warehouse.extract.columns import composite_labels
from budget_warehouse.extract.grid import Row
from budget_warehouse.extract.numbers import parse_amount
from budget_warehouse.extract.records import Cell, RosterUnit
from budget_warehouse.extract.tables import dedupe_renderings

_COLUMNS = {
    "unit_name": r"单位名称|名称",
    "funding_nature": r"经费性质|经费形式|单位性质",
    "staffing_quota": r"编制",
    "staff_count": r"在职|实有",
}


def _normalise_name(name: str) -> str:
    return "".join(name.split())


def parse_roster(rows: list[Row], cells: list[Cell]) -> tuple[list[RosterUnit], list[int], list[tuple[int, str]]]:
    """The roster's units, the source lines of a second rendering that was skipped, and the
    (line, number) of each row's 序号 (list numbering, not a value)."""
    rows, dropped = dedupe_renderings(rows)
    header = [r for r in rows if any("单位名称" in c.replace(" ", "") or "编制" in c.replace(" ", "") for c in r.cells)]
    if not header:
        return [], dropped, []
    width = max(len(r.cells) for r in rows)
    labels = composite_labels(header[:1], width)
    index = {}
    for role, pattern in _COLUMNS.items():
        for i, label in enumerate(labels):
            if i not in index.values() and re.search(pattern, label.replace(" ", "")):
                index[role] = i
                break
    names_to_codes: dict[str, str] = {}
    for c in cells:
        if c.unit_code and c.unit_name:
            names_to_codes.setdefault(_normalise_name(c.unit_name), c.unit_code)
    seq = next((i for i, label in enumerate(labels) if label.replace(" ", "") == "序号"), None)
    units, numbering = [], []
    for row in rows[rows.index(header[0]) + 1 :]:
        get = lambda role: row.cells[index[role]] if role in index and index[role] < len(row.cells) else ""  # noqa: E731
        if seq is not None and seq < len(row.cells) and row.cells[seq].isdigit():
            numbering.append((row.line, row.cells[seq]))
        name = get("unit_name")
        if not any(ch.isalnum() for ch in name):  # blank, or a row a template leaves as 。。。 / ……
            continue
        quota, _ = _number(get("staffing_quota"))
        count, _ = _number(get("staff_count"))
        units.append(
            RosterUnit(
                source_line=row.line,
                unit_name=name,
                funding_nature=get("funding_nature") or None,
                staffing_quota_printed=get("staffing_quota"),
                staffing_quota=quota,
                staff_count_printed=get("staff_count"),
                staff_count=count,
                unit_code=_link(name, names_to_codes),
            )
        )
    return units, dropped, numbering


def _number(text: str):
    try:
        return parse_amount(text)
    except ValueError:
        return None, 0


def _link(name: str, names_to_codes: dict[str, str]) -> str | None:
    key = _normalise_name(name)
    if key in names_to_codes:
        return names_to_codes[key]
    # Tables sometimes print a shortened or prefixed name: accept one unique containment.
    hits = {code for n, code in names_to_codes.items() if n and (n in key or key in n)}
    return hits.pop() if len(hits) == 1 else None
