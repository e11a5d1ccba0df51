"""The reviewer's text checks (issue 12): rules tx_* (models/checks/chk_text_*.sql).

Extraction is tested on the sample and on the shared 决算 PDF's PyMuPDF text
(tests/fixtures/real/, read by hand), the rules in ONE dbt build over:
- the sample (a real 2019 预算): nothing false;
- the shared 2026 预算 PDF's text: only its real mistakes (each read by hand);
- the 决算 PDF's text at the library level (its tables are not read from this
  text form: the document is assembled from the extractor's prose functions), which
  must raise its one real break, 财政拨款收入支出总计0.3万元, and nothing else; and the
  same text with one true direction sentence turned false (小于 → 大于);
- generated documents: clean ones raise nothing, and each kind of text fault of
  budget_warehouse.corpus.text_faults is found where it was planted.
"""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from tests.faults import rename_department, replace_text

from budget_warehouse.corpus import Layout, generate, render
from budget_warehouse.corpus.text_faults import TEXT_FAULT_KINDS, inject_text
from budget_warehouse.extract import classify as cls
from budget_warehouse.extract.claims import extract_claims
from budget_warehouse.extract.document import extract
from budget_warehouse.extract.meta import document_id
from budget_warehouse.extract.paragraphs import paragraphs
from budget_warehouse.extract.records import DocumentMeta, ExtractedDocument, SourceLine
from budget_warehouse.extract.segment import segment
from budget_warehouse.extract.statements import extract_statements
from budget_warehouse.extract.text_checks import read_text
from budget_warehouse.extract.wording import read_wording
from budget_warehouse.staging import write_document, write_empty_templates

ROOT = Path(__file__).resolve().parents[1]
FINAL = ROOT / "tests" / "fixtures" / "real" / "shanghai-putuo-finance-2024-department-final-accounts.pymupdf.txt"
BUDGET = ROOT / "tests" / "fixtures" / "real" / "shanghai-putuo-justice-2026-department-budget.pymupdf.txt"
BUDGET_LAYOUT = BUDGET.with_name("shanghai-putuo-justice-2026-department-budget.layout.txt")
CATALOGUE = ROOT / "dbt_project" / "seeds" / "rule_catalogue.csv"
RULES_LAYER = (
    "+dq_rule_instance,resource_type:model +dq_rule_instance,resource_type:seed "
    "dq_rule_instance,resource_type:test rule_catalogue,resource_type:test"
)
D = Decimal

# The 决算 PDF's prose (PyMuPDF text), read by hand: line of the sentence → (决算, 预算, words).
FINAL_COMPARISONS = {
    958: ("2940.05", "2993.92", "lt"), 962: ("1511.89", "1560.05", "lt"), 965: ("10.00", "10.00", "flat"),
    968: ("135.25", "135.90", "lt"), 971: ("449.52", "450.52", "lt"), 975: ("84.65", "85.55", "lt"),
    978: ("160.75", "161.62", "lt"), 982: ("80.38", "80.81", "lt"), 986: ("0.94", "0.94", "flat"),
    989: ("60.99", "62.29", "lt"), 992: ("187.19", "187.75", "lt"), 995: ("258.50", "258.50", "flat"),
    1006: ("0.00", "0.95", "lt"),
}
# line → (amount, change, direction, %)
FINAL_CHANGES = {
    933: ("2995.39", "56.95", "decrease", "1.87"),
    949: ("2940.05", "63.14", "decrease", "2.10"),
    1031: ("184.65", "2.55", "increase", "1.40"),
}
GENERATED_CLEAN_SEEDS = range(200, 206)


def prose_document(text: str, name: str, department: str = "财政局", year: int = 2024, phase: str = "决算") -> ExtractedDocument:
    """A PDF's PyMuPDF text as the extractor's prose functions read it (no table is recognised in this form).

    The covers print the title over two lines («上海市普陀区财政局» / «2024年度部门决算»), so
    the metadata is given here, as read from the cover.
    """
    seg = segment(text)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = DocumentMeta(
        document_id=document_id("上海市普陀区", department, year, phase, content_hash),
        content_hash=content_hash, source_name=name, region="上海市普陀区", department=department, year=year,
        phase=phase, title=f"上海市普陀区{department}{year}年度部门{phase}", encoding="utf-8", line_count=len(seg.lines),
    )
    doc = ExtractedDocument(meta=meta, lines=[SourceLine(n, line) for n, line in enumerate(seg.lines, 1) if line.strip()])
    doc.claims = extract_claims(seg, exclude_lines=set())
    read_text(seg, [cls.classify(b.title, b.rows) for b in seg.blocks], doc)
    return doc


@pytest.fixture(scope="module")
def final_text() -> str:
    return FINAL.read_text(encoding="utf-8")


