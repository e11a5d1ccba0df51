"""The reviewer's text records of one document: statements, wording findings, 目录 entries, table notes."""

from __future__ import annotations

from budget_warehouse.extract.contents import read_contents, read_table_notes
from budget_warehouse.extract.paragraphs import paragraphs
from budget_warehouse.extract.records import ExtractedDocument
from budget_warehouse.extract.segment import Segmented
from budget_warehouse.extract.statements import extract_statements
from budget_warehouse.extract.wording import read_wording


def read_text(seg: Segmented, kinds: list[str | None], doc: ExtractedDocument) -> None:
    """Fill the document's statements, text_findings, contents and table_notes (after its tables)."""
    paras = paragraphs(seg)
    doc.statements = extract_statements(paras)
    doc.text_findings = read_wording(seg, paras)
    doc.contents = read_contents(seg, kinds)
    doc.table_notes = read_table_notes(seg, doc)
