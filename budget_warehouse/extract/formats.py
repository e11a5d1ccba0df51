"""Other converters' text, normalised to the tab-row form the segmenter reads.

A PDF reaches the extractor as text written by one of several converters. The
segmenter reads prose lines, tab rows (one line per table row, cells separated
by TAB) and HTML tables. Two other common forms are rewritten here, line for
line, so every line keeps its number and provenance stays exact:

- markdown pipe tables (pymupdf4llm, marker, MinerU): ``|类|款|项|科目名称|金额|``
  becomes a tab row; the header separator row (``|---|:---:|``) becomes a blank
  line; ``\\|`` is a literal pipe and ``<br>`` a space inside a cell (or, where a
  converter merged a label column and its amount column, two cells);
- space-aligned page text (``pdftotext -layout``): a run of lines whose cells
  line up in columns becomes tab rows, cut at the columns of that run; prose
  stays as it is; page feeds (``\\f``) are removed and start a new run, since
  a table's columns may move from one page to the next.

Anything else is returned unchanged (a text without pipes, double spaces or
page feeds is returned as is, without being split).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from budget_warehouse.extract.grid import clean_cell
from budget_warehouse.extract.segment import is_heading

_MAYBE = re.compile(r"\||  |\f")

# ---------------------------------------------------------------- markdown

_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_BR = re.compile(r"<br\s*/?>", re.I)


def _is_separator(line: str) -> bool:
    return "-" in line and bool(_PIPE.search(line)) and bool(_SEPARATOR.match(line))


def _pipe_cells(line: str) -> list[str]:
    """The cells of a pipe row, as written (``<br>`` kept), escaped pipes as pipes."""
    s = line.strip()
    parts = _PIPE.split(s)
    if s.startswith("|"):
        parts = parts[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        parts = parts[:-1]
    return [p.replace("\\|", "|").strip() for p in parts]


def _is_pipe_row(line: str) -> bool:
    """A line that opens and closes with a pipe, with at least one cell between."""
    s = line.strip()
    return len(s) > 1 and s[0] == "|" and s[-1] == "|" and s[-2:] != "\\|"


def _tab_row(cells: list[str]) -> str:
    # One cell still needs a tab, or the segmenter reads the line as prose.
    return "\t".join(cells) if len(cells) > 1 else (cells[0] if cells else "") + "\t"


def _markdown(lines: list[str]) -> None:
    """Pipe tables to tab rows, in place. A table is a run of pipe rows, or a
    header line with pipes directly above a separator row and the lines with
    pipes below it (GitHub's tables need no outer pipes)."""
    table: list[tuple[int, list[str]]] = []  # (line, cells) of the table being read
    n = len(lines)
    for i, line in enumerate(lines):
        if "|" not in line or "\t" in line:  # a tab row is already normalised (idempotence)
            _markdown_table(lines, table)
            table = []
        elif _is_separator(line):
            lines[i] = ""
            table.append((i, []))
        elif table or _is_pipe_row(line) or (
            i + 1 < n and _is_separator(lines[i + 1]) and len(_pipe_cells(line)) == len(_pipe_cells(lines[i + 1]))
        ):
            table.append((i, _pipe_cells(line)))
    _markdown_table(lines, table)


def _markdown_table(lines: list[str], table: list[tuple[int, list[str]]]) -> None:
    """Write a pipe table's rows as tab rows. ``<br>`` is a space, except in a column where the
    converter merged two columns (no rule between them in the PDF): its cells read label and
    amount (``label<br>1,234.50``, on two rows or more) or two amounts
    (``1.20<br>3.40``). There a two-line cell is two cells again, any other cell the first."""
    rows = [cells for _, cells in table if cells]
    broken = {c for r in rows for c, cell in enumerate(r) if "<" in cell and _BR.search(cell)}
    merged = set()
    for c in broken:
        column = [[p.strip() for p in _BR.split(r[c])] for r in rows if c < len(r) and r[c]]
        label_amount = sum(len(p) == 2 and bool(_AMOUNT.match(p[1])) for p in column)
        if label_amount > 1 or any(len(p) == 2 and _AMOUNT.match(p[0]) and _AMOUNT.match(p[1]) for p in column):
            merged.add(c)
    for i, cells in table:
        if not cells:
            continue
        if not broken:
            lines[i] = _tab_row(cells)
            continue
        out = []
        for c, cell in enumerate(cells):
            parts = [p.strip() for p in _BR.split(cell)] if c in broken else [cell]
            if c in merged:
                out += parts if len(parts) == 2 else [" ".join(p for p in parts if p), ""]
            else:
                out.append(" ".join(p for p in parts if p))
        lines[i] = _tab_row(out)


# ---------------------------------------------------------------- space-aligned text

_WORD = re.compile(r"\S+")
_GAP = re.compile(r" {2,}")
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
# An amount as tables print it: with decimals or thousands separators (not a code).
_AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)$")
_LEADER = re.compile(r"[…·.．_]{4,}|…{2,}")  # table-of-contents leader dots
_UNIT_TAIL = re.compile(r"单位[:：]\s*\S{1,3}\s*$")  # "编制部门：…  单位：元" is a table's preamble
_SENTENCE = re.compile(r"[。；，]")
_MAX_SHIFT = 40  # characters a table may move between pages
_TITLE = re.compile(r"(表|目录|清单)(（续）|\(续\))?$")


