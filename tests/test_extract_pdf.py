"""PDF in: the two shared real PDFs read directly, with page and box provenance; file kinds told apart by bytes.

Expected values were read by hand from the PDFs (copies in tests/fixtures/real, see its README.md).
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from budget_warehouse.extract.document import extract_bytes, extract_file
from budget_warehouse.extract.errors import BinaryDocument, NoTextLayer, OfficeDocument
from budget_warehouse.extract.pdf import pdf_to_text

REAL = Path(__file__).parent / "fixtures" / "real"
BUDGET = REAL / "shanghai-putuo-justice-2026-department-budget.pdf"
FINAL = REAL / "shanghai-putuo-finance-2024-department-final-accounts.pdf"


@pytest.fixture(scope="module")
def budget_text():
    return pdf_to_text(BUDGET.read_bytes(), source=BUDGET.name)


@pytest.fixture(scope="module")
def final_text():
    return pdf_to_text(FINAL.read_bytes(), source=FINAL.name)


@pytest.fixture(scope="module")
def budget_doc():
    return extract_file(BUDGET)


@pytest.fixture(scope="module")
def final_doc():
    return extract_file(FINAL)


def _lines(converted) -> list[str]:
    return converted.text.split("\n")


def test_tables_become_tab_rows_from_their_rulings(budget_text):
    lines = _lines(budget_text)
    assert "收入总计\t96,282,213.44\t支出总计\t96,282,213.44" in lines
    # codes over 类|款|项 columns, name and three amounts, as printed on page 12
    assert "204\t06\t01\t行政运行\t16726725.44\t16726725.44\t0.00" in lines
    assert "221\t02\t01\t住房公积金\t2087959.00\t2087959.00\t0.00" in lines
    # the preparer and the unit, printed on one line above the table, stay one line
    assert lines.count("编制部门：上海市普陀区司法局 单位：元") == 8


def test_a_table_continued_on_the_next_page_is_joined_without_its_header(budget_text):
    lines = _lines(budget_text)
    start = lines.index("2026年部门支出预算总表")
    end = lines.index("2026年部门财政拨款收支预算总表")
    rows = [line for line in lines[start:end] if line.count("\t") >= 6]
    headers = [r for r in rows if r.startswith("类\t款\t项")]
    data = [r for r in rows if r[:3].isdigit()]
    assert len(headers) == 1  # printed again on page 13, dropped
    assert len(data) == 21 and rows[-1].startswith("合计\t")
    assert sum(1 for r in data if r.split("\t")[2]) == 13  # 13 项-level rows, as counted by hand
    pages = {budget_text.line_pages[lines.index(r, start)] for r in data}
    assert pages == {12, 13}


def test_side_by_side_columns_stay_apart(final_text):
    lines = _lines(final_text)
    assert "301\t01\t基本工资\t262.33\t302\t01\t办公费\t21.21" in lines
    assert not any("3010130201" in line or "30101" in line for line in lines)  # no codes glued together


def test_every_prose_amount_is_kept(final_text, budget_text):
    final = final_text.text
    assert "年初预算为1560.05 万元，支出决算为1511.89万" in final
    budget = budget_text.text
    assert "公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元" in budget
    assert "2026年“三公”经费预算数为10.81万元" in budget


def test_cells_carry_page_and_box(budget_doc):
    cell = next(
        c for c in budget_doc.cells
        if c.table_kind == "expenditure_by_subject" and c.subject_name == "行政运行" and c.column_label.endswith("合计")
    )
    assert cell.page == 12
    assert 0 < cell.x0 < cell.x1 < 842 and 0 < cell.top < cell.bottom < 842
    line = next(ln for ln in budget_doc.lines if ln.source_line == cell.source_line)
    assert line.page == 12 and "16726725.44" in line.text


def test_a_unit_on_the_preparer_line_is_applied(budget_doc):
    """Tables in 元 with "编制部门：… 单位：元" are stored exactly in 万元; the 三公 table says 万元 itself."""
    units = {t.kind: t.amount_unit for t in budget_doc.tables}
    assert units["summary"] == "元" and units["three_public"] == "万元"
    total = next(c for c in budget_doc.cells if c.table_kind == "summary" and c.item_label == "收入总计")
    assert total.amount == Decimal("9628.221344")
    three = next(c for c in budget_doc.cells if c.table_kind == "three_public" and c.column_label.endswith("/合计"))
    assert three.amount == Decimal("10.81")


def test_empty_tables_with_a_note_are_present_and_empty(final_doc, budget_doc):
    for doc in (final_doc, budget_doc):
        empty = [t for t in doc.tables if "政府性基金" in t.title and "一般" not in t.title]
        assert empty and all(t.is_empty for t in empty)


def test_a_pdf_without_text_is_refused_as_no_text_layer():
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 200, 200))  # a scan has pictures and lines, no text
    with pytest.raises(NoTextLayer) as err:
        extract_bytes(doc.tobytes(), source_name="scan.pdf")
    assert err.value.reason == "no_text_layer" and "scan.pdf" in str(err.value)


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, error, words",
    [
        (_zip(["[Content_Types].xml", "word/document.xml"]), OfficeDocument, "Word document (.docx)"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), OfficeDocument, "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), OfficeDocument, "legacy Office document"),
        (_zip(["a.txt"]), BinaryDocument, "ZIP archive"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), BinaryDocument, "PNG image"),
        (b"%PDF-1.7\n garbage that is not a PDF", Exception, "cannot be opened"),
    ],
)
def test_file_kinds_are_told_apart_by_their_bytes(data, error, words):
    with pytest.raises(error) as err:
        extract_bytes(data, source_name="upload")
    assert words in str(err.value)
