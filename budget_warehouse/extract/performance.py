"""Projects: the prose project list and one 绩效目标表 (performance target table) each."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from budget_warehouse.extract.grid import Row
from budget_warehouse.extract.numbers import parse_amount
from budget_warehouse.extract.records import Indicator, PerfFunding, PerfTable, Project
from budget_warehouse.extract.segment import Block, Segmented, plain
from budget_warehouse.extract.tables import dedupe_renderings, join_cut_rows

_FIELD_LABELS = {
    name: re.compile(pattern)
    for name, pattern in {
        "filled_by": r"^填报单位",
        "project_name": r"^项目名称",
        "owner": r"^项目负责人",
        "phone": r"^联系电话",
        "period": r"^项目起止时间|^实施周期|^起止时间",
        "overall_goal": r"^总体目标|^年度总体目标",
    }.items()
}
_FUNDING = [(source, re.compile(pattern)) for source, pattern in [
    ("total", r"资金总额"), ("general_budget", r"一般公共预算|财政拨款"), ("gov_fund", r"基金预算|政府性基金"), ("other", r"^其他"),
]]
_FUNDING_LABEL = re.compile(r"[:：]$|资金总额|拨款")
_END_OF_INDICATORS = re.compile(r"保证项目实施|制度、措施")
_VALUE_HEADER = re.compile(r"值|标准")
_INDICATOR_HEADER = re.compile(r"评价指标|指标内容|绩效内容")
_LEVEL3 = re.compile(r"^(目标|指标)\s*\d+$")
_VALUE_LABEL = re.compile(r"(目标值|绩效标准|指标值)$")
_NUMERIC_VALUE = re.compile(r"^([<>≤≥＜＞]=?)?\s*(-?\d+(?:\.\d+)?)\s*([^\d\s]{0,4})$")
_PROJECT_LINE = re.compile(r"^[-•*]?\s*(\d{1,2})\s*[、.．]\s*(.+?)\s*([\d,]+(?:\.\d+)?)\s*万元\s*[；;。，,]?\s*$")


def _after_label(cells: tuple[str, ...], i: int, pattern: re.Pattern) -> str:
    """The value of a label cell: the text after the label in the same cell, else the next filled cell."""
    cell = cells[i]
    m = pattern.match(cell)
    rest = cell[m.end():] if m else ""
    rest = re.sub(r"^[^:：]*?[:：]", "", rest) if re.match(r"^[^:：]{0,6}[:：]", rest) else rest
    rest = re.sub(r"^[（(]盖章[)）]", "", rest.strip(" :：")).strip(" :：")
    if rest:
        return rest
    for nxt in cells[i + 1 :]:
        if nxt:
            return re.sub(r"^[（(]盖章[)）]\s*", "", nxt).strip()
    return ""


def parse_number(text: str):
    m = _NUMERIC_VALUE.match(text.replace(",", "").strip())
    if not m:
        return None, None
    unit = m.group(3) or None
    return parse_amount(m.group(2))[0], unit


def _heading_for(block: Block, seg: Segmented) -> str:
    previous_end = max((b.last_line for b in seg.blocks if b.last_line < block.first_line), default=0)
    heads = [(line, text) for line, text in seg.headings.items() if previous_end < line < block.first_line]
    if heads:
        return heads[-1][1]
    return block.title if block.title_line and block.title_line < (block.rows[0].line if block.rows else 0) else ""


def parse_performance(block: Block, perf_id: str, seg: Segmented):
    rows, cut_lines = join_cut_rows(block.rows)
    rows, dropped = dedupe_renderings(rows)
    explained = [(line, None, "second rendering of a table (loaded once)") for line in dropped]
    explained += [(line, None, "labels of a table row cut by a page break (loaded with its amounts)") for line in cut_lines]
    fields: dict[str, str] = {}
    funding: list[PerfFunding] = []
    indicator_rows: list[Row] = []
    header_rows: list[Row] = []
    in_indicators = False
    two_periods = any("实施期" in c for r in rows for c in r.cells) and any("当年度" in c for r in rows for c in r.cells)
    for row in rows:
        cells = row.cells
        joined = "".join(cells)
        if in_indicators:
            if any(_LEVEL3.match(c) for c in cells):
                indicator_rows.append(row)
                continue
            if _END_OF_INDICATORS.search(joined):
                in_indicators = False
            elif not any(_LEVEL3.match(c) for c in cells) and _VALUE_HEADER.search(joined) and not indicator_rows:
                header_rows.append(row)
                continue
        if _INDICATOR_HEADER.search(joined) and not indicator_rows:
            in_indicators = True
            header_rows.append(row)
            continue
        for i, cell in enumerate(cells):
            if not cell:
                continue
            for name, pattern in _FIELD_LABELS.items():
                if pattern.match(cell) and name not in fields:
                    fields[name] = _after_label(cells, i, pattern)
        funding += _funding(row, perf_id, two_periods)
    if "owner" in fields and not fields.get("phone"):
        fields["phone"] = _phone_after_owner(rows, fields["owner"])
    value_labels = [t for r in header_rows for c in r.cells for t in c.split() if _VALUE_LABEL.search(t)]
    indicators = _indicators(indicator_rows, value_labels, perf_id)
    perf = PerfTable(
        perf_id=perf_id,
        heading=_heading_for(block, seg),
        title=block.title,
        first_line=block.first_line,
        last_line=block.last_line,
        filled_by=fields.get("filled_by") or None,
        project_name=fields.get("project_name") or None,
        owner=fields.get("owner") or None,
        phone=fields.get("phone") or None,
        period=fields.get("period") or None,
        overall_goal=fields.get("overall_goal") or None,
        funding=tuple(funding),
        period_months=period_months(fields.get("period") or ""),
    )
    return perf, indicators, explained


_TO = r"\s*(?:[-—–~～至到]+)\s*"
_MONTH_SPAN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?" + _TO + r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月")
_DOTTED_SPAN = re.compile(r"^(\d{4})[.．/](\d{1,2})(?:[.．/]\d{1,2})?" + _TO + r"(\d{4})[.．/](\d{1,2})(?:[.．/]\d{1,2})?")
_YEAR_SPAN = re.compile(r"^(\d{4})\s*年?" + _TO + r"(\d{4})\s*年(?!\s*\d)")


def period_months(text: str) -> int | None:
    """Whole months of a 项目起止时间, both ends included: "2018年11月-2019年6月" → 8,
    "2019.1.1--2019.12.31" → 12, "2019年1月至12月" → 12, "2018年—2020年" → 36; None otherwise."""
    text = text.strip()
    if m := _MONTH_SPAN.match(text) or _DOTTED_SPAN.match(text):
        y1, m1 = int(m.group(1)), int(m.group(2))
        y2 = int(m.group(3) or y1) if m.re is _MONTH_SPAN else int(m.group(3))
        m2 = int(m.group(4))
        months = (y2 - y1) * 12 + m2 - m1 + 1
    elif m := _YEAR_SPAN.match(text):
        months = (int(m.group(2)) - int(m.group(1)) + 1) * 12
    else:
        return None
    return months if 0 < months <= 240 and all(1 <= int(x) <= 12 for x in re.findall(r"(\d{1,2})\s*月", text)[:2]) else None


def _phone_after_owner(rows: list[Row], owner: str) -> str:
    for row in rows:
        if owner in row.cells:
            after = row.cells[row.cells.index(owner) + 1 :]
            return next((c for c in after if re.fullmatch(r"[\d\-]{7,13}", c)), "")
    return ""


def _funding(row: Row, perf_id: str, two_periods: bool) -> list[PerfFunding]:
    out = []
    labels = []
    for i, cell in enumerate(row.cells):
        if not cell or len(cell) > 14:
            continue
        for source, pattern in _FUNDING:
            if pattern.search(cell) and _FUNDING_LABEL.search(cell):
                labels.append((i, source, cell))
                break
    for n, (i, source, label) in enumerate(labels):
        end = labels[n + 1][0] if n + 1 < len(labels) else len(row.cells)
        printed = next((c for c in row.cells[i + 1 : end] if c), "")
        try:
            amount, decimals = parse_amount(printed)
        except ValueError:
            continue
        period = "implementation" if two_periods and n < len(labels) / 2 and len(labels) > 1 else "current_year"
        out.append(PerfFunding(perf_id, period, source, label, printed, amount, decimals, row.line))
    return out


def _indicators(rows: list[Row], value_labels: list[str], perf_id: str) -> list[Indicator]:
    out = []
    level1 = level2 = None
    for index, row in enumerate(rows):
        cells = row.cells
        k = next(i for i, c in enumerate(cells) if _LEVEL3.match(c))
        before = [c for c in cells[:k] if c]
        if before:
            level2 = before[-1]
            if len(before) >= 2:
                level1 = before[-2]
        after = list(enumerate(cells[k + 1 :], start=k + 1))
        content_pos = next((i for i, c in after if c), None)
        if content_pos is None:
            continue
        content = cells[content_pos]
        rest = cells[content_pos + 1 :]
        filled = [c for c in rest if c]
        values = filled if len(filled) == len(value_labels) else list(rest[: max(len(value_labels), len(filled))])
        if filled and all(v == "/" for v in filled):
            # A row printed "/" throughout (an indicator the project does not set) is kept: "/" in
            # every value column, with no number, wherever a converter placed the slashes.
            values = ["/"] * len(value_labels)
        for n, printed in enumerate(values):
            if not printed:
                continue
            number, unit = parse_number(printed)
            label = value_labels[n] if n < len(value_labels) else f"值{n + 1}"
            out.append(
                Indicator(perf_id, index, row.line, level1, level2, cells[k], content, label, printed, number, unit, n)
            )
    return out


def parse_project_list(seg: Segmented) -> list[Project]:
    """Numbered prose lines "4、对外交流活动专项 60 万元；" in runs of at least two."""
    found = []
    for line_no in seg.prose:
        text = plain(seg.lines[line_no - 1])
        m = _PROJECT_LINE.match(text)
        if m and not re.search(r"\d{7}", m.group(2)):
            amount, decimals = parse_amount(m.group(3))
            found.append(Project(int(m.group(1)), m.group(2).strip(), m.group(3), amount, decimals, line_no, None))
    # Keep the longest run numbered 1, 2, 3 …
    runs: list[list[Project]] = []
    for p in found:
        if runs and p.seq == runs[-1][-1].seq + 1:
            runs[-1].append(p)
        elif p.seq == 1:
            runs.append([p])
    return max(runs, key=len) if runs else []


def _norm(name: str) -> str:
    name = re.sub(r"^[（(]?\d{1,2}[)）.、]\s*", "", name)
    return re.sub(r"\s|\d{4}年度?|[（(].*?[)）]|专项|经费|费用", "", name)


def link_projects(projects: list[Project], perfs: list[PerfTable]) -> list[Project]:
    """Match each listed project to its 绩效目标表 by name (heading or 项目名称) and amount."""
    scores = []
    perf_names = [(perf, [_norm(n) for n in (perf.heading, perf.project_name) if n]) for perf in perfs]
    # One matcher per name: its analysis of the name is reused for every project (set_seq1).
    perf_names = [(perf, names, [SequenceMatcher(None, "", n) for n in names]) for perf, names in perf_names]
    for p in projects:
        mine = _norm(p.name)
        for perf, names, matchers in perf_names:
            current = [f.amount for f in perf.funding if f.source == "total" and f.period == "current_year"]
            amount_match = bool(current) and current[0] == p.amount
            unit_match = bool(perf.filled_by) and bool(set(perf.filled_by) & set(p.name[:4]))
            contained = any(n and (n in mine or mine in n) for n in names)
            for matcher in matchers:
                matcher.set_seq1(mine)
            # quick_ratio() bounds ratio() from above and is much cheaper: a pair that cannot reach
            # the 0.6 of a link even so is left out (it would never be linked).
            bound = max((matcher.quick_ratio() for matcher in matchers), default=0)
            if not contained and bound + (0.5 if amount_match else 0) + (0.1 if unit_match else 0) < 0.6:
                continue
            similarity = max((matcher.ratio() for matcher in matchers), default=0)
            if contained:
                similarity = max(similarity, 0.8)
            scores.append((similarity + (0.5 if amount_match else 0) + (0.1 if unit_match else 0), p.seq, perf.perf_id))
    linked: dict[int, str] = {}
    used: set[str] = set()
    for score, seq, perf_id in sorted(scores, reverse=True):
        if score >= 0.6 and seq not in linked and perf_id not in used:
            linked[seq] = perf_id
            used.add(perf_id)
    return [
        Project(p.seq, p.name, p.printed, p.amount, p.decimals, p.source_line, linked.get(p.seq)) for p in projects
    ]
