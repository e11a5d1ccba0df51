"""Cut a document into prose lines and table blocks.

A *block* is a run of table lines (tab rows, HTML tables) together with the
page-break debris inside it (blank lines, stray page numbers), its "单位：万元"
line and a "无" marker. Its *title* is the heading just above it, or the first
row when that row is a lone title cell (as 绩效目标表 print it). Nothing here
depends on where a table sits in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from budget_warehouse.extract.classify import title_core
from budget_warehouse.extract.grid import Row, clean_cell, html_rows, tsv_row

UNIT_RE = re.compile(r"^(?:金额)?单位[:：]\s*(万元|千元|元|亿元)$")
# The unit at the end of a preamble line: "编制部门：某某局 单位：元" (the preparer, then the unit).
PREAMBLE_UNIT_RE = re.compile(r"^(?:编制部门|编制单位|部门名称|单位名称|预算单位|填报单位)[:：].*?\s(?:金额)?单位[:：]\s*(万元|千元|元|亿元)$")
PREPARER_RE = re.compile(r"^(?:编制部门|编制单位|填报单位)[:：]")
PAGE_NUMBER_RE = re.compile(r"^[-—–]?\s*\d{1,3}\s*[-—–]?$|^第\s*\d{1,3}\s*页$")
EMPTY_MARKERS = {"无", "本部门无此项预算", "无此项预算", "本单位无此项预算"}
# A note under a blank grid saying the table is empty.
EMPTY_NOTE_RE = re.compile(r"^注[:：].*(?:本表为空表|本表无数据|故本表无|本表无内容|无此项)")
_BOLD_LINE = re.compile(r"^<b>.*</b>$")
_NUMBERED = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十\d]+\)|\d+[.、])")
_SENTENCE_END = re.compile(r"[。；]")
_TITLE_PUNCT = re.compile(r"[。；，]")
_TITLE_END = re.compile(r"(表|目录|清单|情况表)(（续）|\(续\))?$")


@dataclass(slots=True)
class Block:
    rows: list[Row] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0
    title: str = ""
    title_line: int | None = None
    unit: str | None = None
    unit_line: int | None = None
    empty_marker_line: int | None = None
    page_numbers: list[int] = field(default_factory=list)  # lines of stray page numbers
    layouts: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Segmented:
    lines: list[str]
    blocks: list[Block]
    prose: list[int]  # line numbers (1-based) of prose lines
    headings: dict[int, str]  # line number -> heading text, for sections


_BULLET = re.compile(r"^[-*+•]\s+")


@lru_cache(maxsize=8192)  # a line is read by several steps of one document
def plain(line: str) -> str:
    """A line's text without heading markup or a markdown list bullet (``- 一、收入决算表``)."""
    text = clean_cell(line)
    return _BULLET.sub("", text) if text[:1] in "-*+•" else text


def is_heading(line: str) -> bool:
    s = line.strip()
    if not s or "\t" in s:
        return False
    if s.startswith("#") or (s.startswith("**") and s.endswith("**")) or _BOLD_LINE.match(s):
        return True
    text = plain(s)
    return len(text) <= 40 and bool(_NUMBERED.match(text)) and not _SENTENCE_END.search(text)


def looks_like_title(text: str) -> bool:
    return 2 < len(text) <= 50 and bool(_TITLE_END.search(text)) and not _TITLE_PUNCT.search(text)


def _split_html(text: str) -> list[str]:
    return re.split(r"(<table.*?</table>)", text, flags=re.S | re.I)


