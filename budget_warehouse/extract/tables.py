"""Standard tables: a classified block → a Table record and its value cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import zip_longest

from budget_warehouse.extract.columns import (
    TOTAL_RE,
    ColumnSpec,
    column_specs,
    composite_labels,
    is_column_number_row,
    source_key,
    split_header,
)
from budget_warehouse.extract.errors import ExtractionError
from budget_warehouse.extract.grid import Row
from budget_warehouse.extract.numbers import is_amount, parse_amount, to_wan
from budget_warehouse.extract.records import Cell, Table
from budget_warehouse.extract.segment import EMPTY_MARKERS, Block
from budget_warehouse.extract.templates import TemplateTable, shape_of
from budget_warehouse.extract.vocabulary import (
    EXPENDITURE_KINDS,
    FINAL_ITEMS,
    FUNDING_SOURCES,
    SUMMARY_PROJECT_ITEMS,
    THREE_PUBLIC_ITEMS,
    match_key,
)

_LEVEL_PATTERNS = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^\d+[、.．](?!\d)")),
    (3, re.compile(r"^[（(]\d+[）)]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
]
_PREFIX = re.compile(r"^其中[:：]\s*")


@dataclass(slots=True)
class ParsedTable:
    table: Table
    cells: list[Cell] = field(default_factory=list)
    code_tokens: list[tuple[int, str]] = field(default_factory=list)  # (line, code) loaded as keys
    column_number_lines: list[int] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)
    cut_row_lines: list[int] = field(default_factory=list)  # first parts of rows cut by a page break
    # (row_index, column_index) → the column it was printed in, where the two differ (items printed across)
    printed_columns: dict[tuple[int, int], int] = field(default_factory=dict)


def dedupe_renderings(rows: list[Row]) -> tuple[list[Row], list[int]]:
    """Drop an HTML table that the rows right after (or before) it repeat.

    A converter may print a table as HTML and again as rows (the rows may
    repeat their header after a page break, and may start on the HTML's own
    line: "…</table>单位编码\t…"); it may also flatten the HTML's text into
    stray cells on the same line, which go with the dropped copy, or print
    every cell of the HTML again on one tab line (dropped). Returns the rows
    to keep and the source lines dropped.
    """
    starts = sorted({r.html for r in rows if r.html})
    # Every cell of the HTML (all its pieces) again, flattened onto one tab line.
    html_cells = [c for r in rows if r.html for c in r.filled]
    dropped_rows = {i for i, r in enumerate(rows) if not r.html and len(r.filled) > 2 and r.filled == html_cells}
    for start in starts:
        members = [i for i, r in enumerate(rows) if r.html == start]
        lines = {rows[i].line for i in members}
        mine = [tuple(rows[i].filled) for i in members if rows[i].filled]
        after_at = members[-1] + 1
        debris = []
        while after_at < len(rows) and not rows[after_at].html and rows[after_at].line in lines:
            debris.append(after_at)
            after_at += 1
        after = _copy(rows[after_at:], mine)
        before = [tuple(r.filled) for i, r in enumerate(rows[: members[0]]) if r.filled and i not in dropped_rows]
        # The copy may itself start on the HTML's line ("…</table>单位编码\t单位名称…").
        run_on = _copy([r for r in rows[members[-1] + 1 :] if not r.html], mine)
        if mine and debris and run_on == mine:
            dropped_rows.update(members)
        elif mine and (after == mine or before[-len(mine) :] == mine):
            dropped_rows.update(members + debris)
    keep = [r for i, r in enumerate(rows) if i not in dropped_rows]
    return keep, sorted({rows[i].line for i in dropped_rows})


def join_cut_rows(rows: list[Row]) -> tuple[list[Row], list[int]]:
    """Join a row that a page break cut in two: its labels before the break, its amounts after.

    The joined row takes the line of its amounts (their provenance); the line of
    the labels is returned, to be accounted for.
    """
    out: list[Row] = []
    cut_lines: list[int] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and _continues_cut_row(prev, row):
            cells = tuple(a or b for a, b in zip_longest(prev.cells, row.cells, fillvalue=""))
            out[-1] = Row(cells, row.line)
            cut_lines.append(prev.line)
            continue
        out.append(row)
    return out, cut_lines


def _continues_cut_row(prev: Row, row: Row) -> bool:
    if prev.html or row.html or row.line - prev.line < 2:  # a page break lies between the two parts
        return False
    first = [i for i, c in enumerate(prev.cells) if c]
    second = [i for i, c in enumerate(row.cells) if c]
    return bool(
        first and second and max(first) < min(second)
        and not any(is_amount(c) and ("." in c or "," in c) for c in prev.filled)  # codes are not amounts here
        and is_amount(row.cells[min(second)])
    )


def _empty_marker_row(row: Row) -> bool:
    """无 alone, or beside the blank 合计 of an empty grid (无 | | 合计 on one line)."""
    filled = row.filled
    return any(c in EMPTY_MARKERS for c in filled) and all(
        c in EMPTY_MARKERS or TOTAL_RE.match(c.replace(" ", "")) for c in filled
    )


def _blank_grid(header: list[Row]) -> bool:
    """A table printed without amounts (all zero, or nothing to report): a 合计 line under the header, blank."""
    return any(
        any(TOTAL_RE.match(c.replace(" ", "")) for c in r.cells[:2]) and not any(is_amount(c) for c in r.filled)
        for r in header[1:]
    )


def _copy(rows: list[Row], mine: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The first ``len(mine)`` filled rows of ``rows``, header rows repeated after a page break skipped."""
    head = set(mine[:3])
    out: list[tuple[str, ...]] = []
    for r in rows:
        filled = tuple(r.filled)
        if not filled or (filled in head and filled in out):
            continue
        out.append(filled)
        if len(out) == len(mine):
            break
    return out


