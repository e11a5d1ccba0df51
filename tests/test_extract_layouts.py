"""The same content laid out differently must yield the same records."""

from __future__ import annotations

from collections import Counter

import pytest

import relayout
from budget_warehouse.extract.document import extract


def content(doc):
    """Everything a layout must not change: records without line numbers or ids."""
    cells = Counter(
        (c.table_kind, c.row_role, c.unit_code, c.subject_code, c.econ_code, c.side, c.item_key,
         c.measure_group, c.measure, c.amount)
        for c in doc.cells if c.amount is not None
    )
    tables = sorted((t.kind, t.is_empty, t.row_count, t.amount_unit) for t in doc.tables)
    claims = Counter((c.kind, c.measure, c.subject_code, c.amount, c.unit) for c in doc.claims)
    projects = [(p.seq, p.name, p.amount, p.perf_id is not None) for p in doc.projects]
    indicators = Counter((i.level1, i.level2, i.content, i.value_column, i.printed) for i in doc.indicators)
    roster = sorted((u.unit_name, u.unit_code, u.staffing_quota, u.staff_count) for u in doc.roster)
    return dict(cells=cells, tables=tables, claims=claims, projects=projects, indicators=indicators, roster=roster)


@pytest.fixture(scope="module")
def reference(sample_doc):
    return content(sample_doc)


LAYOUTS = {
    "html tables": lambda t: relayout.tab_rows_to_html(t),
    "html then rows": lambda t: relayout.tab_rows_to_html(t, keep_rows=True),
    "page breaks with page numbers": lambda t: relayout.page_breaks(t),
    "page breaks without page numbers": lambda t: relayout.page_breaks(t, page_number=False),
    "html with page breaks": lambda t: relayout.tab_rows_to_html(relayout.page_breaks(t)),
    "no thousands separators": relayout.without_separators,
    "thousands separators everywhere": relayout.with_separators,
    "bold headings": lambda t: relayout.heading_markup(t, "**"),
    "<b> headings": lambda t: relayout.heading_markup(t, "b"),
    "unmarked headings": lambda t: relayout.heading_markup(t, "none"),
    "tables in another order": relayout.reorder_tables,
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_gives_identical_records(name, sample_text, reference):
    text = LAYOUTS[name](sample_text)
    assert text != sample_text
    doc = extract(text, source_name=f"{name}.txt")
    got = content(doc)
    for key in reference:
        assert got[key] == reference[key], f"{name}: {key} differ"
    assert doc.coverage()["unexplained"] == 0, [t for t in doc.tokens if not t.accounted and not t.reason][:5]


def test_twice_printed_table_is_loaded_once(sample_text, sample_doc):
    doc = extract(relayout.tab_rows_to_html(sample_text, keep_rows=True), source_name="twice.txt")
    assert len(doc.cells) == len(sample_doc.cells)
    assert all(t.duplicate_lines for t in doc.tables)


def test_unrecognised_table_is_kept_and_reported(sample_text):
    extra = "\n### 十一、国有资本经营预算支出表\n\n单位：万元\n\n项目\t预算数\n资本金注入\t12.50\n合计\t12.50\n\n"
    marker = "## 第三部分"
    text = sample_text.replace(marker, extra + marker, 1)
    doc = extract(text, source_name="extra.txt")
    unrecognised = [t for t in doc.tables if t.kind == "unrecognised"]
    assert len(unrecognised) == 1 and "国有资本经营" in unrecognised[0].title
    kept = [c for c in doc.cells if c.table_kind == "unrecognised"]
    assert sorted((c.item_label, str(c.amount)) for c in kept) == [("合计", "12.50"), ("资本金注入", "12.50")]
    assert any("not recognised" in w for w in doc.warnings)


def test_yuan_tables_are_normalised_to_wan(sample_text, sample_doc):
    # The three-public table printed in 元: the same amounts ×10000.
    start = sample_text.index("“三公”经费支出预算表\n")
    end = sample_text.index("十、部门专项资金", start)
    section = sample_text[start:end].replace("单位：万元", "单位：元")
    for value in ("4.70", "3.50", "1.20"):
        section = section.replace(f"\t{value}", "\t" + f"{float(value) * 10000:.2f}")
    doc = extract(sample_text[:start] + section + sample_text[end:], source_name="yuan.txt")
    table = next(t for t in doc.tables if t.kind == "three_public")
    assert table.amount_unit == "元"
    got = {c.item_key: c.amount for c in doc.cells if c.table_kind == "three_public"}
    want = {c.item_key: c.amount for c in sample_doc.cells if c.table_kind == "three_public"}
    assert got == want