# ------------------------------------------------------------------ extraction
def test_final_accounts_statements(final_text):
    statements = extract_statements(paragraphs(segment(final_text)))
    compare = {s.source_line: s for s in statements if s.kind == "compare"}
    assert {n: (s.left_printed, s.right_printed, s.direction) for n, s in compare.items()} == FINAL_COMPARISONS
    assert compare[962].direction_words == "决算数小于预算数"
    assert compare[958].pct == D("98.20") and compare[1006].pct == D("0")
    changes = {s.source_line: s for s in statements if s.kind == "change"}
    assert {n: (s.left_printed, s.change_printed, s.direction, s.pct_printed) for n, s in changes.items()} == FINAL_CHANGES
    assert all(s.pct_direction == s.direction for s in changes.values())
    totals = {(s.source_line, s.right_label): s.left_amount for s in statements if s.kind == "total"}
    assert totals == {(933, ""): D("2995.39"), (943, "财政拨款"): D("0.3")}


def test_final_accounts_contents_notes_and_years(final_text):
    doc = prose_document(final_text, FINAL.name)
    assert [(c.seq, c.match) for c in doc.contents] == [(n, "same") for n in range(1, 10)]
    assert [c.body_line for c in doc.contents] == sorted(c.body_line for c in doc.contents)
    assert doc.contents[3].title == "四、财政拨款收入支出决算总表" and doc.contents[3].body_line == 422
    assert [(n.source_line, n.title_line) for n in doc.table_notes] == [(909, 890), (929, 910)]
    assert not [f for f in doc.text_findings if f.kind != "year"]
    years = {(f.source_line, f.year, f.year_context) for f in doc.text_findings if f.kind == "year"}
    assert (943, 2023, "comparison") in years and (7, 2024, "heading") in years
    assert {y for _, y, _ in years} == {2023, 2024}  # 截至2024年12月31日 too: line 1042
    assert (1042, 2024, "as_of") in years


def test_sample_statements(sample_text):
    statements = extract_statements(paragraphs(segment(sample_text)))
    assert [(s.source_line, s.kind, s.left_printed, s.direction, s.change_printed) for s in statements] == [
        (393, "change", "8599.56", "increase", "528.35"),  # 收入预算
        (393, "change", "8599.56", "increase", "528.35"),  # 支出预算
        (397, "change", "8121.56", "increase", "489.35"),
        (887, "change", "53.38", "decrease", "23.63"),  # 机关运行经费, 比 2018 年
    ]


@pytest.mark.parametrize(
    ("text", "kind", "excerpt", "hides_amount"),
    [
        ("2024年度收入支出总计XXX 万元。", "placeholder", "XXX 万元", True),
        ("本单位由XX局主管。", "placeholder", "XX", False),
        ("收入支出总计增加（减少）12.00万元。", "template_text", "增加（减少）", False),
        ("主要用于基本工资……其他支出。", "template_text", "……", False),
        ("增长12%，主要原因是。", "empty_reason", "主要原因是。", False),
        ("比上年增加3.5万元，增长13.95。", "missing_percent", "增长13.95", False),
        ("主要用于办公费。。", "doubled_punct", "主要用于办公费。。", False),
        ("年初预算为 万元，支出决算为12.00万元。", "blank_amount", "为 万元", True),
    ],
)
def test_wording_findings(text, kind, excerpt, hides_amount):
    seg = segment(f"说明：\n\n{text}\n")
    found = [f for f in read_wording(seg, paragraphs(seg)) if f.kind == kind]
    assert [(f.excerpt, f.hides_amount, f.source_line) for f in found] == [(excerpt, hides_amount, 3)]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("根据《通知》（普发改投【2017】89号）执行。", []),  # a document number
        ("实施期2021-2025年度。", []),  # a range
        ("项目起止时间2020年1月1日至2022年12月31日。", []),  # a range of dates
        ("截至2023年12月31日，共有车辆0辆。", [(2023, "as_of")]),
        ("与2023年度相比，支出减少。", [(2023, "comparison")]),
        ("2024年度收入合计。", [(2024, "year_of")]),
    ],
)
def test_years_mentioned(text, years):
    seg = segment(f"说明：\n\n{text}\n")
    assert [(f.year, f.year_context) for f in read_wording(seg, paragraphs(seg)) if f.kind == "year"] == years


# ------------------------------------------------------------------ the rules
def _generated_faults() -> dict[str, tuple[str, list[dict]]]:
    """One document per text fault kind (the first seed where it applies)."""
    out = {}
    for k, kind in enumerate(TEXT_FAULT_KINDS):
        for seed in range(300 + 10 * k, 310 + 10 * k):
            try:
                result = inject_text(generate(seed), random.Random(seed), kind)
            except ValueError:
                continue
            out[kind] = (result.text, result.findings)
            break
        else:
            raise AssertionError(f"text fault {kind!r} applies to none of 10 generated documents")
    return out


