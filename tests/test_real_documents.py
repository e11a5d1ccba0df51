"""The two shared real PDFs (a 2026 部门预算 in 元, a 2024 部门决算 in 万元): every standard table recognised
with its kind, every valued cell loaded once with its value in 万元, against the gold made with another PDF
reader (tests/fixtures/real/README.md) and the figures checked by hand in issue 7."""

from __future__ import annotations

import csv
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budget_warehouse.extract.document import extract, extract_file

FIXTURES = Path(__file__).parent / "fixtures" / "real"
REAL = FIXTURES
BUDGET = "shanghai-putuo-justice-2026-department-budget"
FINAL = "shanghai-putuo-finance-2024-department-final-accounts"


@pytest.fixture(scope="module")
def docs():
    return {stem: extract_file(REAL / f"{stem}.pdf") for stem in (BUDGET, FINAL)}


def _norm(title: str) -> str:
    return re.sub(r"[\s“”\"'‘’]|^\d{4}年", "", title)


def _gold(stem: str) -> list[dict]:
    return list(csv.DictReader((FIXTURES / f"{stem}.gold.csv").open(encoding="utf-8")))


def _cells(doc) -> Counter:
    titles = {t.table_id: t.title for t in doc.tables}
    return Counter(
        (_norm(titles[c.table_id]), c.page, c.subject_code or c.econ_code or "", c.printed.replace(" ", ""),
         format(c.amount.normalize(), "f"))
        for c in doc.cells if c.amount is not None and c.table_kind != "unrecognised"
    )


@pytest.mark.parametrize("stem", [BUDGET, FINAL])
def test_every_valued_cell_equals_the_gold_once(docs, stem):
    gold = Counter((_norm(r["table_title"]), int(r["page"]), r["code"], r["printed"], r["amount_wan"]) for r in _gold(stem))
    got = _cells(docs[stem])
    assert got - gold == Counter() and gold - got == Counter()
    assert sum(got.values()) == {BUDGET: 366, FINAL: 195}[stem]


def test_the_gold_holds_the_figures_checked_by_hand():
    budget = {(r["table_title"], r["code"], r["row_label"], r["printed"]) for r in _gold(BUDGET)}
    assert ("2026年部门财务收支预算总表", "", "收入总计", "96,282,213.44") in budget
    assert ("2026年部门支出预算总表", "2040601", "行政运行", "16726725.44") in budget
    assert ("2026年部门支出预算总表", "2210201", "住房公积金", "2087959.00") in budget
    final = {(r["table_title"], r["code"], r["row_label"], r["printed"]) for r in _gold(FINAL)}
    assert ("收入支出决算总表", "", "本年收入合计", "2,946.25") in final
    assert ("收入支出决算总表", "", "本年支出合计", "2,940.05") in final
    assert ("收入支出决算总表", "", "总计", "2,995.39") in final
    assert ("支出决算表", "2010601", "行政运行", "1,511.89") in final


def test_every_standard_table_is_recognised_with_its_kind(docs):
    kinds = {stem: {_norm(t.title): t.kind for t in d.tables if t.title} for stem, d in docs.items()}
    assert kinds[BUDGET] == {
        "部门财务收支预算总表": "summary",
        "部门收入预算总表": "revenue_by_subject",
        "部门支出预算总表": "expenditure_by_subject",
        "部门财政拨款收支预算总表": "fiscal_summary",
        "部门一般公共预算支出功能分类预算表": "general_budget_by_subject",
        "部门政府性基金预算支出功能分类预算表": "gov_fund_by_subject",
        "部门国有资本经营预算支出功能分类预算表": "state_capital_by_subject",
        "部门一般公共预算基本支出部门预算经济分类预算表": "basic_economic_class",
        "部门三公经费和机关运行经费预算表": "three_public",
    }
    assert kinds[FINAL] == {
        "收入支出决算总表": "final_summary",
        "收入决算表": "final_revenue",
        "支出决算表": "final_expenditure",
        "财政拨款收入支出决算总表": "final_fiscal_summary",
        "一般公共预算财政拨款支出决算表": "general_budget_by_subject",
        "一般公共预算财政拨款基本支出决算表": "final_basic_economic",
        "财政拨款三公经费支出决算表": "three_public",
        "政府性基金预算财政拨款收入支出决算表": "final_gov_fund",
        "国有资本经营预算财政拨款收入支出决算表": "final_state_capital",
    }
    empty = {stem: sorted(_norm(t.title) for t in d.tables if t.is_empty) for stem, d in docs.items()}
    assert empty[BUDGET] == ["部门国有资本经营预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表"]
    assert empty[FINAL] == ["国有资本经营预算财政拨款收入支出决算表", "政府性基金预算财政拨款收入支出决算表"]


