"""PDF in: pages → the tab-row text form the extractor reads, with page and box per line and cell.

Read with PyMuPDF (words and vector drawings only, no layout model): a table is
a connected group of ruling lines (stroked lines, thin filled rectangles, and
the edges of cell rectangles); its columns are the vertical rulings, its rows
the horizontal ones. A word belongs to the cell its anchor falls in, and a cell
whose left ruling is missing on that row spans from the previous column (its
text goes to the first column of the span, as an HTML colspan does). Every word
outside the tables is prose, grouped into lines by position and read top to
bottom, left to right, so no sentence loses its amounts. A table that goes on
at the top of the next page is written on with its repeated header rows
dropped. Two tables side by side on one page are two groups of rulings and are
written one after the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budget_warehouse.extract.errors import NoTextLayer, UnreadablePdf

_SNAP = 2.0  # points: rulings closer than this are one ruling
_THIN = 2.0  # a filled rectangle thinner than this is a ruling line
_SPANNED = "\0spanned"  # placeholder text of a grid cell covered by the cell to its left
_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Box:
    page: int  # 1-based
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class PdfText:
    """The document as tab-row text; ``line_pages[n-1]`` is line n's page, ``cell_boxes[(n, col)]`` a cell's box."""

    text: str
    pages: int
    line_pages: list[int | None] = field(default_factory=list)
    cell_boxes: dict[tuple[int, int], Box] = field(default_factory=dict)


@dataclass(slots=True)
class _Table:
    x0: float
    top: float
    x1: float
    bottom: float
    ys: list[float]  # horizontal rulings, top to bottom
    xs: list[float]  # vertical rulings, left to right
    rows: list[list[tuple[str, Box]]]  # cells (text, box) per row
    joined_up: list[list[bool]] = field(default_factory=list)  # [r][c]: no ruling above: the cell above goes on


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def pdf_to_text(data: bytes, *, source: str = "") -> PdfText:
    import pymupdf  # imported here: only PDF input pays for it

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises its own FileDataError and others
        raise UnreadablePdf(f"the PDF cannot be opened ({exc})", source=source) from exc
    out = PdfText(text="", pages=len(doc))
    lines: list[str] = []
    header: list[list[str]] | None = None  # header rows of the table the last page ended with
    words_seen = 0
    for page_no, page in enumerate(doc, start=1):
        words = page.get_text("words", sort=False)
        words_seen += len(words)
        tables = _tables(page, page_no)
        in_table = [False] * len(words)
        placed: list[_Table] = []
        for t in sorted(tables, key=lambda t: (t.top, t.x0)):
            _fill(t, words, in_table, page_no)
            t.rows = [r for r in t.rows if any(text for text, _ in r)]
            if t.rows:
                placed.append(t)
        # Prose keeps PyMuPDF's reading order (its word boxes can be taller than the line);
        # each table goes before the first prose line that starts below its top.
        items: list[object] = []
        for top, text in _prose_lines([w for w, used in zip(words, in_table) if not used]):
            while placed and placed[0].top < top:
                items.append(placed.pop(0))
            items.append(text)
        items += placed
        for n, item in enumerate(items):
            if isinstance(item, _Table):
                rows = item.rows
                if n == 0 and header is not None:
                    rows = _without_repeated_header(header, rows)  # the same table goes on
                else:
                    header = [[text for text, _ in r] for r in rows[: _header_rows(rows)]]
                for row in rows:
                    lines.append("\t".join(text for text, _ in row))
                    out.line_pages.append(page_no)
                    for col, (text, box) in enumerate(row):
                        if text:
                            out.cell_boxes[(len(lines), col)] = box
            else:
                lines.append(item)
                out.line_pages.append(page_no)
        lines.append("")  # a page break is a blank line
        out.line_pages.append(None)
        if not items or not isinstance(items[-1], _Table):
            header = None
    if words_seen == 0:
        raise NoTextLayer(
            f"the PDF has {len(doc)} page(s) and no text layer (a scan?); expected a PDF with text, "
            "or run OCR first",
            source=source,
        )
    out.text = "\n".join(lines)
    return out


def _segments(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, top, bottom) rulings of a page."""
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []

    def add(x0, y0, x1, y1):
        if abs(y1 - y0) <= _THIN and abs(x1 - x0) > _THIN:
            horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= _THIN and abs(y1 - y0) > _THIN:
            vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    for drawing in page.get_drawings():
        for item in drawing["items"]:
            op = item[0]
            if op == "l":
                add(item[1].x, item[1].y, item[2].x, item[2].y)
            elif op in ("re", "qu"):
                r = item[1].rect if op == "qu" else item[1]
                if r.height <= _THIN or r.width <= _THIN:
                    add(r.x0, r.y0, r.x1, r.y1)  # a filled bar: a ruling
                else:  # a cell rectangle: its four edges
                    add(r.x0, r.y0, r.x1, r.y0)
                    add(r.x0, r.y1, r.x1, r.y1)
                    add(r.x0, r.y0, r.x0, r.y1)
                    add(r.x1, r.y0, r.x1, r.y1)
    return horizontal, vertical


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _tables(page, page_no: int) -> list[_Table]:
    horizontal, vertical = _segments(page)
    if not horizontal or not vertical:
        return []
    # Group rulings that touch into tables (union-find over boxes grown by _SNAP).
    segs = [("h", y, x0, x1) for y, x0, x1 in horizontal] + [("v", x, t, b) for x, t, b in vertical]
    boxes = [
        (s[2] - _SNAP, s[1] - _SNAP, s[3] + _SNAP, s[1] + _SNAP) if s[0] == "h" else (s[1] - _SNAP, s[2] - _SNAP, s[1] + _SNAP, s[3] + _SNAP)
        for s in segs
    ]
    parent = list(range(len(segs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segs)), key=lambda i: boxes[i][0])
    for a_pos, a in enumerate(order):  # sweep on x: only boxes overlapping in x can touch
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in order[a_pos + 1 :]:
            bx0, by0, bx1, by1 = boxes[b]
            if bx0 > ax1:
                break
            if by0 <= ay1 and ay0 <= by1:
                parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(len(segs)):
        groups.setdefault(find(i), []).append(i)
    tables = []
    for members in groups.values():
        hs = [segs[i] for i in members if segs[i][0] == "h"]
        vs = [segs[i] for i in members if segs[i][0] == "v"]
        ys = _snap([s[1] for s in hs])
        xs = _snap([s[1] for s in vs])
        if len(ys) < 2 or len(xs) < 2:
            continue  # an underline or a frame, not a grid
        table = _Table(xs[0], ys[0], xs[-1], ys[-1], ys, xs, [])
        table.rows = [[] for _ in range(len(ys) - 1)]
        table.joined_up = [
            [r > 0 and not any(abs(ys[r] - h[1]) <= _SNAP and h[2] - _SNAP <= (xs[c] + xs[c + 1]) / 2 <= h[3] + _SNAP for h in hs) for c in range(len(xs) - 1)]
            for r in range(len(ys) - 1)
        ]
        for r in range(len(ys) - 1):
            mid = (ys[r] + ys[r + 1]) / 2
            # The vertical rulings crossing this row: a column boundary missing here is a spanned cell.
            present = [any(abs(x - v[1]) <= _SNAP and v[2] - _SNAP <= mid <= v[3] + _SNAP for v in vs) for x in xs]
            for c in range(len(xs) - 1):
                start = c
                while start > 0 and not present[start]:
                    start -= 1
                table.rows[r].append(("", Box(page_no, xs[c], ys[r], xs[c + 1], ys[r + 1])) if start == c else (_SPANNED, Box(page_no, xs[start], ys[r], xs[c + 1], ys[r + 1])))
        tables.append(table)
    return tables


