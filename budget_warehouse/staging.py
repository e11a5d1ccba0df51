"""Columnar staging files: one Parquet file per record type per batch, and a manifest.

This is the boundary between the extractor (plain Python) and dbt. A batch (the
documents one worker extracted in one go) is written as
``<staging>/<stem>/<batch>.parquet``, one file per record type. The manifest,
``<staging>/_manifest.parquet``, says which batch holds each document's current
rows (document_id, batch, content_hash); dbt reads only those rows
(``macros/staging_parquet.sql``). Batch files are written first and are
invisible until the manifest, replaced with one rename, names them: a reader
sees a document's staging whole or not at all, and a changed document replaces
its previous version in one step (its old rows stay in their batch file, unread).
Reading all staging is then one scan of a few large files per record type, and
knowing what is staged is one small file.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import types
import typing
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
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


MANIFEST = "_manifest.parquet"
MANIFEST_SCHEMA = pa.schema([("document_id", pa.string()), ("batch", pa.string()), ("content_hash", pa.string())])
EMPTY_BATCH = "_empty"  # the zero-row file of each stem: the glob always matches, every column exists


def new_batch_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"


def write_batch(docs: Iterable[ExtractedDocument], staging_dir: Path) -> str | None:
    """Write the documents' rows as one new batch (one file per record type); returns its id (None: no document).

    The batch stays invisible until ``publish`` names it in the manifest.
    """
    docs = list(docs)
    if not docs:
        return None
    batch = new_batch_id()
    per_doc = [to_arrow(doc) for doc in docs]
    written: list[Path] = []
    try:
        for stem in RECORD_FILES:
            folder = staging_dir / stem
            folder.mkdir(parents=True, exist_ok=True)
            tmp, final = folder / f".{batch}.tmp", folder / f"{batch}.parquet"
            written += [tmp, final]
            pq.write_table(pa.concat_tables([tables[stem] for tables in per_doc]), tmp)
            os.replace(tmp, final)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return batch


def read_manifest(staging_dir: Path) -> dict[str, tuple[str, str]]:
    """document_id -> (batch, content_hash) of every staged document."""
    path = staging_dir / MANIFEST
    if not path.exists():
        return {}
    table = pq.read_table(path)
    return {d: (b, h) for d, b, h in zip(*(table.column(n).to_pylist() for n in MANIFEST_SCHEMA.names))}


@contextmanager
def _manifest_lock(staging_dir: Path) -> Iterator[None]:
    """One manifest update at a time (staging processes may run side by side, e.g. Dagster partitions)."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    with open(staging_dir / ".manifest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish(staging_dir: Path, documents: Mapping[str, tuple[str, str]]) -> None:
    """Point the manifest at the new batches: document_id -> (batch, content_hash); one rename."""
    if not documents:
        return
    with _manifest_lock(staging_dir):
        manifest = {**read_manifest(staging_dir), **documents}
        ids = sorted(manifest)
        table = pa.table({"document_id": ids, "batch": [manifest[d][0] for d in ids],
                          "content_hash": [manifest[d][1] for d in ids]}, schema=MANIFEST_SCHEMA)
        tmp = staging_dir / f".{MANIFEST}.{os.getpid()}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, staging_dir / MANIFEST)


def write_document(doc: ExtractedDocument, staging_dir: Path) -> str:
    """Stage one document now (a batch of one, published); returns the batch id."""
    batch = write_batch([doc], staging_dir)
    publish(staging_dir, {doc.meta.document_id: (batch, doc.meta.content_hash)})
    return batch


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
    """Zero-row files so dbt's globs match even with no documents (and no quarantined file), and a manifest."""
    for stem, schema in SCHEMAS.items():
        (staging_dir / stem).mkdir(parents=True, exist_ok=True)
        pq.write_table(schema.empty_table(), staging_dir / stem / f"{EMPTY_BATCH}.parquet")
    if not (staging_dir / MANIFEST).exists():
        with _manifest_lock(staging_dir):
            if not (staging_dir / MANIFEST).exists():
                pq.write_table(MANIFEST_SCHEMA.empty_table(), staging_dir / MANIFEST)
    quarantine = staging_dir / QUARANTINE_DIR
    quarantine.mkdir(exist_ok=True)
    pq.write_table(QUARANTINE_SCHEMA.empty_table(), quarantine / "_empty.parquet")