def segment(text: str) -> Segmented:
    lines = text.split("\n")
    blocks: list[Block] = []
    prose: list[int] = []
    headings: dict[int, str] = {}
    current: Block | None = None
    last_text: tuple[int, str] | None = None  # most recent non-blank prose line
    i = 0
    n = len(lines)

    def close():
        nonlocal current
        if current is not None and current.rows:
            blocks.append(current)
        current = None

    def open_block(line_no: int) -> Block:
        nonlocal current
        block = Block(first_line=line_no, last_line=line_no)
        if last_text is not None and _only_debris(lines, last_text[0], line_no) and looks_like_title(plain(last_text[1])):
            block.title, block.title_line = plain(last_text[1]), last_text[0]
            block.first_line = last_text[0]
        current = block
        return block

    while i < n:
        raw = lines[i]
        line_no = i + 1
        stripped = raw.strip()
        if "<" in stripped and "<table" in stripped.lower():
            # An HTML table, possibly across lines and possibly inside a tab row's cell.
            j = i
            chunk = raw
            low = raw.lower()
            open_tables = low.count("<table") - low.count("</table>")  # counted line by line as it grows
            while open_tables > 0 and j + 1 < n:
                j += 1
                chunk += "\n" + lines[j]
                low = lines[j].lower()
                open_tables += low.count("<table") - low.count("</table>")
            parts = []  # rows of each piece: an HTML table, or the tab cells around it
            for part in (_split_html(chunk) if "\t" in chunk else [chunk]):
                if "<table" in part.lower():
                    offset = chunk[: chunk.find(part)].count("\n")
                    parts.append(html_rows(part, line_no + offset))
                elif "\t" in part and part.replace("\t", "").strip():
                    row = tsv_row(part, line_no)
                    parts.append([row] if row.filled else [])
            first = next((r for rows in parts for r in rows if r.filled), None)
            if current is not None and current.rows and first is not None and _new_table(current, first):
                close()  # a table whose first row is its title starts a new block
            block = current or open_block(line_no)
            for rows in parts:
                block.rows.extend(rows)
                if any(r.html for r in rows):
                    block.layouts.add("html")
            if first is not None and _lone_title(first) and not block.title:
                block.title, block.title_line = first.filled[0], line_no
            block.last_line = j + 1
            i = j + 1
            continue
        if "\t" in raw and stripped:
            row = tsv_row(raw, line_no)
            filled = row.filled
            if not filled:
                i += 1
                continue
            if len(filled) == 1 and UNIT_RE.match(filled[0].replace(" ", "")):
                unit = UNIT_RE.match(filled[0].replace(" ", "")).group(1)
                if current is None:
                    open_block(line_no)
                current.unit, current.unit_line = unit, line_no
                i += 1
                continue
            if current is not None and current.rows and _new_table(current, row):
                close()  # a lone title cell starts the next table
            block = current or open_block(line_no)
            if not block.rows and _lone_title(row) and not block.title:
                block.title, block.title_line = filled[0], line_no
            block.rows.append(row)
            block.layouts.add("tsv")
            block.last_line = line_no
            i += 1
            continue
        text = plain(raw)
        if not text:
            i += 1
            continue
        compact = text.replace(" ", "")
        unit_match = UNIT_RE.match(compact) or PREAMBLE_UNIT_RE.match(text)
        if unit_match:
            if current is None or current.rows:
                close()
                open_block(line_no)
            current.unit, current.unit_line = unit_match.group(1), line_no
            i += 1
            continue
        page_number = PAGE_NUMBER_RE.match(compact)
        if current is not None and current.rows and page_number and _continues(lines, i):
            current.page_numbers.append(line_no)
            i += 1
            continue
        if page_number:
            # A page break between a title (or its 单位 line) and the table, or between paragraphs:
            # debris, not the text a following table takes its title from.
            if current is not None:
                current.page_numbers.append(line_no)
            else:
                prose.append(line_no)
            i += 1
            continue
        if current is not None and compact in EMPTY_MARKERS and current.rows:
            current.empty_marker_line = line_no
            current.last_line = line_no
            i += 1
            continue
        if current is not None and not current.rows and current.unit and not looks_like_title(text):
            # "单位：万元" then prose: no table after all.
            current = None
        close()
        if blocks and EMPTY_NOTE_RE.search(compact) and _only_blank(lines, blocks[-1].last_line, line_no):
            blocks[-1].empty_marker_line = line_no  # a blank grid with "注：…本表为空表。" under it
        if is_heading(raw) or looks_like_title(text):
            headings[line_no] = text
        prose.append(line_no)
        if not PREPARER_RE.match(compact):  # "编制部门：…" between a title and its table is not a title
            last_text = (line_no, raw)
        i += 1
    close()
    return Segmented(lines=lines, blocks=blocks, prose=prose, headings=headings)


def _lone_title(row: Row) -> bool:
    return len(row.filled) == 1 and looks_like_title(row.filled[0])


def _new_table(current: Block, row: Row) -> bool:
    """A lone title row starts a new table, unless it re-opens the same table in the other rendering."""
    if not _lone_title(row):
        return False
    same_title = title_core(row.filled[0]) == title_core(current.title)
    # Only while the block holds a single rendering of the other kind (HTML, then the same as rows).
    other_rendering = all(bool(r.html) != bool(row.html) for r in current.rows)
    return not (same_title and other_rendering)


def _only_debris(lines: list[str], after: int, before: int) -> bool:
    """True if the lines strictly between two line numbers are blank, page numbers, a 单位 line or the
    preparer's line (编制部门：…, printed apart from its 单位 line) (at most 8)."""
    if before - after > 9:
        return False
    for raw in lines[after:before - 1]:
        compact = plain(raw).replace(" ", "")
        if compact and not PAGE_NUMBER_RE.match(compact) and not UNIT_RE.match(compact) and not PREPARER_RE.match(compact):
            return False
    return True


def _only_blank(lines: list[str], after: int, before: int) -> bool:
    """True if at most 7 lines lie strictly between two line numbers, all blank but for the blank
    grid's 合计 (a converter may print it apart from the grid)."""
    return before - after <= 8 and all(
        plain(raw).replace(" ", "") in ("", "合计", "总计") for raw in lines[after:before - 1]
    )


def _continues(lines: list[str], i: int) -> bool:
    """True if the next non-blank line after i is again a table line."""
    for j in range(i + 1, min(i + 6, len(lines))):
        s = lines[j].strip()
        if s:
            return "\t" in lines[j] or "<table" in s.lower()
    return False