def _is_table_line(line: str) -> bool:
    """At least two cells apart by two or more spaces; not a preamble line, nor a contents
    line without a page number."""
    s = line.strip()
    return (
        "  " in s
        and "\t" not in line
        and not (_LEADER.search(s) and not _NUMBER.match(clean_cell(_GAP.split(s)[-1])))
        and not _UNIT_TAIL.search(s)
        and "<table" not in s.lower()
    )


def _ends_run(line: str) -> bool:
    """A one-cell line that cannot belong to a table: a sentence, a title, a unit."""
    s = line.strip()
    return bool(
        "\t" in line
        or _SENTENCE.search(s)
        or _TITLE.search(s)
        or _UNIT_TAIL.search(s)
        or _LEADER.search(s)
    )


def _layout(lines: list[str]) -> None:
    """Space-aligned table runs to tab rows, in place."""
    n = len(lines)
    page_start = [False] * n
    for i, line in enumerate(lines):
        if "\f" in line:
            lines[i] = line.replace("\f", "")
            page_start[i] = True
    carried: list[tuple[int, int]] = []  # columns of the last table run
    previous = -1  # its last line
    i = 0
    while i < n:
        if not _is_table_line(lines[i]):
            i += 1
            continue
        last = i
        k = i + 1
        while k < n and not page_start[k]:
            line = lines[k]
            if _is_table_line(line):
                last = k
            elif line.strip() and _ends_run(line):
                break
            k += 1
        # One line is a table only with three cells or more (two may be a gap in prose).
        if last > i or len(_GAP.split(lines[i].strip())) > 2:
            # A run at the top of a page right after a table (page numbers between) continues it.
            continued = (
                previous >= 0
                and any(page_start[previous + 1 : i + 1])
                and all(not s.strip() or _NUMBER.match(s.strip()) for s in lines[previous + 1 : i])
            )
            last, carried = _convert(lines, i, last, page_start, carried if continued else [])
            previous = last
        i = last + 1


def _cells(line: str, words: list[tuple[int, int]], split) -> list[tuple[int, int, str]]:
    """Words joined into cells: apart by one space they are one cell, unless split(a, b) says otherwise."""
    cells: list[tuple[int, int, str]] = []
    start, end = words[0]
    for (a0, a1), (b0, b1) in zip(words, words[1:]):
        if b0 - a1 > 1 or split(line, a0, a1, b0, b1):
            cells.append((start, end, line[start:end]))
            start = b0
        end = b1
    cells.append((start, end, line[start:end]))
    return cells


