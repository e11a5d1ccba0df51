"""The ingest job, as plain functions: files → staging → dbt build → checks → publish.

Dagster's assets call these same steps; the command line runs them in order.
The warehouse is rebuilt from the staging folder into a new file and swapped in
with one rename, so a run that fails or is killed part-way leaves the published
warehouse exactly as it was. One process writes a DuckDB file at a time: dbt
while it builds, then the quality step, then nobody (readers open it read-only).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from budget_warehouse.document_name import document_name
from budget_warehouse.extract.decode import DEFAULT_MAX_BYTES
from budget_warehouse.extract.document import EXTRACTOR_VERSION, extract_file
from budget_warehouse.extract.errors import ExtractionError
from budget_warehouse.staging import QUARANTINE_DIR, QUARANTINE_SCHEMA, write_document, write_empty_templates
from budget_warehouse.writer_lock import die_with_parent, writer_lock

FILE_INDEX = "_files.json"  # sha256 of a file's bytes -> its document (or error): a cache, safe to delete

@dataclass(frozen=True, slots=True)
class Layout:
    """Where one warehouse keeps its files: all derived from the warehouse path."""

    warehouse: Path

    @property
    def root(self) -> Path:
        return self.warehouse.parent

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def next_build(self) -> Path:
        return self.warehouse.with_name(self.warehouse.stem + ".next" + self.warehouse.suffix)


@dataclass(frozen=True, slots=True)
class Loaded:
    path: Path
    document_id: str
    title: str
    status: str  # new | changed | unchanged
    tables: int
    cells: int
    coverage: dict
    warnings: tuple[str, ...]
    name: str = ""  # document_name(): region, department, year, phase (file)


@dataclass(frozen=True, slots=True)
class Quarantined:
    path: Path
    reason: str
    message: str


@dataclass(slots=True)
class IngestReport:
    warehouse: Path
    loaded: list[Loaded] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    build: object | None = None  # dbt_runner.DbtBuildResult
    quality: object | None = None  # quality.QualityReport
    timings: dict[str, float] = field(default_factory=dict)
    build_skipped: str | None = None  # why no dbt build ran (every file refused)
    pruned: int = 0  # quarantine records forgotten (their files are gone): the published listing must follow


class PipelineError(RuntimeError):
    """The warehouse could not be rebuilt; the published warehouse is unchanged."""


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders, hidden files skipped, in a stable order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += [p for p in sorted(path.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)]
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found


def _extract(args: tuple[Path, int]):
    """Worker: one file → ("ok", document) or ("error", reason, message). Never raises."""
    path, max_bytes = args
    try:
        return ("ok", extract_file(path, max_bytes=max_bytes))
    except ExtractionError as exc:
        return ("error", exc.reason, str(exc), exc.line, exc.table)
    except Exception as exc:  # an extractor bug must not stop the batch: quarantine with the cause
        return ("error", "extractor_failure", f"{path.name}: unexpected {type(exc).__name__}: {exc}", None, None)


def _parallel(fn, jobs: list, workers: int) -> Iterator:
    """``map(fn, jobs)``, over ``workers`` processes when it is worth it; results stream in order."""
    if workers > 1 and len(jobs) >= 8:
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            yield from pool.map(fn, jobs, chunksize=max(1, min(16, len(jobs) // (workers * 8))))
    else:
        yield from map(fn, jobs)


def extract_all(files: list[Path], max_bytes: int, workers: int) -> Iterator[tuple[Path, tuple]]:
    """(file, ("ok", document) | ("error", reason, message, line, table)) per file, streamed."""
    return zip(files, _parallel(_extract, [(f, max_bytes) for f in files], workers))


def _staged_hash(staging: Path, document_id: str) -> str | None:
    return _staged(staging, document_id)[0]


def _staged(staging: Path, document_id: str) -> tuple[str | None, str | None]:
    """(content hash, source file name) of the version staged under this id, if any."""
    path = staging / document_id / "documents.parquet"
    if not path.exists():
        return None, None
    table = pq.read_table(path, columns=["content_hash", "source_name"])
    if not table.num_rows:
        return None, None
    return table.column(0)[0].as_py(), table.column(1)[0].as_py()


def _duplicate_message(name: str, other: str, title: str, document_id: str) -> str:
    return (
        f"{name}: resolves to the same document as {other} ({title or 'same region, department, year and phase'}: "
        f"id {document_id}) with different content; refused rather than replacing {other}. "
        f"A corrected version replaces the old one only under the same file name ({other})."
    )


def load_file_index(layout: Layout) -> dict[str, dict]:
    """sha256 of a file's bytes -> {"document_id", …summary} or {"error": …}, for this extractor version."""
    try:
        data = json.loads((layout.staging / FILE_INDEX).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {sha: e for sha, e in data.items() if isinstance(e, dict) and e.get("extractor") == EXTRACTOR_VERSION}


def save_file_index(layout: Layout, index: dict[str, dict]) -> None:
    path = layout.staging / FILE_INDEX
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(index, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _stage_one(args: tuple[Path, int, Path]) -> tuple:
    """Worker: extract one file and write its staging folder (unless unchanged). Returns a small summary,
    so documents never travel between processes."""
    path, max_bytes, staging = args
    result = _extract((path, max_bytes))
    if result[0] == "error":
        return result
    doc = result[1]
    previous, previous_name = _staged(staging, doc.meta.document_id)
    if previous is not None and previous != doc.meta.content_hash and previous_name and previous_name != doc.meta.source_name:
        return ("error", "duplicate_identity", _duplicate_message(path.name, previous_name, doc.meta.title, doc.meta.document_id), None, None)
    status = "new" if previous is None else "unchanged" if previous == doc.meta.content_hash else "changed"
    if status != "unchanged":
        write_document(doc, staging)
    return (
        "ok",
        {
            "extractor": EXTRACTOR_VERSION,
            "document_id": doc.meta.document_id,
            "content_hash": doc.meta.content_hash,
            "title": doc.meta.title,
            "region": doc.meta.region,
            "department": doc.meta.department,
            "year": doc.meta.year,
            "phase": doc.meta.phase,
            "status": status,
            "tables": len(doc.tables),
            "cells": len(doc.cells),
            "coverage": doc.coverage(),
            "warnings": list(doc.warnings),
        },
    )


def stage(files: list[Path], layout: Layout, *, max_bytes: int = DEFAULT_MAX_BYTES, workers: int = 1, report: IngestReport) -> None:
    """Extract every file; write good ones to staging, quarantine the rest.

    A file whose exact bytes were staged before (``_files.json``, keyed by the
    bytes' sha256) and are still what staging holds is not extracted again.
    """
    write_empty_templates(layout.staging)
    index = load_file_index(layout)
    summaries: dict[Path, tuple] = {}
    todo: list[tuple[Path, str]] = []
    for path in files:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = index.get(sha)
        if entry and "content_hash" in entry and "phase" in entry and _staged_hash(layout.staging, entry["document_id"]) == entry["content_hash"]:
            summaries[path] = ("ok", {**entry, "status": "unchanged"})
        else:
            todo.append((path, sha))
    jobs = [(path, max_bytes, layout.staging) for path, _ in todo]
    for (path, sha), result in zip(todo, _parallel(_stage_one, jobs, workers)):
        summaries[path] = result
        if result[0] == "ok":
            index[sha] = {k: v for k, v in result[1].items() if k != "status"}
        else:
            index[sha] = {"extractor": EXTRACTOR_VERSION, "error": result[2]}
    _refuse_duplicates_within_run(files, summaries, layout, max_bytes)
    seen: dict[str, Path] = {}
    for path in files:
        result = summaries[path]
        if result[0] == "error":
            _, reason, message, line, table = result
            quarantine(path, reason, message, layout, line=line, table_kind=table)
            report.quarantined.append(Quarantined(path, reason, message))
            continue
        doc = result[1]
        warnings = list(doc["warnings"])
        if doc["document_id"] in seen:
            warnings.append(f"{path.name}: same document ({doc['title']}) as {seen[doc['document_id']].name}; the file staged last is kept")
        seen[doc["document_id"]] = path
        _release(path, layout)
        name = document_name(doc.get("region"), doc.get("department"), doc.get("year"), doc.get("phase"), path.name, doc["title"])
        report.loaded.append(
            Loaded(path, doc["document_id"], doc["title"], doc["status"], doc["tables"], doc["cells"], doc["coverage"],
                   tuple(warnings), name)
        )
    save_file_index(layout, index)
    report.pruned = prune_quarantine(layout)


def _refuse_duplicates_within_run(files: list[Path], summaries: dict[Path, tuple], layout: Layout, max_bytes: int) -> None:
    """Two files of one run with one id and different content: the first (in file order) is kept, the others
    refused; the first is staged again, since a later one may have been written over it."""
    first: dict[str, Path] = {}
    for path in files:
        result = summaries[path]
        if result[0] != "ok":
            continue
        doc_id = result[1]["document_id"]
        if doc_id not in first:
            first[doc_id] = path
            continue
        kept = summaries[first[doc_id]][1]
        if kept["content_hash"] == result[1]["content_hash"]:
            continue  # the same document twice: nothing is replaced
        summaries[path] = ("error", "duplicate_identity", _duplicate_message(path.name, first[doc_id].name, result[1]["title"], doc_id), None, None)
        if _staged_hash(layout.staging, doc_id) != kept["content_hash"]:
            summaries[first[doc_id]] = _stage_one((first[doc_id], max_bytes, layout.staging))


def _quarantine_key(path: Path) -> str:
    """Keyed by the file's full path: two bad files of one name in two folders are two records."""
    return hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]


def quarantine_copy(path: Path, layout: Layout) -> Path:
    """Where the quarantined copy of ``path`` is kept: ``quarantine/<key>/<file name>``."""
    return layout.quarantine / _quarantine_key(path) / Path(path).name


def quarantine(
    path: Path, reason: str, message: str, layout: Layout, *, line: int | None = None, table_kind: str | None = None
) -> None:
    """Copy the file aside and record why (a Parquet row that dbt loads as ``dq_quarantine``)."""
    data = path.read_bytes() if path.exists() else b""
    if path.exists():
        copy = quarantine_copy(path, layout)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    folder = layout.staging / QUARANTINE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    record = pa.table(
        {
            "source_name": [path.name],
            "source_path": [str(Path(path).resolve())],
            "content_sha256": [hashlib.sha256(data).hexdigest()],
            "reason": [reason],
            "message": [message],
            "line": [line],
            "table_kind": [table_kind],
            "quarantined_at": [datetime.now(timezone.utc)],
        },
        schema=QUARANTINE_SCHEMA,
    )
    tmp = folder / f".{_quarantine_key(path)}.tmp"
    pq.write_table(record, tmp)
    os.replace(tmp, folder / f"{_quarantine_key(path)}.parquet")


def _release(path: Path, layout: Layout) -> None:
    """A file that loads now is no longer quarantined."""
    record = layout.staging / QUARANTINE_DIR / f"{_quarantine_key(path)}.parquet"
    if record.exists():
        record.unlink()
        shutil.rmtree(quarantine_copy(path, layout).parent, ignore_errors=True)


def prune_quarantine(layout: Layout) -> int:
    """Forget quarantined files that no longer exist (removed from the raw folder), and records
    written under an older key; their copies go too. Returns how many records were forgotten."""
    pruned = 0
    folder = layout.staging / QUARANTINE_DIR
    for record in folder.glob("*.parquet") if folder.is_dir() else ():
        if record.name == "_empty.parquet":
            continue
        source = Path(pq.read_table(record, columns=["source_path"]).column(0)[0].as_py())
        if not source.exists() or _quarantine_key(source) != record.stem:
            record.unlink()
            shutil.rmtree(layout.quarantine / record.stem, ignore_errors=True)
            (layout.quarantine / source.name).unlink(missing_ok=True)  # a copy kept by an older version
            pruned += 1
    return pruned


def _remove_build(target: Path) -> None:
    target.unlink(missing_ok=True)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)  # else DuckDB would replay it into the next build


