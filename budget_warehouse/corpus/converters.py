"""Tab rows printed as other PDF-to-text converters print tables.

Used by the generator (``Layout.cells`` = ``markdown`` | ``layout``) and by the
layout tests: markdown pipe tables as pymupdf4llm / marker write them, and
space-aligned columns as ``pdftotext -layout`` writes them. They change only the
presentation of tab rows; every other line is kept.
"""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?$")


def tab_runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) index ranges of consecutive tab-separated lines (no HTML inside)."""
    runs, start = [], None
    for i, line in enumerate(lines + [""]):
        is_row = _is_row(line)
        if is_row and start is None:
            start = i
        elif not is_row and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _cells(line: str) -> list[str]:
    return [" ".join(c.split()) for c in line.split("\t")]


def as_markdown(lines: list[str]) -> list[str]:
    """Every run of tab rows as a pipe table: first row, separator row, the other rows."""
    out, last = [], 0
    for start, end in tab_runs(lines):
        out += lines[last:start]
        rows = [_cells(line) for line in lines[start:end]]
        width = max(len(r) for r in rows)
        pipe = ["|" + "|".join(c.replace("|", "\\|") for c in r) + "|" for r in rows]
        out += [pipe[0], "|" + "|".join(["---"] * width) + "|", *pipe[1:]]
        last = end
    out += lines[last:]
    return out


def as_layout(lines: list[str]) -> list[str]:
    """Tab rows as space-aligned columns, amounts to the right, text to the left.

    The rows of one table share their columns, across blank lines and page
    numbers. Where a line starts with a page feed (a new page, as pdftotext
    writes it) the rest of the table is shifted by the page's margin, as on
    facing pages.
    """
    out = ["" if "\t" in line and not line.strip() else line for line in lines]  # a row of empty cells prints as nothing
    i, n = 0, len(out)
    while i < n:
        if not _is_row(out[i]):
            i += 1
            continue
        table = [i]
        j = i + 1
        while j < n and (_is_row(out[j]) or not out[j].strip() or out[j].strip().isdigit()):
            if _is_row(out[j]):
                table.append(j)
            j += 1
        _align(out, table)
        i = table[-1] + 1
    return out


def _is_row(line: str) -> bool:
    return "\t" in line and bool(line.strip()) and "<table" not in line


def _align(out: list[str], indexes: list[int]) -> None:
    rows = {i: _cells(out[i].lstrip("\f")) for i in indexes}
    width = max(len(r) for r in rows.values())
    columns = [[r[c] for r in rows.values() if c < len(r) and r[c]] for c in range(width)]
    sizes = [max(map(len, col), default=0) for col in columns]
    # Amounts are printed to the right of a column of amounts; a number in a column of text is text.
    numeric = [2 * sum(bool(_AMOUNT.match(c)) for c in col) > len(col) for col in columns]
    margin = ""
    for i, row in rows.items():
        cells = [
            (c.rjust(size) if right and _AMOUNT.match(c) else c.ljust(size))
            for c, size, right in zip(row + [""] * width, sizes, numeric)
        ]
        feed = "\f" if out[i].startswith("\f") else ""
        if feed:
            margin = "" if margin else "   "
        out[i] = feed + margin + "  ".join(cells).rstrip()
