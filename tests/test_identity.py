"""Document identity: region, department or unit, year, phase and scope; one id never silently replaced."""

from __future__ import annotations

from pathlib import Path

from budget_warehouse.extract.meta import document_id, find_title, identity
from budget_warehouse.pipeline import IngestReport, Layout, stage


def _meta(text: str):
    lines = text.split("\n")
    title, _ = find_title(lines)
    return title, identity(title, lines, None)


def test_the_department_comes_from_the_preparer_line_not_the_cover():
    cover = "上海市普陀区2026年区级部门预算\n预算主管部门：上海市普陀区{}\n\n目  录\n"
    _, (region, justice, phase, scope) = _meta(cover.format("司法局"))
    _, (_, finance, _, _) = _meta(cover.format("财政局"))
    assert (region, justice, phase, scope) == ("上海市普陀区", "司法局", "预算", "部门")
    assert finance == "财政局"
    assert document_id(region, justice, 2026, phase, "x") != document_id(region, finance, 2026, phase, "y")


def test_a_cover_naming_only_the_level_gives_no_department():
    _, (region, department, _, _) = _meta("上海市普陀区2026年区级部门预算\n\n目录\n")
    assert region == "上海市普陀区" and department is None  # the id then falls back to the content hash


def test_a_final_accounts_title_wrapped_over_three_lines_is_still_决算():
    title, (region, department, phase, _) = _meta("上海市普陀区\n财政局\n2024年度部门决算\n\n目录\n")
    assert title == "上海市普陀区财政局2024年度部门决算"
    assert (region, department, phase) == ("上海市普陀区", "财政局", "决算")


def test_a_units_own_document_has_scope_单位_and_its_own_id():
    _, (region, unit, phase, scope) = _meta("上海市普陀区2026年区级单位预算\n编制单位：上海市普陀区法律援助中心 单位：元\n")
    assert (unit, scope) == ("法律援助中心", "单位")
    assert document_id(region, unit, 2026, phase, "x", scope) != document_id(region, unit, 2026, phase, "x", "部门")


def test_the_shared_pdfs_identity(tmp_path):
    from budget_warehouse.extract.document import extract_file

    real = Path(__file__).parent / "fixtures" / "real"
    budget = extract_file(real / "shanghai-putuo-justice-2026-department-budget.pdf").meta
    final = extract_file(real / "shanghai-putuo-finance-2024-department-final-accounts.pdf").meta
    assert (budget.region, budget.department, budget.year, budget.phase, budget.scope) == ("上海市普陀区", "司法局", 2026, "预算", "部门")
    assert (final.region, final.department, final.year, final.phase, final.scope) == ("上海市普陀区", "财政局", 2024, "决算", "部门")
    assert (budget.template, final.template) == ("national_budget_9", "national_final_9")


def test_a_second_file_with_the_same_identity_is_refused_naming_both(tmp_path, sample_text):
    """Decision: a corrected version replaces a document only under the same file name; another file that
    resolves to the same id with other content is refused (quarantined), never a silent replacement."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(sample_text, encoding="utf-8")
    (raw / "b.txt").write_text(sample_text.replace("8599.56", "8599.57", 1), encoding="utf-8")
    layout = Layout((tmp_path / "wh" / "budget.duckdb").resolve())
    report = IngestReport(warehouse=layout.warehouse)
    stage([raw / "a.txt", raw / "b.txt"], layout, report=report)
    assert [d.path.name for d in report.loaded] == ["a.txt"]
    [refused] = report.quarantined
    assert refused.reason == "duplicate_identity" and "b.txt" in refused.message and "a.txt" in refused.message
    staged = report.loaded[0].document_id
    import pyarrow.parquet as pq

    from budget_warehouse.staging import read_manifest

    batch, _ = read_manifest(layout.staging)[staged]
    documents = pq.read_table(layout.staging / "documents" / f"{batch}.parquet").to_pylist()
    assert [d["source_name"] for d in documents if d["document_id"] == staged] == ["a.txt"]

    # a later run: b.txt alone is still refused; a.txt with new content replaces itself
    again = IngestReport(warehouse=layout.warehouse)
    stage([raw / "b.txt"], layout, report=again)
    assert [q.reason for q in again.quarantined] == ["duplicate_identity"]
    (raw / "a.txt").write_text(sample_text.replace("8599.56", "8599.58", 1), encoding="utf-8")
    corrected = IngestReport(warehouse=layout.warehouse)
    stage([raw / "a.txt"], layout, report=corrected)
    assert [d.status for d in corrected.loaded] == ["changed"] and not corrected.quarantined