def _fill(table: _Table, words, in_table: list[bool], page_no: int) -> None:
    """Put each word inside the table into its cell; a row band holding several rows of numbers is split."""
    ys, xs = table.ys, table.xs
    cells: dict[tuple[int, int], list] = {}
    for i, w in enumerate(words):
        cx, cy = (w[0] + w[2]) / 2, w[3] - min(2.0, (w[3] - w[1]) / 3)  # anchor near the baseline
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        in_table[i] = True
        r = _index(ys, cy)
        c = _index(xs, cx)
        while True:  # to the cell this position belongs to: left over column spans, up over row spans
            if c > 0 and table.rows[r][c][0] == _SPANNED:
                c -= 1
            elif table.joined_up[r][c]:
                r -= 1
            else:
                break
        cells.setdefault((r, c), []).append(w)
    new_rows: list[list[tuple[str, Box]]] = []
    for r, row in enumerate(table.rows):
        layout = [(cells.get((r, c), []), box) for c, (_, box) in enumerate(row)]
        for sub in _split_band(layout):
            new_rows.append([(_join(ws), box) for ws, box in sub])
    table.rows = new_rows


def _split_band(layout):
    """One ruled row holding several printed rows (rulings missing): split at the lines when some cell
    holds a number on each of two or more lines; otherwise the lines are wrapped text of one row."""
    stacked = [g for ws, _ in layout for g in [_line_groups(ws)] if len(g) > 1]
    if not any(sum(1 for line in g if _NUMBER.match("".join(w[4] for w in line))) > 1 for g in stacked):
        return [layout]
    tops = sorted({round(g[0][1]) for ws, _ in layout for g in _line_groups(ws)})
    bands = _snap([float(t) for t in tops])
    out = []
    for k, start in enumerate(bands):
        end = bands[k + 1] if k + 1 < len(bands) else float("inf")
        out.append([([w for w in ws if start - _SNAP <= w[1] < end - _SNAP], box) for ws, box in layout])
    return out