def _convert(
    lines: list[str], first: int, last: int, page_start: list[bool], carried: list[tuple[int, int]]
) -> tuple[int, list[tuple[int, int]]]:
    """Lines first..last (and the one-cell lines of the table around them) as tab rows; the
    last line of the table and its columns. ``carried``: the columns of the table this run
    continues on a new page."""
    words = {
        i: [m.span() for m in _WORD.finditer(lines[i])]
        for i in range(first, last + 1)
        if lines[i].strip()
    }
    # Column edges: where text cells start, where amounts end (cells apart by two spaces).
    text_starts: Counter[int] = Counter()
    amount_ends: Counter[int] = Counter()
    for i, w in words.items():
        cells = _cells(lines[i], w, lambda *_: False)
        if len(cells) < 2:
            continue
        for s, e, text in cells:
            if _AMOUNT.match(text):
                amount_ends[e] += 1
            elif not _NUMBER.match(text):
                text_starts[s] += 1

    def split(line: str, a0: int, a1: int, b0: int, b1: int) -> bool:
        """One space between two cells of adjacent columns (a long label against a wide amount)?
        Yes where other rows have a cell edge there: twice, or for an amount then a label once,
        give or take a character (pdftotext places characters to the nearest column)."""
        a_amount, b_text = _AMOUNT.match(line[a0:a1]), not _NUMBER.match(line[b0:b1])
        if a_amount and b_text:
            return any(amount_ends[a1 + d] + text_starts[b0 + d] for d in (-1, 0, 1))
        if a_amount:
            return amount_ends[a1] > 1
        if _AMOUNT.match(line[b0:b1]):
            return amount_ends[b1] > 1
        return b_text and text_starts[b0] > 1

    rows = {i: _cells(lines[i], w, split) for i, w in words.items()}
    multi = {i: r for i, r in rows.items() if len(r) > 1}
    data = [r for r in multi.values() if any(_NUMBER.match(t) for _, _, t in r)]
    if not data:  # headers of an empty table
        data = list(multi.values())
    columns = _lone_labels_joined(_columns(data), data)
    kinds = _kinds(columns, data)
    extra = [[cell for cell, c in zip(r, _place(columns, *kinds, r)) if c is None] for r in multi.values()]
    columns = _header_columns(extra, columns)
    if len(carried) > len(columns):
        # Without its header a continued table shows only the columns with data; its
        # columns are the ones of the page before, moved by the page's margin.
        columns = _shifted(carried, list(multi.values())) or columns
    if len(columns) < 2:
        return last, []

    def beside(i: int, above: bool) -> bool:
        """A one-cell line right above the run (a piece of its header) or below it at a
        column's start (a 无, a last label), not a title, unit, sentence or heading."""
        line = lines[i]
        s = line.strip()
        if not s or _GAP.search(s) or _ends_run(line) or _NUMBER.match(s):
            return False
        start = len(line) - len(line.lstrip())
        if is_heading(line):
            # A numbered item ("十、节能环保支出") is a row where it starts exactly where a column
            # of labels right of the margin starts; elsewhere a heading ends the table.
            return start > 0 and text_starts[start] > 0
        return above or text_starts[start] > 0

    def one_cell(line: str) -> list[tuple[int, int, str]]:
        start = len(line) - len(line.lstrip())
        return [(start, len(line.rstrip()), line.strip())]

    while first > 0 and not page_start[first] and beside(first - 1, above=True):
        first -= 1
        rows[first] = one_cell(lines[first])
    while last + 1 < len(lines) and not page_start[last + 1] and beside(last + 1, above=False):
        last += 1
        rows[last] = one_cell(lines[last])
    kinds = _kinds(columns, data)
    ends = kinds[0]
    placed: dict[int, list[str]] = {}
    lone: dict[int, list[str]] = {}
    for i, row in sorted(rows.items()):
        out = [""] * len(columns)
        for (s, _, text), c in zip(row, _place(columns, *kinds, row)):
            c = _column(ends, s) if c is None else c
            text = _LETTER_SPACED.sub("", text) if _LETTER_SPACED_CELL.match(text) else text
            out[c] = f"{out[c]} {text}" if out[c] else text
        text = row[0][2]
        (lone if len(row) == 1 and _NUMBER.match(text) and not _AMOUNT.match(text) else placed)[i] = out
    # A lone integer stays prose (a page number, as the segmenter expects), unless it is a code
    # printed on a line of its own inside the table: in a column of codes of its length.
    codes = Counter((c, len(t)) for out in placed.values() for c, t in enumerate(out) if t.isdigit())
    for i, out in lone.items():
        c, text = next((c, t) for c, t in enumerate(out) if t)
        if i < last and text.isdigit() and codes[(c, len(text))] > 1:
            placed[i] = out
    _headers_spread(placed)
    for i, out in _split_rows_joined(placed).items():
        lines[i] = _tab_row(out) if any(out) else ""
    return last, columns