def _value_of(row: Row, spec: ColumnSpec) -> str:
    return row.cells[spec.index] if spec.index < len(row.cells) else ""


def _level(label: str) -> tuple[int, str]:
    text = _PREFIX.sub("", label.replace(" ", ""))
    for level, pattern in _LEVEL_PATTERNS:
        m = pattern.match(text)
        if m:
            return level, _PREFIX.sub("", text[m.end():])
    return 0 if TOTAL_RE.match(text) else 1, text


def _item_key(kind: str, side: str | None, text: str) -> str:
    if kind.startswith("final_") and (key := match_key(text, FINAL_ITEMS)):
        return key  # 本年收入合计 | 年初结转和结余 …: the 决算 identity's terms
    if TOTAL_RE.match(text):
        return "total"
    if kind == "three_public":
        return match_key(text, THREE_PUBLIC_ITEMS) or text
    if side == "revenue":
        return match_key(text, FUNDING_SOURCES) or text
    return match_key(text, SUMMARY_PROJECT_ITEMS) or match_key(text, EXPENDITURE_KINDS) or text


def _code(text: str) -> str:
    return "".join(text.split())


class TableParser:
    """Turns one block of a known kind into cells (see docs/contract.md for the shapes)."""

    def __init__(self, block: Block, kind: str, table_id: str, unit: str, source: str,
                 template: TemplateTable | None = None):
        self.block, self.kind, self.table_id, self.unit, self.source = block, kind, table_id, unit, source
        self.template = template  # the table's row in the template catalogue, if the document's family prints it

    def parse(self) -> ParsedTable:
        rows, cut_lines = join_cut_rows(self.block.rows)
        rows, dropped = dedupe_renderings(rows)
        title_rows = [r for r in rows if len(r.filled) == 1 and r.filled[0] == self.block.title]
        markers = [r for r in rows if _empty_marker_row(r)]
        rows = [r for r in rows if r not in title_rows and r not in markers]
        header, data = split_header(rows)
        header, data = _code_labels_on_first_row(header, data)
        empty = self.block.empty_marker_line is not None or bool(markers) or (not data and _blank_grid(header))
        width = max((len(r.cells) for r in rows), default=0)
        labels = composite_labels(header, width)
        specs = column_specs(self.kind, labels)
        column_number_lines = [r.line for r in header if is_column_number_row(r)]
        # A page break can repeat the header: drop rows identical to a header row.
        header_cells = {tuple(r.filled) for r in header}
        # (not a lone character or two: the end of a wrapped label, as a header's wrapped word may end too)
        data = [r for r in data if tuple(r.filled) not in header_cells or len("".join(r.filled)) <= 2]
        if not data and not empty and self.kind != "unrecognised":
            raise ExtractionError(
                f"table {self.block.title or self.kind!r} has a header but no rows "
                "(expected rows of amounts, or 无); the document may be truncated",
                source=self.source,
                line=self.block.last_line,
                table=self.kind,
            )
        parsed = ParsedTable(
            table=Table(
                table_id=self.table_id,
                kind=self.kind,
                title=self.block.title,
                title_line=self.block.title_line or self.block.first_line,
                first_line=self.block.first_line,
                last_line=self.block.last_line,
                amount_unit=self.unit,
                layout="+".join(sorted(self.block.layouts)),
                is_empty=empty and not data,
                columns=tuple(labels),
                row_count=len(data),
                duplicate_lines=(dropped[0], dropped[-1]) if dropped else None,
            ),
            column_number_lines=column_number_lines,
            duplicate_lines=dropped,
            cut_row_lines=cut_lines,
        )
        shape = shape_of(self.kind)
        if shape == "summary":
            self._summary_cells(data, specs, parsed)
        elif shape == "items" and _items_across(specs):
            if problem := self._unread_items(data, specs, parsed.table):
                specs = self._specs_by_position(header + data, problem)
                parsed.table = replace(parsed.table, columns=tuple(s.label for s in specs), header_by_position=True)
            self._wide_item_cells(data, specs, parsed)
        elif shape == "items":
            self._item_cells(data, specs, parsed)
        elif shape == "economic_pairs":
            for group in _side_by_side(specs):  # two tables printed side by side: each half on its own
                self._coded_cells(data, group, parsed)
        else:
            self._coded_cells(data, specs, parsed)
        return parsed

    # -- cells -------------------------------------------------------------------------

    def _cell(self, row: Row, index: int, spec: ColumnSpec, role: str, **context) -> Cell | None:
        printed = row.cells[spec.index] if spec.index < len(row.cells) else ""
        try:
            value, decimals = parse_amount(printed)
        except ValueError:
            if self.kind == "unrecognised":
                return None
            raise ExtractionError(
                f"expected an amount in column {spec.label!r}, found {printed!r}",
                source=self.source,
                line=row.line,
                table=self.kind,
            ) from None
        return Cell(
            table_id=self.table_id,
            table_kind=self.kind,
            source_line=row.line,
            row_index=index,
            row_role=role,
            column_index=spec.index,
            column_label=spec.label,
            measure_group=spec.measure_group,
            measure=spec.measure,
            printed=printed,
            amount=to_wan(value, self.unit),
            decimals=decimals,
            **context,
        )

    def _summary_cells(self, data: list[Row], specs: list[ColumnSpec], parsed: ParsedTable) -> None:
        """Two sides per row: (item column, value column) pairs for revenue and expenditure."""
        pairs: list[tuple[ColumnSpec, ColumnSpec]] = []
        pending: ColumnSpec | None = None
        for spec in specs:
            if spec.role == "item":
                pending = spec
            elif spec.role == "value" and pending is not None:
                side = pending.side or spec.side or ("revenue" if not pairs else "expenditure")
                if pairs and side == pairs[0][1].side:
                    # a second item column is the other side (its group label was printed too wide)
                    side = "expenditure" if side == "revenue" else "revenue"
                pairs.append((pending, ColumnSpec(spec.index, spec.label, "value", "item", "amount", side)))
                pending = None
            elif spec.role == "value" and pairs:
                # More amount columns for the same item (合计, then 一般公共预算 | 政府性基金预算 …): by source.
                item_spec, first = pairs[-1]
                key = source_key(spec.label) or _leaf_of(spec.label)
                pairs.append((item_spec, ColumnSpec(spec.index, spec.label, "value", "source", key, first.side)))
        for (item_spec, value_spec) in pairs:
            side = value_spec.side
            items = []
            for index, row in enumerate(data):
                label = row.cells[item_spec.index] if item_spec.index < len(row.cells) else ""
                printed = row.cells[value_spec.index] if value_spec.index < len(row.cells) else ""
                if not label and not printed:
                    continue
                previous = items[-1] if items else None
                numbered = _LEVEL_PATTERNS[0][1].match  # 一、 二、 …
                if (previous is not None and not printed and len(label.replace(" ", "")) <= 4
                        and _level(label)[0] == 1 and not numbered(label)  # unnumbered, not a total
                        and numbered(previous[2]) and not _value_of(previous[1], value_spec)):
                    # the end of a numbered item's name wrapped onto a line of its own (二、政府性基金预算财政拨 / 款)
                    joined = previous[2] + label
                    items[-1] = (previous[0], previous[1], joined, *_level(joined))
                    continue
                level, text = _level(label)
                items.append((index, row, label, level, text))
            keys_seen: dict[str, int] = {}
            parents: dict[int, str] = {}
            for n, (index, row, label, level, text) in enumerate(items):
                key = _item_key(self.kind, side, text)
                keys_seen[key] = keys_seen.get(key, 0) + 1
                if keys_seen[key] > 1:
                    key = f"{key}#{keys_seen[key]}"
                parents[level] = key
                has_children = n + 1 < len(items) and items[n + 1][3] > level and level > 0
                role = "total" if key == "total" else "subtotal" if has_children else "detail"
                if value_spec.measure_group == "source" and not printed:
                    continue
                cell = self._cell(
                    row, index, value_spec, role,
                    side=side, item_label=label, item_key=key, item_level=0 if key == "total" else level,
                    parent_item_key=parents.get(level - 1) if level > 1 else None,
                )
                if cell:
                    parsed.cells.append(cell)

    def _item_cells(self, data: list[Row], specs: list[ColumnSpec], parsed: ParsedTable) -> None:
        item_spec = next((s for s in specs if s.role == "item"), None)
        if item_spec is None:
            item_spec = ColumnSpec(0, "", "item")
        values = [s for s in specs if s.role == "value"]
        parents: dict[int, str] = {}
        rows = [(i, r) for i, r in enumerate(data)]
        levels = [_level(r.cells[item_spec.index] if item_spec.index < len(r.cells) else "") for _, r in rows]
        for n, (index, row) in enumerate(rows):
            label = row.cells[item_spec.index] if item_spec.index < len(row.cells) else ""
            level, text = levels[n]
            key = _item_key(self.kind, None, text)
            parents[level] = key
            has_children = n + 1 < len(rows) and levels[n + 1][0] > level and level > 0
            role = "total" if key == "total" else "subtotal" if has_children else "detail"
            for spec in values:
                cell = self._cell(
                    row, index, spec, role, item_label=label, item_key=key,
                    item_level=0 if key == "total" else level,
                    parent_item_key=parents.get(level - 1) if level > 1 else None,
                )
                if cell:
                    parsed.cells.append(cell)

    def _unread_items(self, data: list[Row], specs: list[ColumnSpec], table: Table) -> ExtractionError | None:
        """Why a header of items printed as columns cannot be read (two columns read as one item,
        or an amount under a column whose header names no item), or None."""
        probe = ParsedTable(table=table)
        try:
            self._wide_item_cells(data, specs, probe)
        except ExtractionError as exc:
            return exc
        loaded = set(probe.printed_columns.values())
        for row in data[:1]:
            for c, text in enumerate(row.cells):
                if text and c not in loaded and _is_number(text):
                    label = next((s.label for s in specs if s.index == c), "")
                    return ExtractionError(
                        f"column {c + 1} holds {text!r} under a header that names no item ({label!r})",
                        source=self.source, line=row.line, table=self.kind,
                    )
        return None

    def _specs_by_position(self, rows: list[Row], problem: ExtractionError) -> list[ColumnSpec]:
        """The catalogue's columns for this table, in order, when the table has as many columns;
        else the problem stands (never a guess)."""
        width = max((len(r.cells) for r in rows), default=0)
        known = self.template.columns if self.template else ()
        if not known or len(known) != width:
            detail = f"; the template catalogue lists {len(known)} columns, the table has {width}" if known else ""
            raise ExtractionError(f"{problem.detail}{detail}", source=self.source, line=problem.line, table=self.kind)
        return column_specs(self.kind, list(known))

    def _wide_item_cells(self, data: list[Row], specs: list[ColumnSpec], parsed: ParsedTable) -> None:
        """Items printed as columns (合计 | 因公出国(境)费 | 公务接待费 | 公务用车…) over one row of amounts,
        stored as the long form of the items-as-rows layout: one row per item, one column per measure
        (本年 or 决算数 = amount, 预算数 = budget, 上年 = prior_year); a column that is not a 三公 item
        (机关运行经费) keeps a column of its own, so it is never added into 合计."""
        slots = {"amount": 0, "budget": 1, "prior_year": 2}
        items: list[str] = []
        for row in data[:1]:  # the table's one row of amounts (a second would be a second year: not printed)
            for spec in specs:
                if spec.role != "value":
                    continue
                parts = [p for p in "".join(spec.label.split()).split("/") if p]
                measure = "budget" if parts and parts[-1] == "预算数" else "prior_year" if "上年" in spec.label else "amount"
                names = [p for p in parts if p not in ("预算数", "决算数")]
                key = next((k for p in reversed(names) for k in [_item_key(self.kind, None, p)] if k != p), names[-1] if names else "")
                if key not in items:
                    items.append(key)
                row_index = items.index(key)
                column = slots[measure] if key in _THREE_PUBLIC_KEYS else len(slots) + row_index
                level = 0 if key == "total" else 2 if key in ("vehicle_operation", "vehicle_purchase") else 1
                if (row_index, column) in parsed.printed_columns:  # a header that cannot tell two columns apart
                    raise ExtractionError(
                        f"columns {parsed.printed_columns[(row_index, column)] + 1} and {spec.index + 1} both read as "
                        f"item {key!r} ({measure}); expected one column per item and measure",
                        source=self.source, line=row.line, table=self.kind,
                    )
                wide = Row(tuple(row.cells[spec.index] if i == column else "" for i in range(column + 1)), row.line, row.html)
                cell = self._cell(
                    wide, row_index, ColumnSpec(column, spec.label, "value", "item", measure),
                    "total" if key == "total" else "subtotal" if key == "vehicle" else "detail",
                    item_label=names[-1] if names else spec.label, item_key=key, item_level=level,
                    parent_item_key="vehicle" if level == 2 else None,
                )
                if cell:
                    parsed.cells.append(cell)
                    parsed.printed_columns[(row_index, column)] = spec.index

    def _coded_cells(self, data: list[Row], specs: list[ColumnSpec], parsed: ParsedTable) -> None:
        """Tables keyed by unit and/or classification code (tables 2, 3, 5-8, 10)."""
        by_role: dict[str, list[ColumnSpec]] = {}
        for spec in specs:
            by_role.setdefault(spec.role, []).append(spec)
        values = by_role.get("value", [])
        code_cols = by_role.get("code", [])
        shape = shape_of(self.kind)
        econ = shape in ("economic", "economic_pairs")
        keyed = []
        unit_code = unit_name = None
        for index, row in enumerate(data):
            get = lambda spec: row.cells[spec.index] if spec and spec.index < len(row.cells) else ""  # noqa: E731
            code = _code("".join(get(s) for s in code_cols))
            name = " ".join(get(s) for s in by_role.get("name", [])).strip()
            if code and not code.isdigit():
                # 合计 (or 人员经费合计, or its first character) printed in the code column: a label, not a code
                code, name = "", code + name
            item = " ".join(get(s) for s in by_role.get("item", [])).strip()
            row_unit_code = _code(get(by_role["unit_code"][0])) if "unit_code" in by_role else ""
            row_unit_name = get(by_role["unit_name"][0]) if "unit_name" in by_role else ""
            if not code and name and (m := re.match(r"^(\d{3,9})\s*(.*)$", name)):
                code, name = m.group(1), m.group(2)  # code and name printed in one cell
            if (keyed and keyed[-1][2] and not code and name and not TOTAL_RE.match(name.replace(" ", ""))
                    and not (row_unit_code or row_unit_name) and not any(get(s).strip() for s in values)):
                # a name wrapped onto a line of its own: the end of the coded row's name above
                keyed[-1] = (*keyed[-1][:3], keyed[-1][3] + name, *keyed[-1][4:])
                continue
            if self.kind == "unrecognised":
                item = item or next((c for c in row.cells if c and not _is_number(c)), "")
            label = row_unit_name or name or item
            total = bool(TOTAL_RE.match(label.replace(" ", ""))) or bool(TOTAL_RE.match(row_unit_code))
            total = total or (shape == "economic_pairs" and label.endswith("合计"))  # 人员经费合计 | 公用经费合计
            if row_unit_code or row_unit_name:
                unit_code, unit_name = row_unit_code or None, row_unit_name or None
            elif not total and shape == "unit_subject" and code:
                pass  # unit printed once for its group of rows: carry it down
            else:
                unit_code = unit_name = None
            if total:
                unit_code = unit_name = None
            parts = [_code(get(s)) for s in code_cols] if code and len(code_cols) > 1 else [code]
            for raw in [row_unit_code, *parts]:  # a code printed over 类 | 款 | 项 columns: each part is a key
                if raw:
                    parsed.code_tokens.append((row.line, raw))
            keyed.append((index, row, code, name, item, total, unit_code, unit_name))
        codes = [k[2] for k in keyed]
        for n, (index, row, code, name, item, total, unit_code, unit_name) in enumerate(keyed):
            if total:
                role = "total"
            elif code and any(c and c != code and c.startswith(code) for c in codes[n + 1 :n + 60]):
                role = "subtotal"
            elif shape == "unit_subject" and not code:
                role = "subtotal"  # a unit's own total line
            else:
                role = "detail"
            context = dict(unit_code=unit_code, unit_name=unit_name)
            if econ:
                context.update(econ_code=code or None, econ_name=name or None)
            elif shape in ("unit_subject", "subject"):
                context.update(subject_code=code or None, subject_name=name or None)
            else:
                context.update(item_label=(item or name or None))
                if code:
                    context.update(subject_code=code)
            for spec in values:
                cell = self._cell(row, index, spec, role, **context)
                if cell:
                    parsed.cells.append(cell)


