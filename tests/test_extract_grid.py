"""HTML tables to grid rows (grid.html_rows, lxml): spans, line numbers, nested tables, checkboxes;
and, on random well-formed tables, the same rows as the stdlib HTMLParser the extractor used before."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from budget_warehouse.extract.grid import Row, clean_cell, html_rows


def grid(html: str, first_line: int = 1) -> list[tuple[tuple[str, ...], int]]:
    return [(r.cells, r.line) for r in html_rows(html, first_line)]


def test_spans_leave_blank_slots_and_rows_keep_their_lines():
    html = "\n".join([
        "<table>",
        '<tr><td rowspan="2">科目编码</td><td colspan="2">支出</td></tr>',
        "<tr><td>基本</td><td>项目</td></tr>",
        "<tr><td>201</td><td>1,234.50</td><td>0.00</td></tr>",
        "</table>",
    ])
    assert grid(html, first_line=40) == [
        (("科目编码", "支出", ""), 41),
        (("", "基本", "项目"), 42),
        (("201", "1,234.50", "0.00"), 43),
    ]


def test_a_rowspan_further_right_pads_the_row():
    html = '<table><tr><td>a</td><td>b</td><td rowspan="2">c</td></tr><tr><td>d</td></tr></table>'
    assert grid(html) == [(("a", "b", "c"), 1), (("d", "", ""), 1)]


def test_cell_text_breaks_checkboxes_entities_and_comments():
    html = (
        "<table><tr><th>项目<br>名称</th><td><input type=checkbox checked>是 <input type=checkbox>否</td>"
        "<td>A&amp;B<!-- a note --> C</td><td><b>合</b>计</td></tr></table>"
    )
    assert grid(html) == [(("项目 名称", "☑是 ☐否", "A&B C", "合计"), 1)]


def test_a_nested_table_is_flattened_into_its_cell():
    html = "<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table>尾</td><td>2</td></tr></table>"
    assert grid(html) == [(("外内1内2尾", "2"), 1)]


def test_two_tables_on_one_line_and_text_around_them():
    html = "前<table><tr><td>1</td></tr></table>中<table><tr><td>2</td></tr></table>后"
    assert grid(html, first_line=7) == [(("1",), 7), (("2",), 7)]


def test_cells_left_unclosed_keep_their_text():
    # libxml2 closes them; the stdlib reader this replaced lost both (an empty row)
    assert grid("<table><tr><td>a<td>b</tr><tr><td>1</table>") == [(("a", "b"), 1), (("1",), 1)]


def test_no_table_or_only_whitespace_gives_no_rows():
    assert grid("<table></table>") == []
    assert grid("   ") == []
    assert grid("<tr><td>outside any table</td></tr>") == []


# ---------------------------------------------------------------- the reader before issue 9, as an oracle
# (budget_warehouse/extract/grid.py at c75862b, test-only: the stdlib HTMLParser and the span filling)


class _StdlibTableParser(HTMLParser):
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


def stdlib_html_rows(html: str, first_line: int) -> list[Row]:
    """Grid rows of the first-level table in ``html`` (text starting at ``first_line``)."""
    parser = _StdlibTableParser()
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


_TEXT = st.sampled_from(["", "合计", "1,234.50", " 0.00 ", "A&amp;B", "a<br>b", "<b>支出</b>", "<input checked>是",
                         "<input>否", "&lt;x&gt;", "项目\n名称", "<!-- c -->7", "<span>8</span> 9"])


@st.composite
def _tables(draw):
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            tag = draw(st.sampled_from(["td", "th"]))
            attrs = "".join(f' {name}="{draw(st.integers(1, 3))}"' for name in ("colspan", "rowspan") if draw(st.booleans()))
            text = draw(_TEXT)
            if draw(st.integers(0, 9)) == 0:
                text += f"<table><tr><td>{draw(_TEXT)}</td></tr></table>"
            cells.append(f"<{tag}{attrs}>{text}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    sep = draw(st.sampled_from(["", "\n", "\n\n"]))
    return draw(st.sampled_from(["", "前"])) + "<table>" + sep + sep.join(rows) + sep + "</table>"


@given(_tables(), st.integers(1, 500))
def test_random_tables_give_the_rows_the_stdlib_parser_gave(html, first_line):
    assert html_rows(html, first_line) == stdlib_html_rows(html, first_line)


def test_threads_parse_at_the_same_time():
    from concurrent.futures import ThreadPoolExecutor

    html = "<table>" + "".join(f"<tr><td>{i}</td><td>{i * 2}.50</td></tr>\n" for i in range(200)) + "</table>"
    expected = grid(html)
    with ThreadPoolExecutor(4) as pool:
        assert all(r == expected for r in pool.map(lambda _: grid(html), range(40)))