class TextWarehouse:
    def __init__(self, db_path: Path, docs: dict[str, ExtractedDocument], faults: dict):
        self.db_path, self.faults = db_path, faults
        self.ids = {name: d.meta.document_id for name, d in docs.items()}

    def rows(self, sql: str, *params) -> list[dict]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            cursor = con.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def text_instances(self, name: str, where: str = "true") -> list[dict]:
        return self.rows(
            f"select * from dq_rule_instance where family = 'text' and document_id = ? and ({where}) order by instance_key",
            self.ids[name],
        )


@pytest.fixture(scope="module")
def text_wh(tmp_path_factory, sample_text, final_text) -> TextWarehouse:
    from budget_warehouse.dbt_runner import build_warehouse

    tmp = tmp_path_factory.mktemp("text_checks")
    docs = {
        "sample": extract(sample_text, source_name="sample.txt"),
        "final": prose_document(final_text, FINAL.name),
        # line 962-963: «…支出决算为1511.89万元。决算数小于预算数…» turned false
        "final_greater": prose_document(
            replace_text(final_text, 963, "决算数小于预算数", "决算数大于预算数"), "greater.txt", "财政局乙"
        ),
        # sample line 298, table 5: 2101102 事业单位医疗 printed as 2107102 (tables 3 print 2101102)
        "sample_code_typo": extract(
            rename_department(replace_text(sample_text, 298, "2101102", "2107102"), "工信甲"), source_name="typo.txt"
        ),
        # sample line 377, table 9: 公务接待费 1.20 left blank; the prose (line 457) states 1.2 万元
        "sample_three_public_blank": extract(
            rename_department(replace_text(sample_text, 377, "1.20", ""), "工信乙"), source_name="blank.txt"
        ),
    }
    # named apart from budget_layout below, which the extractor identifies as the same department's document
    docs["budget"] = prose_document(BUDGET.read_text(encoding="utf-8"), BUDGET.name, "司法局甲", 2026, "预算")
    # the full document path on the same PDF converted by pdftotext -layout (formats.py, tables read)
    docs["budget_layout"] = extract(BUDGET_LAYOUT.read_text(encoding="utf-8"), source_name=BUDGET_LAYOUT.name)
    for seed in GENERATED_CLEAN_SEEDS:
        truth = generate(seed)
        docs[f"clean{seed}"] = extract(render(truth, Layout.random(random.Random(seed))), source_name=f"clean{seed}.txt")
    faults = _generated_faults()
    for kind, (text, _) in faults.items():
        docs[kind] = extract(text, source_name=f"{kind}.txt")
    assert len({d.meta.document_id for d in docs.values()}) == len(docs)
    staging = tmp / "staging"
    write_empty_templates(staging)
    for doc in docs.values():
        write_document(doc, staging)
    result = build_warehouse(staging, tmp / "warehouse.duckdb", select=RULES_LAYER)
    assert result.passed, result.failed_tests
    return TextWarehouse(tmp / "warehouse.duckdb", docs, faults)


def test_sample_raises_nothing_false(text_wh):
    rows = text_wh.text_instances("sample")
    assert not [r for r in rows if r["status"] == "fail"]
    by_rule = {}
    for r in rows:
        by_rule[r["rule_id"]] = by_rule.get(r["rule_id"], 0) + 1
    # 10 目录 entries, 2 empty tables printed as 无, 4 stated changes, 3 headings and 5 prose years
    assert by_rule == {"tx_contents_vs_body": 10, "tx_empty_table_note": 2, "tx_change_base": 4,
                       "tx_heading_year": 3, "tx_prose_year": 5}


def test_final_accounts_raise_their_real_break_and_nothing_else(text_wh):
    fails = text_wh.text_instances("final", "status = 'fail'")
    assert [(r["rule_id"], r["left_value"], r["right_value"], sorted(r["source_lines"])) for r in fails] == [
        ("tx_total_vs_parts", D("0.3"), D("2940.05"), [943, 949]),
    ]
    # the largest 财政拨款 part the prose states: 一般公共预算财政拨款支出2940.05万元 (line 949)
    assert "一般公共预算财政拨款支出" in fails[0]["right_label"]
    rows = text_wh.text_instances("final")
    counts = {}
    for r in rows:
        counts[r["rule_id"]] = counts.get(r["rule_id"], 0) + 1
    assert counts["tx_direction_word"] == 13 + 3  # 13 决算/预算 sentences, 3 changes with their %
    assert counts["tx_stated_pct"] == 2 + 3  # 完成预算的 98.20% and 0%, the 3 changes' %
    assert counts["tx_contents_vs_body"] == 9 and counts["tx_table_note_fits"] == 2