_CODE_LEVELS = ("类", "款", "项")
# A name printed letter-spaced to fill its cell (``公 务 用 车 运 行 维 护``): its characters, joined.
_LETTER_SPACED_CELL = re.compile(r"^[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,}$")
_LETTER_SPACED = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def _headers_spread(placed: dict[int, list[str]]) -> None:
    """Headers one space apart in one cell (``基本支出 项目支出``: pdftotext counts a Chinese
    character as one column where it prints two, so headers drift left and close their gap)
    spread over the columns right of it that hold amounts but no header text anywhere, one
    word each, when there are as many such columns as extra words. In place."""
    width = max((len(out) for out in placed.values()), default=0)
    amounts, texts = set(), set()
    for out in placed.values():
        for c, t in enumerate(out):
            if t:
                (amounts if _AMOUNT.match(t) else texts).add(c)
    for out in placed.values():
        for c, t in enumerate(out):
            words = t.split(" ")
            if len(words) < 2 or any(len(w) < 2 or _NUMBER.match(w) for w in words):
                continue
            right = range(c + 1, c + len(words))
            if right[-1] < width and all(k in amounts and k not in texts for k in right):
                for k, w in zip([c, *right], words):
                    out[k] = w
                texts.update(right)


def _split_rows_joined(placed: dict[int, list[str]]) -> dict[int, list[str]]:
    """Rows that pdftotext printed over several lines, joined. Where a row is taller than one
    line (a wrapped name beside it, or a cell spanning two header rows), its amounts are printed
    on a line of their own above its labels, centred in the row (``  1,503.52  603.14`` above
    ``201  一般公共服务支出  2,106.66``); so may the 类 | 款 | 项 labels above the 合计 beside
    them. A run of such lines (amounts only, or 类/款/项 only) directly above a line with a label
    or a code, each filling columns none of the others fills, is that row. The row's other
    labels may come on the line below (two tables side by side: the right one's 款 and name
    under its 类), in columns it leaves blank: after amounts printed above it, under a line of
    codes alone, or a 款/项 code alone. The row is written on its last line, the lines it took
    are left blank."""
    def fragment(out: list[str]) -> bool:
        filled = [c for c in out if c]
        levels = [c for c in filled if c in _CODE_LEVELS]
        return bool(filled) and all(_AMOUNT.match(c) or c in _CODE_LEVELS for c in filled) and len(levels) != 1

    def codes_only(out: list[str]) -> bool:
        filled = [c for c in out if c]
        return bool(filled) and all(c.isdigit() and len(c) <= 3 for c in filled) and any(len(c) == 3 for c in filled)

    order = sorted(placed)
    joined = dict(placed)
    k = 0
    while k < len(order):
        group = []
        while k < len(order) and fragment(placed[order[k]]) and (not group or order[k] == group[-1] + 1):
            group.append(order[k])
            k += 1
        if k == len(order):
            break
        target = order[k]
        if group and (
            target != group[-1] + 1
            or not any(_AMOUNT.match(c) for g in group for c in placed[g])
            or _overlap([placed[i] for i in [*group, target]])
        ):
            continue  # separate rows
        out = list(placed[target])
        for g in group:
            out = [t or b for t, b in zip(out, placed[g])]
            joined[g] = [""] * len(out)
        absorbing = bool(group) or codes_only(out)
        while k + 1 < len(order) and order[k + 1] == target + 1:
            below = placed[target + 1]
            if any(_AMOUNT.match(t) for t in below) or _overlap([out, below]):
                break
            # (else only a 款 or 项 code, with or without names, for a 类 printed alone beside it above)
            if not (absorbing or any(
                t.isdigit() and len(t) <= 2 and c > 0 and out[c - 1].isdigit() and len(out[c - 1]) == 3
                for c, t in enumerate(below)
            ) and all(not t.isdigit() or len(t) <= 2 for t in below)):
                break
            out = [t or b for t, b in zip(out, below)]
            joined[target] = [""] * len(out)
            target += 1
            k += 1
        joined[target] = out
        k += 1
    return joined


def _overlap(rows: list[list[str]]) -> bool:
    """Two of the rows fill one column."""
    used = [{c for c, t in enumerate(r) if t} for r in rows]
    return sum(map(len, used)) != len(set().union(*used))


def _shifted(columns: list[tuple[int, int]], rows: list[list[tuple[int, int, str]]]) -> list[tuple[int, int]]:
    """``columns`` moved so that each cell of ``rows`` falls in one column, of its own in its row,
    with the most cells on a column's edge (text starts, amounts end); [] if no shift does."""
    best, best_score = [], -1
    for d in sorted(range(-_MAX_SHIFT, _MAX_SHIFT + 1), key=abs):
        moved = [(s + d, e + d) for s, e in columns]
        score = 0
        for row in rows:
            used = set()
            for cs, ce, text in row:
                hit = [c for c, (s, e) in enumerate(moved) if s < ce and cs < e]
                if len(hit) != 1 or hit[0] in used:
                    break
                used.add(hit[0])
                s, e = moved[hit[0]]
                score += (ce == e) if _AMOUNT.match(text) else (cs == s)
            else:
                continue
            break
        else:
            if score > best_score:
                best, best_score = moved, score
    return best