def _one(doc, kind, **match):
    found = [c for c in doc.cells if c.table_kind == kind and all(getattr(c, k) == v for k, v in match.items())]
    assert len(found) == 1, (kind, match, found)
    return found[0]


def test_the_budget_figures_checked_by_hand(docs):
    doc = docs[BUDGET]
    assert _one(doc, "summary", item_label="收入总计").amount == Decimal("9628.221344")
    assert _one(doc, "summary", item_label="支出总计").amount == Decimal("9628.221344")
    items = {c.subject_code for c in doc.cells if c.table_kind == "expenditure_by_subject" and c.subject_code and len(c.subject_code) == 7}
    assert len(items) == 13
    assert _one(doc, "expenditure_by_subject", subject_code="2040601", measure="total").amount == Decimal("1672.672544")
    assert _one(doc, "expenditure_by_subject", subject_code="2210201", measure="total").amount == Decimal("208.7959")
    assert _one(doc, "three_public", item_key="total").amount == Decimal("10.81")
    assert _one(doc, "three_public", item_key="admin_operation").amount == Decimal("217.83")
    # the summary's expenditure side lists functional 类 in extra rows, kept; table 4's source columns too
    assert _one(doc, "summary", item_label="一、公共安全支出").amount == Decimal("8726.727244")
    assert _one(doc, "fiscal_summary", item_label="一、公共安全支出", measure="general_budget").amount == Decimal("8726.727244")
    # a 合计 printed in the code column is a total row, not a subject
    assert not any(c.subject_code == "合计" for c in doc.cells)


def test_the_final_accounts_figures_checked_by_hand(docs):
    doc = docs[FINAL]
    assert _one(doc, "final_summary", item_label="本年收入合计").amount == Decimal("2946.25")
    assert _one(doc, "final_summary", item_label="本年支出合计").amount == Decimal("2940.05")
    assert {c.amount for c in doc.cells if c.table_kind == "final_summary" and c.item_label == "总计"} == {Decimal("2995.39")}
    items = {c.subject_code for c in doc.cells if c.table_kind == "final_expenditure" and c.subject_code and len(c.subject_code) == 7}
    assert len(items) == 11
    assert _one(doc, "final_expenditure", subject_code="2010601", column_index=4).amount == Decimal("1511.89")
    # two economic tables side by side: 302 01 办公费 is its own row, not glued to 301 01 基本工资
    assert _one(doc, "final_basic_economic", econ_code="30201").amount == Decimal("21.21")
    assert _one(doc, "final_basic_economic", econ_code="30101").amount == Decimal("262.33")
    # 三公 决算 vs its 预算数
    three = {(c.item_key, c.measure): c.amount for c in doc.cells if c.table_kind == "three_public" and c.amount is not None}
    assert three == {("total", "budget"): Decimal("0.95"), ("reception", "budget"): Decimal("0.95")}


@pytest.mark.parametrize("stem", [BUDGET, FINAL])
def test_the_tab_row_fixture_gives_the_same_cells_as_the_pdf(docs, stem):
    from_text = extract((FIXTURES / f"{stem}.tabs.txt").read_text(encoding="utf-8"), source_name=stem)
    strip = lambda cells: [(c.table_kind, c.source_line, c.column_index, c.printed, c.amount) for c in cells]  # noqa: E731
    assert strip(from_text.cells) == strip(docs[stem].cells)
    assert from_text.meta.document_id == docs[stem].meta.document_id