def test_the_2026_budget_raises_its_real_breaks(text_wh):
    """The shared 2026 预算 PDF's text: every failure read by hand in the PDF is a real mistake."""
    fails = text_wh.text_instances("budget", "status = 'fail'")
    assert sorted((r["rule_id"], min(r["source_lines"])) for r in fails) == [
        # 2025年当年预算执行数为43269.3万元，2026年预算安排3845.49万元，比2025年…增加17.62%:
        # 3845.49 is less than 43269.3 (17.62% fits 3269.3: a typo of the prior amount)
        ("tx_direction_word", 84),
        # «…运行维护等方面的支出。。»
        ("tx_doubled_punct", 82),
        # «比2026年预算增加793.14万元» (×3) and «与2026年预算持平» (×2) in the 2026 budget: the
        # comparison is with 2025
        ("tx_prose_year", 66), ("tx_prose_year", 68), ("tx_prose_year", 69), ("tx_prose_year", 69),
        ("tx_prose_year", 70),
        # «医疗卫生与计划生育支出（210类）», 卫生健康支出 since 2019
        ("tx_renamed_class_name", 96),
        ("tx_stated_pct", 84),  # the same sentence: |3845.49 − 43269.3| ÷ 43269.3 = 91.11%, not 17.62%
        ("tx_stated_pct", 92),  # 77.99 → 91.97 is +17.93%, printed 17.66% (line 89's figure)
        ("tx_stated_pct", 99),  # 198.34 → 201.50 is +1.59%, printed 5.27%
    ]
    passing = text_wh.text_instances("budget", "rule_id = 'tx_stated_pct' and status <> 'fail'")
    assert len(passing) == 10  # the other stated changes of the subject paragraphs hold
    # through the whole extractor (pdftotext -layout text, its tables read): the same mistakes
    layout = text_wh.text_instances("budget_layout", "status = 'fail'")
    assert sorted(r["rule_id"] for r in layout) == sorted(r["rule_id"] for r in fails)


def test_a_false_direction_word_is_a_break(text_wh):
    fails = text_wh.text_instances("final_greater", "status = 'fail' and rule_id <> 'tx_total_vs_parts'")
    assert [(r["rule_id"], r["left_value"], r["right_value"]) for r in fails] == [
        ("tx_direction_word", D("1511.89"), D("1560.05")),
    ]
    assert "决算数大于预算数" in fails[0]["left_label"] and 962 in fails[0]["source_lines"]


def test_a_code_typo_is_found(text_wh):
    fails = text_wh.text_instances("sample_code_typo", "status = 'fail'")
    assert [(r["rule_id"], r["table_id"], r["code"]) for r in fails] == [("tx_code_typo", "t05", "2107102")]
    assert "«2101102» (t03)" in fails[0]["right_label"] and 298 in fails[0]["source_lines"]


def test_three_public_prose_against_a_blank_cell(text_wh):
    # the 三公 table against the prose is the prose family's pr_three_public; a blank cell
    # where the prose states an amount compares with 0 and fails
    rows = text_wh.rows(
        "select left_value, right_value from dq_rule_instance where document_id = ? and rule_id = 'pr_three_public'"
        " and status = 'fail'", text_wh.ids["sample_three_public_blank"])
    assert [(r["left_value"], r["right_value"]) for r in rows] == [(D("1.2"), D("0"))]
    assert not text_wh.text_instances("sample_three_public_blank", "status = 'fail'")


def test_clean_generated_documents_raise_nothing(text_wh):
    for seed in GENERATED_CLEAN_SEEDS:
        name = f"clean{seed}"
        assert text_wh.text_instances(name), name
        assert not text_wh.text_instances(name, "status = 'fail'"), name


@pytest.mark.parametrize("kind", TEXT_FAULT_KINDS)
def test_each_generated_text_fault_is_found(text_wh, kind):
    _, findings = text_wh.faults[kind]
    fails = text_wh.text_instances(kind, "status = 'fail'")
    for finding in findings:
        hits = [r for r in fails if r["rule_id"] == finding["rule"]
                and (finding["line"] is None or finding["line"] in r["source_lines"])]
        assert hits, (kind, finding, fails)
    assert {r["rule_id"] for r in fails} == {f["rule"] for f in findings}, fails
    if kind == "prose_total" and any(f["rule"] == "tx_total_vs_tables" for f in findings):
        table = next(r for r in fails if r["rule_id"] == "tx_total_vs_tables")
        assert table["table_kind"] == "fiscal_summary" and table["right_value"] > 1


def test_every_text_rule_is_instantiated(text_wh):
    import csv

    with CATALOGUE.open(encoding="utf-8") as f:
        text_rules = {r["rule_id"] for r in csv.DictReader(f) if r["family"] == "text"}
    seen = {r["rule_id"] for r in text_wh.rows("select distinct rule_id from dq_rule_instance where family = 'text'")}
    assert text_rules <= seen, text_rules - seen
