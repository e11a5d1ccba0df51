"""Rows of cells from the two table renderings converters produce.

A *row* is the cells of one printed table line plus the source line number.
Tab-separated lines give one row each; an HTML ``<table>`` gives one row per
``<tr>``, with colspan/rowspan slots left blank (as a PDF-to-text converter
leaves them), so both renderings of the same table yield the same grid.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from html import unescape
from itertools import islice

from lxml import etree

_MARKUP = re.compile(r"</?(b|strong|span|div|p|br|font|u|i|em)\b[^>]*>|\*\*|^#+\s*", re.I)
_INPUT_CHECKED = re.compile(r"<input[^>]*checked[^>]*>", re.I)
_INPUT = re.compile(r"<input[^>]*>", re.I)
_NEEDS_CLEANING = re.compile(r"[<*&#\u3000\xa0]")
_SPACES = re.compile(r"\s+")


def clean_cell(text: str) -> str:
    """Cell text without markup, checkbox inputs as ☑/☐, whitespace folded."""
    if not text or not _NEEDS_CLEANING.search(text):
        return " ".join(text.split())  # the common case: plain text
    text = _INPUT_CHECKED.sub("☑", text)
    text = _INPUT.sub("☐", text)
    text = _MARKUP.sub("", text)
    text = unescape(text).replace("\u3000", " ").replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]
    line: int
    html: int = 0  # for rows of an HTML table: the line the table starts on (0 for tab rows)
    # The non-blank cells, computed once (read many times; never to be mutated).
    filled: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "filled", [c for c in self.cells if c])


def tsv_row(text: str, line: int) -> Row:
    cells = text.rstrip("\n").split("\t")
    if not _NEEDS_CLEANING.search(text):  # no cell needs more than clean_cell's plain-text case
        return Row(tuple([" ".join(c.split()) for c in cells]), line)
    return Row(tuple([clean_cell(c) for c in cells]), line)


# lxml (libxml2): a compiled parser that keeps each element's source line. Bytes in, so an
# encoding declaration inside the text cannot make it refuse a str. One parser per thread
# (an lxml parser must not be used by two threads at once).
_LOCAL = threading.local()


def _parser() -> etree.HTMLParser:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(default_doctype=False, encoding="utf-8")
    return parser


def _table_rows(html: str) -> list[tuple[int, list[tuple[str, int, int]]]]:
    """(line, [(text, colspan, rowspan)]) of each <tr> of the first-level tables, in order.

    A nested table is flattened into the enclosing cell's text; a <br> is a space and a
    checkbox <input> ☑/☐ (checked or not); comments are not text.
    """
    root = etree.fromstring(html.encode("utf-8", "surrogatepass"), _parser())
    rows: list[tuple[int, list[tuple[str, int, int]]]] = []
    if root is None:  # nothing but whitespace or comments
        return rows
    for el in root.iter("br", "input"):  # their text, so that a cell's text is its itertext()
        mark = " " if el.tag == "br" else "☑" if "checked" in el.attrib else "☐"
        el.tail = mark + el.tail if el.tail else mark
    for table in root.iter("table"):
        if next(table.iterancestors("table"), None) is not None:
            continue  # a nested table: its text belongs to the enclosing cell
        nested = next(islice(table.iter("table"), 1, None), None) is not None
        for el in table.iter("tr", "td", "th"):
            if nested and next(el.iterancestors("table")) is not table:
                continue
            if el.tag == "tr":
                rows.append((el.sourceline, []))
                continue
            if not rows:  # a cell before any <tr>
                rows.append((el.sourceline, []))
            colspan, rowspan = el.get("colspan"), el.get("rowspan")
            text = "".join(el.itertext()) if len(el) else el.text or ""
            rows[-1][1].append((text, 1 if colspan is None else _int(colspan), 1 if rowspan is None else _int(rowspan)))
    return rows


def _int(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def html_rows(html: str, first_line: int) -> list[Row]:
    """Grid rows of the first-level table in ``html`` (text starting at ``first_line``)."""
    grid: list[Row] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for line, cells in _table_rows(html):
        if not pending and all(colspan == 1 for _, colspan, _ in cells) and all(rowspan == 1 for *_, rowspan in cells):
            grid.append(Row(tuple([clean_cell(text) for text, _, _ in cells]), first_line + line - 1, html=first_line))
            continue  # the common case: no span
        out: list[str] = []
        col = 0
        queue = list(cells)
        while queue or any(c >= col and n > 0 for c, n in pending.items()):
            if pending.get(col, 0) > 0:
                pending[col] -= 1
                out.append("")
                col += 1
                continue
            if not queue:  # pad up to a rowspan further right
                out.append("")
                col += 1
                continue
            text, colspan, rowspan = queue.pop(0)
            out.append(clean_cell(text))
            out.extend([""] * (colspan - 1))
            for c in range(col, col + colspan):
                if rowspan > 1:
                    pending[c] = rowspan - 1
            col += colspan
        pending = {c: n for c, n in pending.items() if n > 0}
        grid.append(Row(tuple(out), first_line + line - 1, html=first_line))
    return grid