def _code_labels_on_first_row(header: list[Row], data: list[Row]) -> tuple[list[Row], list[Row]]:
    """类 | 款 | 项 printed on the first data row (beside 合计 and its amounts): they label those columns."""
    if not data:
        return header, data
    first = data[0]
    if not any(c in ("类", "款", "项") for c in first.cells):
        return header, data
    labels = tuple(c if c in ("类", "款", "项") else "" for c in first.cells)
    values = tuple("" if c in ("类", "款", "项") else c for c in first.cells)
    return header + [Row(labels, first.line, first.html)], [Row(values, first.line, first.html)] + data[1:]


def unreadable_table(block: Block, kind: str, table_id: str, unit: str, error: ExtractionError) -> Table:
    """The record of a table that could not be read: present, no cells, and why (with its lines)."""
    return Table(
        table_id=table_id,
        kind=kind,
        title=block.title,
        title_line=block.title_line or block.first_line,
        first_line=block.first_line,
        last_line=block.last_line,
        amount_unit=unit,
        layout="+".join(sorted(block.layouts)),
        is_empty=False,
        columns=(),
        row_count=0,
        unreadable=f"table {block.title or kind!r} (lines {block.first_line}-{block.last_line}) unreadable: "
        f"line {error.line}: {error.detail}",
    )


def _leaf_of(label: str) -> str:
    parts = [p for p in "".join(label.split()).split("/") if p]
    return parts[-1] if parts else ""


_THREE_PUBLIC_KEYS = {"total"} | {key for key, _, _ in THREE_PUBLIC_ITEMS if key != "admin_operation"}


def _items_across(specs: list[ColumnSpec]) -> bool:
    """三公 items printed as column headers rather than as rows (no item column)."""
    return not any(s.role == "item" for s in specs) and sum(
        1 for s in specs if s.role == "value" and match_key(s.label, THREE_PUBLIC_ITEMS)
    ) >= 2


def _side_by_side(specs: list[ColumnSpec]) -> list[list[ColumnSpec]]:
    """Split the columns where a code column follows an amount column: the second table printed beside the first."""
    groups: list[list[ColumnSpec]] = [[]]
    for spec in specs:
        if spec.role == "code" and any(s.role == "value" for s in groups[-1]):
            groups.append([])
        groups[-1].append(spec)
    return groups


def _is_number(text: str) -> bool:
    try:
        return parse_amount(text)[0] is not None
    except ValueError:
        return False