@pytest.mark.parametrize("stem", [BUDGET, FINAL])
def test_a_合计_row_printed_in_the_code_columns_is_the_total_row(docs, stem):
    totals = [c for c in docs[stem].cells if c.table_kind == "general_budget_by_subject" and c.row_role == "total"]
    assert totals and all(c.subject_code is None and c.subject_name == "合计" for c in totals)
    grand = {BUDGET: Decimal("9628.221344"), FINAL: Decimal("2940.05")}[stem]
    assert grand in {c.amount for c in totals}


def test_per_subject_paragraphs_with_bracketed_类款项_are_subject_claims(docs):
    """"1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元" restates 2040601 of the tables."""
    doc = docs[BUDGET]
    claims = {c.subject_code: c.amount for c in doc.claims if c.kind == "subject_amount"}
    assert len(claims) == 13
    assert claims["2040601"] == Decimal("1672.67") and claims["2210201"] == Decimal("208.8")
    tables = {c.subject_code: c.amount for c in doc.cells if c.table_kind == "general_budget_by_subject" and c.measure == "total"}
    for code, stated in claims.items():  # each within the rounding of the prose's printed decimals
        assert abs(tables[code] - stated) <= Decimal("0.05"), code


def test_an_unreadable_table_is_reported_and_the_rest_loads(docs):
    text = (FIXTURES / f"{BUDGET}.tabs.txt").read_text(encoding="utf-8")
    broken = text.replace("302\t02\t印刷费\t30000.00\t0.00\t30000.00", "302\t02\t印刷费\t3O000.00\t0.00\t30000.00")
    assert broken != text
    doc = extract(broken, source_name="broken.txt")
    [bad] = [t for t in doc.tables if t.unreadable]
    assert bad.kind == "basic_economic_class" and "3O000.00" in bad.unreadable and "lines" in bad.unreadable
    assert not [c for c in doc.cells if c.table_id == bad.table_id]
    kept = lambda d: [(c.table_kind, c.source_line, c.printed) for c in d.cells if c.table_kind != "basic_economic_class"]  # noqa: E731
    assert kept(doc) == kept(docs[BUDGET])
    assert doc.coverage()["unexplained"] <= docs[BUDGET].coverage()["unexplained"]
    assert any("unreadable" in w for w in doc.warnings)


def test_every_number_is_accounted_for(docs):
    """Coverage: codes printed over 类 | 款 | 项 columns are keys; what is left unexplained is reported."""
    # loaded includes 7 count claims of the prose (下属1家预算单位, 行政单位1家, 参公单位1家, …, 20个项目)
    assert docs[BUDGET].coverage() == {"tokens": 851, "loaded": 679, "explained": 172, "unexplained": 0}
    final = docs[FINAL]
    assert [(t.source_line, t.token) for t in final.tokens if not t.accounted and not t.reason] == []
    # the 决算's unit list (序号 | 单位名称 | 备注) is its roster; its 序号 are list numbering
    assert [u.unit_name for u in final.roster] == ["上海市普陀区财政局（本级）", "上海市普陀区财政局财政所", "上海市普陀区国库收付中心"]
    numbering = [(t.token, t.reason) for t in final.tokens if t.source_line in {u.source_line for u in final.roster}]
    assert numbering == [("1", "list numbering (序号 of the unit list)"), ("2", "list numbering (序号 of the unit list)")]


def test_rows_a_template_leaves_blank_are_no_units():
    """The blank 决算 template (../shared/real) prints its unit list's spare rows as 序号 and 。。。: no unit
    named 。。。 (five of them broke dim_unit's key), their 序号 still list numbering."""
    text = (FIXTURES / f"{FINAL}.tabs.txt").read_text(encoding="utf-8")
    last = "2\t上海市普陀区国库收付中心\t预算不单列，并入本级"
    assert text.count(last) == 1
    doc = extract(text.replace(last, last + "\n3\t。。。\t\n4\t……\t"), source_name="spare-rows.txt")
    assert [u.unit_name for u in doc.roster] == ["上海市普陀区财政局（本级）", "上海市普陀区财政局财政所", "上海市普陀区国库收付中心"]
    spare = [(t.token, t.reason) for t in doc.tokens if t.token in ("3", "4") and t.source_line in (86, 87)]
    assert spare == [("3", "list numbering (序号 of the unit list)"), ("4", "list numbering (序号 of the unit list)")]