def build_and_publish(
    layout: Layout,
    report: IngestReport,
    validate: Callable[..., object] | None = None,
) -> None:
    """Rebuild the warehouse into a new file, validate it (``validate(build file, published=warehouse)``),
    then swap it in with one rename."""
    from budget_warehouse.dbt_runner import DbtBuildError, build_warehouse

    write_empty_templates(layout.staging)
    target = layout.next_build
    _remove_build(target)  # left by a run that was killed (we hold the writer lock)
    started = time.perf_counter()
    try:
        report.build = build_warehouse(layout.staging, target)
    except DbtBuildError as exc:
        _remove_build(target)
        raise PipelineError(f"dbt build failed; {layout.warehouse} is unchanged.\n{exc}") from exc
    report.timings["dbt build"] = time.perf_counter() - started
    if report.build.skipped:
        _remove_build(target)
        raise PipelineError(
            f"dbt skipped {len(report.build.skipped)} model(s) ({', '.join(report.build.skipped[:5])}); "
            f"an incomplete warehouse is not published, {layout.warehouse} is unchanged"
        )
    if validate is not None:
        started = time.perf_counter()
        report.quality = validate(target, published=layout.warehouse)
        report.timings["quality suites"] = time.perf_counter() - started
    os.replace(target, layout.warehouse)


def run_ingest(
    paths: Iterable[Path],
    warehouse: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int | None = None,
    validate: Callable[..., object] | None = None,
    wait: bool = False,
) -> IngestReport:
    """The whole job under the warehouse's writer lock (``WarehouseBusy`` when another writer holds it,
    unless ``wait``)."""
    layout = Layout(Path(warehouse).resolve())
    layout.root.mkdir(parents=True, exist_ok=True)
    report = IngestReport(warehouse=layout.warehouse)
    files = discover(paths)
    with writer_lock(layout.warehouse, wait=wait):
        started = time.perf_counter()
        stage(files, layout, max_bytes=max_bytes, workers=workers or os.cpu_count() or 1, report=report)
        report.timings["extract"] = time.perf_counter() - started
        if report.quarantined and not report.loaded and not (report.pruned and layout.warehouse.exists()):
            # Nothing new can be in the warehouse: the refusals are recorded in staging and
            # listed in dq_quarantine by the next build; the published warehouse stays as it is.
            report.build_skipped = "every file was refused: no dbt build; the published warehouse is unchanged"
        else:
            build_and_publish(layout, report, validate)
        report.timings["total"] = time.perf_counter() - started
    return report
