"""The sample document, read by hand: the extractor must yield these values."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal as D


def cells(doc, kind, **where):
    return [
        c
        for c in doc.cells
        if c.table_kind == kind and c.amount is not None and all(getattr(c, k) == v for k, v in where.items())
    ]


def one(doc, kind, **where):
    found = cells(doc, kind, **where)
    assert len(found) == 1, (kind, where, found)
    return found[0]


def test_metadata(sample_doc):
    m = sample_doc.meta
    assert (m.region, m.department, m.year, m.phase) == ("晋江市", "工信部门", 2019, "预算")
    assert m.document_id.startswith("doc-")


def test_document_id_ignores_file_name(sample_text):
    from budget_warehouse.extract.document import extract

    assert extract(sample_text, source_name="a.txt").meta.document_id == extract(sample_text, source_name="b.txt").meta.document_id


def test_all_ten_standard_tables_recognised(sample_doc):
    kinds = [t.kind for t in sample_doc.tables]
    assert kinds == [
        "summary", "revenue_by_unit", "expenditure_by_unit", "fiscal_summary", "general_budget_by_subject",
        "gov_fund_by_subject", "economic_class", "basic_economic_class", "three_public", "special_funds",
    ]
    empty = {t.kind for t in sample_doc.tables if t.is_empty}
    assert empty == {"gov_fund_by_subject", "special_funds"}
    assert all(t.amount_unit == "万元" for t in sample_doc.tables)
    # 三、支出预算总表 (line 230) prints no 单位 line: read in the fj_10 template's default, and reported
    assert [t.kind for t in sample_doc.tables if t.unit_from_template] == ["expenditure_by_unit"]
    assert any("line 230: table '三、支出预算总表' prints no 单位 line" in w for w in sample_doc.warnings)


def test_expenditure_table_rows(sample_doc):
    detail = cells(sample_doc, "expenditure_by_unit", row_role="detail", measure_group="kind", measure="total")
    assert len(detail) == 31
    assert len({c.unit_code for c in detail}) == 4
    assert sum(c.amount for c in detail) == D("8599.56")
    row = one(sample_doc, "expenditure_by_unit", unit_code="321001000", subject_code="2150501", measure_group="kind", measure="personnel")
    assert row.amount == D("166.02") and row.unit_name == "晋江市工业和信息化局"
    # 总计 printed twice: once as the total by kind, once under 资金来源.
    kind_total = one(sample_doc, "expenditure_by_unit", row_role="total", measure_group="kind", measure="total")
    source_total = one(sample_doc, "expenditure_by_unit", row_role="total", measure_group="source", measure="total")
    assert kind_total.amount == source_total.amount == D("8599.56")
    other = one(sample_doc, "expenditure_by_unit", subject_code="2230199", measure_group="source", measure="other_income")
    assert other.amount == D("478.00") and other.decimals == 2


def test_general_budget_table(sample_doc):
    rows = cells(sample_doc, "general_budget_by_subject", row_role="detail", measure="total")
    assert len(rows) == 16
    basic = one(sample_doc, "general_budget_by_subject", row_role="total", measure="basic")
    project = one(sample_doc, "general_budget_by_subject", row_role="total", measure="project")
    assert (basic.amount, project.amount) == (D("734.56"), D("7387.00"))
    assert one(sample_doc, "general_budget_by_subject", subject_code="2150502", measure="basic").amount == D("27.04")


def test_economic_tables(sample_doc):
    lei = cells(sample_doc, "basic_economic_class", measure="total")
    assert len([c for c in lei if len(c.econ_code or "") == 3]) == 4
    assert len([c for c in lei if len(c.econ_code or "") == 5]) == 26
    assert one(sample_doc, "basic_economic_class", econ_code="302").row_role == "subtotal"
    assert one(sample_doc, "basic_economic_class", econ_code="30239").amount == D("16.78")
    assert one(sample_doc, "economic_class", econ_code="312").amount == D("6000.00")
    assert one(sample_doc, "economic_class", row_role="total").amount == D("8121.56")


def test_summary_tables(sample_doc):
    rev = one(sample_doc, "summary", side="revenue", item_key="general_budget")
    assert (rev.amount, rev.printed, rev.item_level) == (D("8121.56"), "8,121.56", 1)
    personnel = one(sample_doc, "summary", side="expenditure", item_key="personnel")
    assert personnel.parent_item_key == "basic" and personnel.amount == D("669.12")
    assert one(sample_doc, "summary", side="expenditure", item_key="dept_special_funds").row_role == "subtotal"
    totals = cells(sample_doc, "summary", item_key="total")
    assert sorted(c.side for c in totals) == ["expenditure", "revenue"]
    assert one(sample_doc, "fiscal_summary", side="expenditure", item_key="project").amount == D("7387.00")


def test_three_public(sample_doc):
    got = {c.item_key: c.amount for c in cells(sample_doc, "three_public")}
    assert got == {
        "total": D("4.70"), "overseas": D("3.50"), "reception": D("1.20"), "vehicle": D("0.00"),
        "vehicle_operation": D("0.00"), "vehicle_purchase": D("0.00"),
    }
    assert one(sample_doc, "three_public", item_key="vehicle_operation").parent_item_key == "vehicle"


def test_revenue_by_unit(sample_doc):
    assert one(sample_doc, "revenue_by_unit", unit_code="321002", measure="general_budget").amount == D("407.30")
    assert one(sample_doc, "revenue_by_unit", row_role="total", measure="other_income").amount == D("478.00")


def test_roster_linked_to_unit_codes(sample_doc):
    roster = {u.unit_name: u for u in sample_doc.roster}
    assert len(roster) == 4
    assert roster["晋江市节能监测中心"].unit_code == "321003"
    assert roster["晋江市节能监测中心"].staffing_quota == 7 and roster["晋江市节能监测中心"].staff_count == 6
    assert roster["晋江市数字晋江建设办公室"].funding_nature == "全额拨款"


def test_projects_and_performance_tables(sample_doc):
    projects = sample_doc.projects
    assert len(projects) == 13 and sum(p.amount for p in projects) == 7845
    assert projects[3].name == "对外交流活动专项" and projects[3].amount == 60
    assert all(p.perf_id for p in projects)
    perf = {p.perf_id: p for p in sample_doc.perf_tables}
    assert len(perf) == 13
    # Each listed project is linked to the table whose current-year funding equals its amount.
    for p in projects:
        totals = [f.amount for f in perf[p.perf_id].funding if f.source == "total" and f.period == "current_year"]
        assert totals == [p.amount], p
    exchange = perf[projects[3].perf_id]
    assert exchange.owner == "林永红" and exchange.period == "2019年5月-2019年12月"
    smart_city = perf[projects[7].perf_id]
    assert [(f.period, f.amount) for f in smart_city.funding if f.source == "total"] == [
        ("implementation", D("1155.5")), ("current_year", D("312")),
    ]


def test_indicators(sample_doc):
    by_perf = Counter(i.perf_id for i in sample_doc.indicators)
    assert len(by_perf) == 13
    exchange = sample_doc.projects[3].perf_id
    rows = [i for i in sample_doc.indicators if i.perf_id == exchange and i.content == "完成时限"]
    assert [(i.value_column, i.printed, i.number, i.number_unit) for i in rows] == [
        ("绩效目标值", "21天", D("21"), "天"), ("绩效标准", "24天", D("24"), "天"),
        ("半年目标值", "7天", D("7"), "天"), ("全年目标值", "21天", D("21"), "天"),
    ]
    assert rows[0].level1 == "投入" and rows[0].level2 == "时效目标" and rows[0].level3 == "目标1"
    # The table printed as HTML and again as rows (留守处) is loaded once.
    retained = sample_doc.projects[9].perf_id
    money = [i for i in sample_doc.indicators if i.perf_id == retained and i.content == "发放金额"]
    assert [i.printed for i in money] == ["477.36万", "470万", "286万", "475万"]
    assert money[0].number == D("477.36") and money[0].number_unit == "万"


def test_prose_claims(sample_doc):
    subject = [c for c in sample_doc.claims if c.kind == "subject_amount"]
    assert len(subject) == 16
    assert {c.subject_code: c.amount for c in subject}["2101103"] == D("10.9")
    kinds = {(c.kind, c.measure): c.amount for c in sample_doc.claims}
    assert kinds[("total_revenue", "total")] == D("8599.56")
    assert kinds[("project_total", "total")] == D("7845")
    assert kinds[("basic_part", "personnel")] == D("681.18")
    assert kinds[("three_public", "reception")] == D("1.2")
    yoy = [c for c in sample_doc.claims if c.kind == "yoy_change_pct"]
    assert [(c.value, c.direction, c.measure) for c in yoy] == [
        (D("185.8"), "decrease", "three_public:overseas"), (D("66.67"), "decrease", "three_public:reception"),
    ]
    vehicle = [c for c in sample_doc.claims if c.kind == "three_public" and c.measure == "vehicle"]
    assert vehicle[0].unit == "元" and vehicle[0].amount == 0


def test_coverage_every_number_loaded_or_explained(sample_doc):
    cov = sample_doc.coverage()
    assert cov["unexplained"] == 0, [t for t in sample_doc.tokens if not t.accounted and not t.reason]
    assert cov["tokens"] == cov["loaded"] + cov["explained"]
    # Every amount printed in a standard table is loaded.
    table_lines = {c.source_line for c in sample_doc.cells}
    assert all(t.accounted for t in sample_doc.tokens if t.source_line in table_lines and "." in t.token)
