"""Columnar staging files: one folder per document, one Parquet file per record type.

This is the boundary between the extractor (plain Python) and dbt. Each folder
is written to a temporary name and renamed into place, so a reader (dbt) sees a
document's staging either whole or not at all, and a changed document replaces
its previous version in one step.
"""

from __future__ import annotations

import dataclasses
import shutil
import types
import typing
import uuid
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from budget_warehouse.extract.records import (
    Cell,
    Claim,
    ContentsEntry,
    DocumentMeta,
    ExtractedDocument,
    Indicator,
    NumberToken,
    PerfFunding,
    PerfTable,
    Project,
    RosterUnit,
    SourceLine,
    Statement,
    Table,
    TableNote,
    TextFinding,
)

AMOUNT_TYPE = pa.decimal128(20, 6)

# file stem -> (record class, how to get the records from an ExtractedDocument)
RECORD_FILES: dict[str, tuple[type, typing.Callable[[ExtractedDocument], list]]] = {
    "documents": (DocumentMeta, lambda d: [d.meta]),
    "tables": (Table, lambda d: d.tables),
    "cells": (Cell, lambda d: d.cells),
    "roster": (RosterUnit, lambda d: d.roster),
    "projects": (Project, lambda d: d.projects),
    "perf_tables": (PerfTable, lambda d: d.perf_tables),
    "perf_funding": (PerfFunding, lambda d: [f for p in d.perf_tables for f in p.funding]),
    "indicators": (Indicator, lambda d: d.indicators),
    "claims": (Claim, lambda d: d.claims),
    "tokens": (NumberToken, lambda d: d.tokens),
    "lines": (SourceLine, lambda d: d.lines),
    "statements": (Statement, lambda d: d.statements),
    "text_findings": (TextFinding, lambda d: d.text_findings),
    "contents": (ContentsEntry, lambda d: d.contents),
    "table_notes": (TableNote, lambda d: d.table_notes),
}

_SCALARS = {str: pa.string(), int: pa.int64(), bool: pa.bool_(), Decimal: AMOUNT_TYPE, float: pa.float64()}


def _arrow_type(hint) -> pa.DataType | None:
    """Arrow type of a dataclass field hint; None for fields not staged (nested records)."""
    if hint in _SCALARS:
        return _SCALARS[hint]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _arrow_type(args[0])
    if origin is tuple and args and all(a is str for a in args if a is not Ellipsis):
        return pa.list_(pa.string())
    if origin is tuple and args and all(a is int for a in args):
        return pa.list_(pa.int64())
    return None


def schema_for(record_cls: type) -> pa.Schema:
    hints = typing.get_type_hints(record_cls)
    fields = [pa.field("document_id", pa.string())]
    for f in dataclasses.fields(record_cls):
        if f.name == "document_id":
            continue
        arrow_type = _arrow_type(hints[f.name])
        if arrow_type is not None:
            fields.append(pa.field(f.name, arrow_type))
    return pa.schema(fields)


SCHEMAS: dict[str, pa.Schema] = {stem: schema_for(cls) for stem, (cls, _) in RECORD_FILES.items()}


def to_arrow(doc: ExtractedDocument) -> dict[str, pa.Table]:
    out = {}
    for stem, (_, getter) in RECORD_FILES.items():
        schema = SCHEMAS[stem]
        names = schema.names[1:]
        rows = getter(doc)
        columns = {"document_id": [doc.meta.document_id] * len(rows)}
        for name in names:
            columns[name] = [getattr(r, name) for r in rows]
        out[stem] = pa.table(columns, schema=schema)
    return out


def write_document(doc: ExtractedDocument, staging_dir: Path) -> Path:
    """Write one document's staging folder atomically; returns its final path."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    final = staging_dir / doc.meta.document_id
    tmp = staging_dir / f".tmp-{doc.meta.document_id}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        for stem, table in to_arrow(doc).items():
            pq.write_table(table, tmp / f"{stem}.parquet")
        # Two files of the same document staged at once (two workers): the last rename wins.
        replaced = []
        for _ in range(3):
            old = staging_dir / f".old-{doc.meta.document_id}-{uuid.uuid4().hex[:8]}"
            try:
                final.rename(old)
                replaced.append(old)
            except FileNotFoundError:
                pass
            try:
                tmp.rename(final)
                break
            except OSError:  # another writer put its version in place in between
                continue
        else:
            raise OSError(f"could not publish staging folder {final}")
        for old in replaced:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


# Files the pipeline refused: one row per file under <staging>/_quarantine/ (see pipeline.quarantine).
QUARANTINE_DIR = "_quarantine"
QUARANTINE_SCHEMA = pa.schema(
    [
        ("source_name", pa.string()),
        ("source_path", pa.string()),
        ("content_sha256", pa.string()),
        ("reason", pa.string()),
        ("message", pa.string()),
        ("line", pa.int64()),
        ("table_kind", pa.string()),
        ("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)


def write_empty_templates(staging_dir: Path) -> None:
    """Zero-row files so dbt's globs match even with no documents (and no quarantined file)."""
    folder = staging_dir / "_schema"
    folder.mkdir(parents=True, exist_ok=True)
    for stem, schema in SCHEMAS.items():
        pq.write_table(schema.empty_table(), folder / f"{stem}.parquet")
    quarantine = staging_dir / QUARANTINE_DIR
    quarantine.mkdir(exist_ok=True)
    pq.write_table(QUARANTINE_SCHEMA.empty_table(), quarantine / "_empty.parquet")
