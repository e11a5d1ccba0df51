"""HTML tables to grid rows (grid.html_rows, lxml): spans, line numbers, nested tables, checkboxes."""

from __future__ import annotations

from budget_warehouse.extract.grid import html_rows


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


def test_no_table_or_only_whitespace_gives_no_rows():
    assert grid("<table></table>") == []
    assert grid("   ") == []
    assert grid("<tr><td>outside any table</td></tr>") == []