def _index(edges: list[float], v: float) -> int:
    for k in range(len(edges) - 1):
        if v < edges[k + 1]:
            return k
    return len(edges) - 2


def _line_groups(words) -> list[list]:
    """Words grouped into printed lines (by vertical overlap), top to bottom, each left to right."""
    groups: list[list] = []
    for w in sorted(words, key=lambda w: (w[3], w[0])):
        if groups:
            last = groups[-1]
            top, bottom = min(x[1] for x in last), max(x[3] for x in last)
            overlap = min(bottom, w[3]) - max(top, w[1])
            if overlap > 0.5 * min(bottom - top, w[3] - w[1]):
                last.append(w)
                continue
        groups.append([w])
    return [sorted(g, key=lambda w: w[0]) for g in groups]


def _join(words) -> str:
    if not words:
        return ""
    parts = []
    for group in _line_groups(words):
        parts.append(" ".join(w[4] for w in group))
    text = "".join(parts)  # a wrapped name or number is one text again
    return text.replace("\t", " ")


def _prose_lines(words) -> list[tuple[float, str]]:
    """(top, text) per printed line, in PyMuPDF's order; a line it split at a gap on the same height is one line again."""
    lines: list[list] = []
    key = None
    for w in words:
        if (w[5], w[6]) != key:
            key = (w[5], w[6])
            if lines and _same_line(lines[-1], w):
                lines[-1].append(w)
                continue
            lines.append([w])
        else:
            lines[-1].append(w)
    return [(min(w[1] for w in line), " ".join(w[4] for w in line)) for line in lines]


def _same_line(line: list, w) -> bool:
    top, bottom, right = min(x[1] for x in line), max(x[3] for x in line), max(x[2] for x in line)
    overlap = min(bottom, w[3]) - max(top, w[1])
    return w[0] >= right and overlap > 0.5 * min(bottom - top, w[3] - w[1])


def _header_rows(rows) -> int:
    """Rows before the first row holding a number: the table's header."""
    for k, row in enumerate(rows):
        if any(_NUMBER.match(text.replace(" ", "")) for text, _ in row if text):
            return k
    return len(rows)


def _without_repeated_header(head: list[list[str]], rows):
    k = 0
    while k < len(rows) and k < len(head) and [text for text, _ in rows[k]] == head[k]:
        k += 1
    return rows[k:]
