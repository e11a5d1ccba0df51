"""Entry points: text (or bytes, or a file) in, an ExtractedDocument out."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from budget_warehouse.extract import classify as cls
from budget_warehouse.extract.claims import extract_claims
from budget_warehouse.extract.coverage import account_tokens
from budget_warehouse.extract.decode import DEFAULT_MAX_BYTES, decode
from budget_warehouse.extract import templates
from budget_warehouse.extract.errors import ExtractionError, NotABudget, TruncatedDocument
from budget_warehouse.extract.final_paragraphs import final_account_claims
from budget_warehouse.extract.formats import normalise
from budget_warehouse.extract.meta import document_id, find_title, find_year, identity
from budget_warehouse.extract.pdf import PdfText, is_pdf, pdf_to_text
from budget_warehouse.extract.performance import link_projects, parse_performance, parse_project_list
from budget_warehouse.extract.records import TABLE_KINDS, UNRECOGNISED, DocumentMeta, ExtractedDocument, SourceLine
from budget_warehouse.extract.roster import parse_roster
from budget_warehouse.extract.segment import segment
from budget_warehouse.extract.tables import ParsedTable, TableParser, unreadable_table
from budget_warehouse.extract.text_checks import read_text

# 2: text records (statements, findings, contents, notes); 3: converter layouts, counts, period months;
# 4: PDF input, template catalogue, identity from the preparer line; 5: converters' rows joined, headers
# by the catalogue's position, default units, 决算 subject paragraphs and completion rates, 决算 unit list;
# 6: a unit list's spare rows (。。。) are no units; 7: an indicator value's column position (value_index)
EXTRACTOR_VERSION = "7"


def extract_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedDocument:
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        from budget_warehouse.extract.errors import TooLarge

        raise TooLarge(f"file is {size} bytes, over the limit of {max_bytes} bytes", source=path.name)
    return extract_bytes(path.read_bytes(), source_name=path.name, max_bytes=max_bytes)


def extract_bytes(data: bytes, *, source_name: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedDocument:
    if len(data) <= max_bytes and is_pdf(data):
        converted = pdf_to_text(data, source=source_name)
        return with_pdf_provenance(extract(converted.text, source_name=source_name, encoding="pdf"), converted)
    text, encoding = decode(data, source=source_name, max_bytes=max_bytes)
    return extract(text, source_name=source_name, encoding=encoding)


def with_pdf_provenance(doc: ExtractedDocument, converted: PdfText) -> ExtractedDocument:
    """Each cell gets its page and box, each line its page, from the PDF the text was made of."""
    def page_of(line: int) -> int | None:
        return converted.line_pages[line - 1] if 0 < line <= len(converted.line_pages) else None

    cells = []
    for cell in doc.cells:
        column = doc.printed_columns.get((cell.table_id, cell.row_index, cell.column_index), cell.column_index)
        box = converted.cell_boxes.get((cell.source_line, column))
        if box is None:
            cells.append(replace(cell, page=page_of(cell.source_line)))
        else:
            cells.append(replace(cell, page=box.page, x0=box.x0, top=box.top, x1=box.x1, bottom=box.bottom))
    doc.cells = cells
    doc.lines = [replace(line, page=page_of(line.source_line)) for line in doc.lines]
    return doc


def extract(text: str, *, source_name: str = "", encoding: str = "utf-8") -> ExtractedDocument:
    seg = segment(normalise(text))  # other converters' tables as tab rows, line for line
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title, _ = find_title(seg.lines)
    kinds = [cls.classify(block.title, block.rows) for block in seg.blocks]
    family = templates.family_of([k for k in kinds if k in TABLE_KINDS])
    family_phase = next((t.phase for t in templates.catalogue() if t.family == family and t.phase), None)
    region, department, phase, scope = identity(title, seg.lines, family_phase)
    year = find_year(seg.lines, title)
    meta = DocumentMeta(
        document_id=document_id(region, department, year, phase, content_hash, scope),
        content_hash=content_hash,
        source_name=source_name,
        region=region,
        department=department,
        year=year,
        phase=phase,
        title=title,
        encoding=encoding,
        line_count=len(seg.lines),
        scope=scope,
        template=family,
    )
    doc = ExtractedDocument(meta=meta, lines=[SourceLine(n, line) for n, line in enumerate(seg.lines, 1) if line.strip()])
    if not (department and year):
        doc.warnings.append(
            f"{source_name}: title not recognised (found {title!r}); the document id falls back to the content hash"
        )

    if not any(k in TABLE_KINDS for k in kinds):
        raise NotABudget(
            "no standard budget table found (expected tables titled such as 收支预算总表, 支出预算总表, "
            "一般公共预算拨款支出预算表); this does not look like a department budget document",
            source=source_name,
        )
    _check_not_truncated(seg, kinds, source_name)

    explained: list[tuple[int, str | None, str]] = []  # (line, token or None for whole line, reason)
    code_tokens: list[tuple[int, str]] = []
    roster_blocks = []
    perf_blocks = []
    n_table = 0
    printed_columns: dict[tuple[str, int, int], int] = {}
    for block, kind in zip(seg.blocks, kinds):
        explained += [(line, None, "page number inside a table") for line in block.page_numbers]
        if kind == cls.CONTENTS:
            explained += [(r.line, None, "table of contents") for r in block.rows]
            continue
        if kind == cls.ROSTER:
            roster_blocks.append(block)
            continue
        if kind == cls.PERFORMANCE:
            perf_blocks.append(block)
            continue
        n_table += 1
        table_kind = kind if kind in TABLE_KINDS else UNRECOGNISED
        template = templates.table_of(table_kind, family)
        unit = block.unit or templates.default_unit(table_kind, family)
        if not block.unit:
            doc.warnings.append(
                f"{source_name}: line {block.first_line}: table {block.title or table_kind!r} prints no 单位 line; "
                f"its amounts are read in {unit}, the template catalogue's default"
            )
        try:
            parsed = TableParser(block, table_kind, f"t{n_table:02d}", unit, source_name, template).parse()
        except ExtractionError as exc:
            if type(exc) is not ExtractionError:
                raise
            # One table that cannot be read: reported with its reason and lines, the rest still loads.
            parsed = ParsedTable(table=unreadable_table(block, table_kind, f"t{n_table:02d}", unit, exc))
            explained += [(r.line, None, "inside an unreadable table (reported)") for r in block.rows]
            doc.warnings.append(f"{source_name}: {parsed.table.unreadable}")
        doc.tables.append(replace(parsed.table, unit_from_template=True) if not block.unit else parsed.table)
        doc.cells.extend(parsed.cells)
        printed_columns.update({(parsed.table.table_id, r, c): p for (r, c), p in parsed.printed_columns.items()})
        code_tokens += parsed.code_tokens
        explained += [(line, None, "column numbers of a table header") for line in parsed.column_number_lines]
        explained += [(line, None, "second rendering of a table (loaded once)") for line in parsed.duplicate_lines]
        explained += [(line, None, "labels of a table row cut by a page break (loaded with its amounts)")
                      for line in parsed.cut_row_lines]
        if table_kind == UNRECOGNISED:
            doc.warnings.append(
                f"{source_name}: line {block.first_line}: table {block.title or '(untitled)'!r} not recognised; "
                "kept as an unrecognised table"
            )
    for block in roster_blocks:
        units, dropped, numbering = parse_roster(block.rows, doc.cells)
        doc.roster.extend(units)
        explained += [(line, None, "list numbering (序号 of the unit list)") for line, _ in numbering]
        explained += [(line, None, "second rendering of a table (loaded once)") for line in dropped]
    for n, block in enumerate(perf_blocks, start=1):
        perf, indicators, perf_explained = parse_performance(block, f"p{n:02d}", seg)
        doc.perf_tables.append(perf)
        doc.indicators.extend(indicators)
        explained += perf_explained
    doc.projects = link_projects(parse_project_list(seg), doc.perf_tables)
    doc.claims = extract_claims(seg, exclude_lines={p.source_line for p in doc.projects})
    if phase == "决算":
        doc.claims = final_account_claims(seg, doc.cells, doc.claims)
    doc.tokens = account_tokens(seg, doc, code_tokens, explained)
    read_text(seg, kinds, doc)
    doc.printed_columns = printed_columns
    return doc


def _check_not_truncated(seg, kinds, source_name: str) -> None:
    """A budget document never ends inside one of its standard tables."""
    last_text_line = next((i + 1 for i in range(len(seg.lines) - 1, -1, -1) if seg.lines[i].strip()), 0)
    for block, kind in zip(seg.blocks, kinds):
        if kind in TABLE_KINDS and block.last_line >= last_text_line:
            raise TruncatedDocument(
                f"the document ends inside table {block.title or kind!r} (started line {block.first_line}); "
                "expected the rest of the table and the 预算情况说明 after it",
                source=source_name,
                line=block.last_line,
                table=kind,
            )
