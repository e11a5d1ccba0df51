"""Rows of cells from the two table renderings converters produce.

A *row* is the cells of one printed table line plus the source line number.
Tab-separated lines give one row each; an HTML ``<table>`` gives one row per
``<tr>``, with colspan/rowspan slots left blank (as a PDF-to-text converter
leaves them), so both renderings of the same table yield the same grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_MARKUP = re.compile(r"</?(b|strong|span|div|p|br|font|u|i|em)\b[^>]*>|\*\*|^#+\s*", re.I)
_INPUT_CHECKED = re.compile(r"<input[^>]*checked[^>]*>", re.I)
_INPUT = re.compile(r"<input[^>]*>", re.I)
_NEEDS_CLEANING = re.compile(r"[<*&#\u3000\xa0]")


def clean_cell(text: str) -> str:
    """Cell text without markup, checkbox inputs as ☑/☐, whitespace folded."""
    if not text or not _NEEDS_CLEANING.search(text):
        return " ".join(text.split())  # the common case: plain text
    text = _INPUT_CHECKED.sub("☑", text)
    text = _INPUT.sub("☐", text)
    text = _MARKUP.sub("", text)
    text = unescape(text).replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]
    line: int
    html: int = 0  # for rows of an HTML table: the line the table starts on (0 for tab rows)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


def tsv_row(text: str, line: int) -> Row:
    return Row(tuple(clean_cell(c) for c in text.rstrip("\n").split("\t")), line)


class _TableParser(HTMLParser):
    """Collects <tr>/<td|th> with spans and the offset each row starts at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[tuple[str, int, int]]]] = []  # (offset, [(text, colspan, rowspan)])
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._depth = 0  # nested tables are flattened into the enclosing cell's text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth == 1:
            line, col = self.getpos()
            self.rows.append(((line, col), []))
        elif tag in ("td", "th") and self._depth == 1:
            self._cell = []
            self._span = (_int(attrs.get("colspan")), _int(attrs.get("rowspan")))
        elif tag == "input" and self._cell is not None:
            self._cell.append("☑" if "checked" in attrs else "☐")
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1
        elif tag in ("td", "th") and self._depth == 1 and self._cell is not None:
            if not self.rows:
                self.rows.append((self.getpos(), []))
            self.rows[-1][1].append(("".join(self._cell), *self._span))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _int(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def html_rows(html: str, first_line: int) -> list[Row]:
    """Grid rows of the first-level table in ``html`` (text starting at ``first_line``)."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    grid: list[Row] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for (line, _), cells in parser.rows:
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