def test_a_name_wrapped_onto_its_own_line_is_joined(docs):
    """As a converter prints a wrapped cell: the rest of the name on the next line, nothing else on it."""
    text = (FIXTURES / f"{BUDGET}.tabs.txt").read_text(encoding="utf-8")
    row = "208\t05\t05\t机关事业单位基本养老保险缴费支出\t1839485.00\t1839485.00\t0.00"
    wrapped = "208\t05\t05\t机关事业单位基本养老\t1839485.00\t1839485.00\t0.00\n\t\t\t保险缴费支出\t\t\t"
    lines = text.split("\n")
    assert lines.count(row) == 2  # 支出预算总表 and 一般公共预算支出功能分类预算表
    doc = extract("\n".join(wrapped if line == row else line for line in lines), source_name="wrapped.txt")
    names = {c.subject_name for c in doc.cells if c.subject_code == "2080505"}
    assert names == {"机关事业单位基本养老保险缴费支出"}
    values = lambda d: sorted((c.table_kind, c.subject_code or "", c.printed) for c in d.cells)  # noqa: E731
    assert values(doc) == values(docs[BUDGET])


CONVERTED = [(stem, fmt) for stem in (BUDGET, FINAL) for fmt in ("markdown", "layout")]


@pytest.fixture(scope="module")
def converted():
    return {(stem, fmt): extract((FIXTURES / f"{stem}.{fmt}.txt").read_text(encoding="utf-8"), source_name=stem)
            for stem, fmt in CONVERTED}


@pytest.mark.parametrize("stem, fmt", CONVERTED)
def test_other_converters_texts_give_the_gold_too(docs, converted, stem, fmt):
    """The texts pymupdf4llm (markdown) and pdftotext -layout made of the same PDFs, normalised by
    extract/formats.py, give every valued cell of the gold, every table with the PDF's kind and
    emptiness, the same document id. (pdftotext prints the 决算's rows over several lines: amounts
    centred above their labels, the side-by-side economic tables' 款 and names under their 类;
    pymupdf4llm prints header levels in one cell and 无 beside the blank 合计.)"""
    doc = converted[(stem, fmt)]
    titles = {t.table_id: t.title for t in doc.tables}
    got = Counter(
        (_norm(titles[c.table_id]), c.subject_code or c.econ_code or "", c.printed.replace(" ", ""), format(c.amount.normalize(), "f"))
        for c in doc.cells if c.amount is not None and c.table_kind != "unrecognised"
    )
    # The 三公 table (items printed as columns under a two-level header) comes out with its header
    # garbled; it is read by the catalogue's column order (test below), so no table is unreadable.
    assert not [t.title for t in doc.tables if t.unreadable]
    gold = Counter((_norm(r["table_title"]), r["code"], r["printed"], r["amount_wan"]) for r in _gold(stem))
    assert got == gold
    kinds = lambda d: sorted((_norm(t.title), t.kind, t.is_empty) for t in d.tables if t.title)  # noqa: E731
    assert kinds(doc) == kinds(docs[stem])
    assert doc.meta.document_id == docs[stem].meta.document_id


@pytest.mark.parametrize("stem, fmt", CONVERTED)
def test_other_converters_texts_give_the_pdfs_measures(docs, converted, stem, fmt):
    """Beyond the values: each cell under the same table kind, code, item, measure and row role as
    read from the PDF, but where the converter's header cannot say which column it is (pymupdf4llm
    prints 附属单位上缴收入 and 其他收入 in one header cell over one column; pdftotext stacks
    them in one column too): there the measure keeps the printed words, never a guessed key."""
    def cells(d):
        return Counter((c.table_kind, c.subject_code or c.econ_code or "", c.item_key or "", c.measure, c.row_role, c.amount)
                       for c in d.cells if c.amount is not None)
    pdf, other = cells(docs[stem]), cells(converted[(stem, fmt)])
    if stem == FINAL:  # the 6.20 万元 of 其他收入 in 收入决算表 (five rows)
        assert {k[3] for k in pdf - other} == {"other_income"} and sum((pdf - other).values()) == 5
        assert {k[3] for k in other - pdf} == {"附属单位上缴收入其他收入" if fmt == "markdown" else "缴收入"}
        pdf = Counter({k: n for k, n in pdf.items() if k[3] != "other_income"})
        other = Counter({k: n for k, n in other.items() if k[3] not in ("附属单位上缴收入其他收入", "缴收入")})
    assert pdf == other