def _columns(rows: list[list[tuple[int, int, str]]], columns: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Column extents: the cells' extents (and ``columns``) merged where they overlap."""
    spans = sorted([(s, e) for row in rows for s, e, _ in row] + list(columns))
    columns: list[list[int]] = []
    for s, e in spans:
        if columns and s < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], e)
        else:
            columns.append([s, e])
    return [(s, e) for s, e in columns]


def _header_columns(rows: list[list[tuple[int, int, str]]], columns: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``columns`` and the columns that only header cells head. Rows with more cells go first, so
    a cell spanning two columns of a finer header row (公务用车运行费 over 预算数 | 决算数) does not
    join them; the cells of one row never join each other."""
    found = [list(c) for c in columns]
    for row in sorted(rows, key=len, reverse=True):
        new = []
        for s, e, _ in row:
            hit = [c for c in found if s < c[1] and c[0] < e]
            if len(hit) == 1:
                hit[0][0], hit[0][1] = min(hit[0][0], s), max(hit[0][1], e)
            elif not hit:
                new.append([s, e])
        found += new
    return _columns([[(s, e, "") for s, e in found]])


def _lone_labels_joined(columns: list[tuple[int, int]], data: list[list[tuple[int, int, str]]]) -> list[tuple[int, int]]:
    """A column made of one label (合计 centred in the names' column) touching a column of labels
    is part of it."""
    ends = [e for _, e in columns]
    cells, labels = Counter(), Counter()
    for row in data:
        for s, _, text in row:
            c = _column(ends, s)
            cells[c] += 1
            labels[c] += not _NUMBER.match(text)
    joined: list[tuple[int, int]] = []
    for c, (s, e) in enumerate(columns):
        if joined and cells[c] == labels[c] == 1 and labels[c - 1] and s <= joined[-1][1]:
            joined[-1] = (joined[-1][0], e)
        else:
            joined.append((s, e))
    return joined


def _kinds(columns: list[tuple[int, int]], data: list[list[tuple[int, int, str]]]) -> tuple[list[int], set[int], set[int]]:
    """The columns' ends, the columns holding only numbers, and the columns holding labels."""
    ends = [e for _, e in columns]
    numbers: set[int] = set()
    labels: set[int] = set()
    for row in data:
        for s, _, text in row:
            (numbers if _NUMBER.match(text) else labels).add(_column(ends, s))
    return ends, numbers - labels, labels


def _place(
    columns: list[tuple[int, int]],
    ends: list[int],
    numeric: set[int],
    labels: set[int],
    row: list[tuple[int, int, str]],
) -> list[int | None]:
    """The column of each cell of ``row``; None for a cell heading a column of its own.

    A cell over columns is in the first of them. A header cell in the gap between two
    columns belongs to the column of labels on its left if it starts where those labels end
    (pdftotext counts a Chinese character as one column where it prints two, so a header
    centred over long labels starts at their end), else to the column of numbers on its
    right (centred over it), unless another cell of the row already heads that column.
    Otherwise it heads a column empty in every data row.
    """
    placed: list[int | None] = [None] * len(row)
    taken: set[int] = set()
    for k in reversed(range(len(row))):
        s, e, _ = row[k]
        first = c = bisect_right(ends, s)
        while c < len(columns) and columns[c][0] < e:  # the columns it covers
            taken.add(c)
            c += 1
        if c > first:
            placed[k] = first
            continue
        before, after = first - 1, first if first < len(columns) else None
        if before in labels and before not in taken and s <= ends[before] + 1:
            placed[k] = before
        elif after is not None and after not in taken and after in numeric:
            placed[k] = after
        if placed[k] is not None:
            taken.add(placed[k])
    return placed


def _column(ends: list[int], start: int) -> int:
    """The column (of those ending at ``ends``, in order) a cell starting at ``start`` belongs
    to: the one holding it, else the next one, else the last one."""
    return min(bisect_right(ends, start), len(ends) - 1)


# ---------------------------------------------------------------- entry point


def normalise(text: str) -> str:
    """``text`` with markdown pipe tables and space-aligned tables as tab rows, line for line."""
    if not _MAYBE.search(text):
        return text
    lines = text.split("\n")
    _markdown(lines)
    _layout(lines)
    return "\n".join(lines)
