"""Re-lay out a document's text the ways other converters do, without changing its content.

Used by the layout tests: each function takes the sample's text and returns
the same document laid out differently. They work on the text's shape (tab
rows, headings), never on the sample's line numbers or values.
"""

from __future__ import annotations

import html
import re

from budget_warehouse.corpus.converters import as_layout, as_markdown
from budget_warehouse.corpus.converters import tab_runs as _runs


def _html_table(rows: list[str]) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row.split("\t")) + "</tr>" for row in rows
    )
    return f"<table border=\"1\">{body}</table>"


def tab_rows_to_html(text: str, *, keep_rows: bool = False) -> str:
    """Every run of tab rows becomes an HTML table (followed by the rows again if keep_rows)."""
    lines = text.split("\n")
    out, last = [], 0
    for start, end in _runs(lines):
        out += lines[last:start]
        out.append(_html_table(lines[start:end]))
        if keep_rows:
            out += lines[start:end]
        last = end
    out += lines[last:]
    return "\n".join(out)


def page_breaks(text: str, *, page_number: bool = True, feed: bool = False) -> str:
    """Cut every run of at least six tab rows in the middle by a page break (feed: the next
    page's first line starts with a page feed, as pdftotext writes it)."""
    lines = text.split("\n")
    out, last, page = [], 0, 10
    for start, end in _runs(lines):
        if end - start >= 6:
            middle = (start + end) // 2
            out += lines[last:middle]
            out += ["", str(page), ""] if page_number else ["", ""]
            page += 1
            last = middle
            if feed:
                lines[middle] = "\f" + lines[middle]
    out += lines[last:]
    return "\n".join(out)


def _amount_cells(text: str, fix) -> str:
    def row(line: str) -> str:
        if "\t" not in line:
            return line
        return "\t".join(fix(c) if re.fullmatch(r"-?[\d,]+\.\d+", c.strip()) else c for c in line.split("\t"))

    return "\n".join(row(line) for line in text.split("\n"))


def without_separators(text: str) -> str:
    return _amount_cells(text, lambda c: c.replace(",", ""))


def with_separators(text: str) -> str:
    return _amount_cells(text, lambda c: f"{float(c.replace(',', '')):,.2f}" if len(c.split(".")[1]) == 2 else c)


def heading_markup(text: str, style: str) -> str:
    """Re-mark every heading: '#' (markdown), '**' (bold), 'b' (<b>), or 'none'."""

    def restyle(line: str) -> str:
        m = re.match(r"^(#+)\s*(.*)$", line) or re.match(r"^\*\*(.+)\*\*$", line.strip())
        if not m:
            return line
        body = m.group(m.lastindex).strip().strip("*")
        return {"#": f"## {body}", "**": f"**{body}**", "b": f"<b>{body}</b>", "none": body}[style]

    return "\n".join(restyle(line) for line in text.split("\n"))


def reorder_tables(text: str) -> str:
    """Print the standard tables of 第二部分 in reverse order."""
    lines = text.split("\n")
    part2 = next(i for i, line in enumerate(lines) if re.search(r"第二部分", line) and "\t" not in line and i > 40)
    part3 = next(i for i, line in enumerate(lines) if re.search(r"第三部分", line) and "\t" not in line and i > part2)
    heads = [
        i
        for i in range(part2 + 1, part3)
        if lines[i].lstrip().startswith(("#", "**", "<b>")) and re.search(r"(表|目录)\**$", lines[i].strip())
    ]
    chunks = [lines[a:b] for a, b in zip(heads, heads[1:] + [part3])]
    body = [line for chunk in reversed(chunks) for line in chunk + [""]]
    return "\n".join(lines[: heads[0]] + body + lines[part3:])


def markdown_tables(text: str) -> str:
    """Every run of tab rows as a markdown pipe table (pymupdf4llm, marker)."""
    return "\n".join(as_markdown(text.split("\n")))


def space_aligned(text: str) -> str:
    """Every run of tab rows as space-aligned columns (pdftotext -layout)."""
    return "\n".join(as_layout(text.split("\n")))