@pytest.mark.parametrize("stem, fmt", CONVERTED)
def test_a_garbled_三公_header_is_read_by_the_catalogues_column_order(docs, converted, stem, fmt):
    """Where the converter garbles the two-level header (a column with no header, or two columns read
    as one item) and the template catalogue lists as many columns as the table prints, the cells are
    read by the catalogue's order, and the table says so. (pdftotext prints the 决算 table's header
    levels on five lines, 公务用车运行费 spanning its 预算数 | 决算数: the leaf row's 12 columns are
    kept, as many as the catalogue lists.)"""
    [table] = [t for t in converted[(stem, fmt)].tables if t.kind == "three_public"]
    [printed] = [t for t in docs[stem].tables if t.kind == "three_public"]
    assert not printed.header_by_position
    assert table.header_by_position and not table.unreadable
    three = lambda d: sorted((c.item_key, c.measure, c.amount) for c in d.cells if c.table_kind == "three_public")  # noqa: E731
    assert three(converted[(stem, fmt)]) == three(docs[stem])
    amounts = {(c.item_key, c.measure): c.amount for c in converted[(stem, fmt)].cells
               if c.table_kind == "three_public" and c.amount is not None}
    if stem == BUDGET:  # as printed: 10.81 = 0 + 0.83 + 9.98 (购置 0 + 运行 9.98); 机关运行经费 217.83
        assert amounts == {("total", "amount"): Decimal("10.81"), ("overseas", "amount"): Decimal("0"),
                           ("reception", "amount"): Decimal("0.83"), ("vehicle", "amount"): Decimal("9.98"),
                           ("vehicle_purchase", "amount"): Decimal("0"), ("vehicle_operation", "amount"): Decimal("9.98"),
                           ("admin_operation", "amount"): Decimal("217.83")}
    else:  # 预算数 0.95 in 合计 and 公务接待费, every 决算数 blank
        assert amounts == {("total", "budget"): Decimal("0.95"), ("reception", "budget"): Decimal("0.95")}


@pytest.mark.parametrize("line, kind, item, amount", [
    ("编制部门：上海市普陀区司法局 单位：元", "summary", "收入总计", Decimal("9628.221344")),  # the first table: nothing before it
    ("编制部门：上海市普陀区司法局 单位:万元", "three_public", "合计", Decimal("10.81")),  # after tables in 元
])
def test_a_table_without_its_unit_line_takes_the_catalogues_default_not_the_previous_tables(docs, line, kind, item, amount):
    """The budget's tables are in 元, its 三公 table in 万元 (the template's defaults in the catalogue).
    Without its 单位 line a table is read in its kind's default, and the document says so."""
    text = (FIXTURES / f"{BUDGET}.tabs.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    n = lines.index(line)
    lines[n] = "编制部门：上海市普陀区司法局"
    doc = extract("\n".join(lines), source_name="no-unit.txt")
    [table] = [t for t in doc.tables if t.kind == kind]
    assert table.unit_from_template and table.amount_unit == ("元" if kind == "summary" else "万元")
    assert not any(t.unit_from_template for t in doc.tables if t.kind != kind)
    found = [c.amount for c in doc.cells if c.table_kind == kind and (c.item_label == item or (item == "合计" and c.item_key == "total"))]
    assert found and set(found) == {amount}
    assert [w for w in doc.warnings if "prints no 单位 line" in w] == [
        f"no-unit.txt: line {table.title_line}: table {table.title!r} prints no 单位 line; its amounts are read in "
        f"{table.amount_unit}, the template catalogue's default"]
    kept = lambda d: sorted((c.table_kind, c.source_line, c.column_index, c.amount) for c in d.cells)  # noqa: E731
    assert kept(doc) == kept(docs[BUDGET])


# The 决算's per-subject paragraphs (read by hand in the PDF, pages 21-23): "N、<类名>（类）<款名>（款）<项名>（项）。
# 主要用于：… 年初预算为 X 万元，支出决算为 Y 万元。", no codes printed.
SUBJECT_PARAGRAPHS = {
    "2010601": ("1560.05", "1511.89"), "2010602": ("10.00", "10.00"), "2010607": ("135.90", "135.25"),
    "2010608": ("450.52", "449.52"), "2080501": ("85.55", "84.65"), "2080505": ("161.62", "160.75"),
    "2080506": ("80.81", "80.38"), "2080599": ("0.94", "0.94"), "2101101": ("62.29", "60.99"),
    "2210201": ("187.75", "187.19"), "2210203": ("258.50", "258.50"),
}


@pytest.mark.parametrize("fmt", ["pdf", "markdown", "layout"])
def test_final_accounts_subject_paragraphs_are_subject_claims(docs, converted, fmt):
    """The subject is the code whose 类, 款 and 项 names the document's tables print; the 决算数 restates the
    一般公共预算财政拨款支出决算表 (pr_subject_amount), the 年初预算 is kept as subject_budget. Amounts cut
    by a line break (``1511.89万`` / ``元``) are read too."""
    doc = docs[FINAL] if fmt == "pdf" else converted[(FINAL, fmt)]
    stated = {c.subject_code: c.printed for c in doc.claims if c.kind == "subject_amount"}
    budget = {c.subject_code: c.printed for c in doc.claims if c.kind == "subject_budget"}
    # pdftotext prints two paragraphs' lines out of reading order ("449.52万元。…" above "…支出决算为"):
    # there the amounts follow no 年初预算为 / 支出决算为 and no subject claim is made (never a wrong one)
    expected = {code: v for code, v in SUBJECT_PARAGRAPHS.items() if fmt != "layout" or code not in ("2010608", "2080505")}
    assert stated == {code: final for code, (_, final) in expected.items()}
    assert budget == {code: initial for code, (initial, _) in expected.items()}
    table = {c.subject_code: c.printed for c in doc.cells if c.table_kind == "general_budget_by_subject" and c.measure == "total"}
    assert all(table[code].replace(",", "") == printed for code, printed in stated.items())
    assert len({c.claim_id for c in doc.claims}) == len(doc.claims)


def test_completion_rates_name_the_amounts_they_divide(docs):
    """完成(年初)预算的 Z%: its measure names the sentence's 决算 and 年初预算 claims."""
    doc = docs[FINAL]
    by_id = {c.claim_id: c for c in doc.claims}
    rates = [c for c in doc.claims if c.kind == "completion_rate"]
    def term(claim_id):
        return (by_id[claim_id].printed, by_id[claim_id].label) if claim_id else None

    read = [(c.printed, *map(term, c.measure.split("/"))) for c in rates]
    # 一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%;
    # “三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%，其中：因公出国（境）费决算为
    # 0.00万元，完成预算的0%；公务用车购置及运行维护费支出决算为0.00万元，完成预算的0%；公务接待费支出决算为
    # 0.00万元，完成预算的0%。 (no 年初预算 in the last three clauses: the rule takes the table's 预算数)
    assert read == [
        ("98.20", ("2940.05", "支出决算为"), ("2993.92", "一般公共预算财政拨款支出年初预算为")),
        ("0", ("0.00", "支出决算为"), ("0.95", "“三公”经费财政拨款支出年初预算为")),
        ("0", ("0.00", "因公出国（境）费决算为"), None),
        ("0", ("0.00", "维护费支出决算为"), None),  # (the line reader's label: its line starts there)
        ("0", ("0.00", "公务接待费支出决算为"), None),
    ]
    assert not [c for c in docs[BUDGET].claims if c.kind in ("completion_rate", "subject_budget")]
