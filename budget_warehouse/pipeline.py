"""The ingest job, as plain functions: files → staging → dbt build → checks → publish.

Dagster's assets call these same steps; the command line runs them in order.
The warehouse is rebuilt from the staging folder into a new file and swapped in
with one rename, so a run that fails or is killed part-way leaves the published
warehouse exactly as it was. One process writes a DuckDB file at a time: dbt
while it builds, then the quality step, then nobody (readers open it read-only).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from budget_warehouse.document_name import document_name
from budget_warehouse.extract.decode import DEFAULT_MAX_BYTES
from budget_warehouse.extract.document import EXTRACTOR_VERSION, extract_file
from budget_warehouse.extract.errors import ExtractionError
from budget_warehouse.staging import (
    QUARANTINE_DIR,
    QUARANTINE_SCHEMA,
    publish,
    read_manifest,
    write_batch,
    write_empty_templates,
)
from budget_warehouse.writer_lock import die_with_parent, writer_lock

FILE_INDEX = "_files.json"  # sha256 of a file's bytes -> its document (or error): a cache, safe to delete
FILE_STATS = "_file_stats.json"  # a file's path -> [size, mtime_ns, sha256]: unchanged files are not even read
BATCH_MAX = 64  # documents per staging batch (one worker task): few files per record type, small tasks

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

    @property
    def previous(self) -> Path:
        """The warehouse the last publish replaced: the next build's starting point (``build_file``)."""
        return self.warehouse.with_name(self.warehouse.stem + ".previous" + self.warehouse.suffix)


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
    plan: object | None = None  # increment.BuildPlan: full or by document, and why
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


def _parallel(fn, jobs: list, workers: int, *, chunksize: int | None = None, min_jobs: int = 8) -> Iterator:
    """``map(fn, jobs)``, over ``workers`` processes when it is worth it; results stream in order."""
    if workers > 1 and len(jobs) >= min_jobs:
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            yield from pool.map(fn, jobs, chunksize=chunksize or max(1, min(16, len(jobs) // (workers * 8))))
    else:
        yield from map(fn, jobs)


def extract_all(files: list[Path], max_bytes: int, workers: int) -> Iterator[tuple[Path, tuple]]:
    """(file, ("ok", document) | ("error", reason, message, line, table)) per file, streamed."""
    return zip(files, _parallel(_extract, [(f, max_bytes) for f in files], workers))


def _duplicate_message(name: str, other: str, title: str, document_id: str) -> str:
    return (
        f"{name}: resolves to the same document as {other} ({title or 'same region, department, year and phase'}: "
        f"id {document_id}) with different content; refused rather than replacing {other}. "
        f"A corrected version replaces the old one only under the same file name ({other})."
    )


def load_file_index(layout: Layout) -> dict[str, dict]:
    """sha256 of a file's bytes -> {"document_id", …summary} or {"error": …}, for this extractor version."""
    data = _load_json(layout.staging / FILE_INDEX)
    return {sha: e for sha, e in data.items() if isinstance(e, dict) and e.get("extractor") == EXTRACTOR_VERSION}


def save_file_index(layout: Layout, index: dict[str, dict]) -> None:
    _save_json(layout.staging / FILE_INDEX, index)


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


@functools.lru_cache(maxsize=None)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _real_path(path: Path) -> str:
    """``path.resolve()``, resolving each folder once (``stage`` empties the cache when it starts): a
    raw folder of 10,000 files cost 0.5 s of realpath calls, two per file."""
    path = Path(path)
    if path.is_symlink() or not path.is_absolute():
        return str(path.resolve())
    return os.path.join(_real_folder(str(path.parent)), path.name)


def _file_sha(path: Path, stats: dict[str, list], seen: dict[str, list]) -> str:
    """The sha256 of the file's bytes; read only when its size or mtime differ from the last run's."""
    st = path.stat()
    key = _real_path(path)
    cached = stats.get(key)
    if isinstance(cached, list) and cached[:2] == [st.st_size, st.st_mtime_ns]:
        sha = cached[2]
    else:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    seen[key] = [st.st_size, st.st_mtime_ns, sha]
    return sha


def _stage_batch(args: tuple[list[Path], int, Path]) -> tuple[str | None, list[tuple]]:
    """Worker: extract a few files and write their documents as one staging batch (not yet published).

    Returns (batch id, one small summary or error per file), so documents never travel between processes.
    A batch holds at most one version of a document (the staging views pick a document's rows by batch):
    a later file of the same id is summarised but not written (``written`` False).
    """
    paths, max_bytes, staging = args
    docs, results = [], []
    for path in paths:
        result = _extract((path, max_bytes))
        if result[0] == "error":
            results.append(result)
            continue
        doc = result[1]
        written = all(d.meta.document_id != doc.meta.document_id for d in docs)
        if written:
            docs.append(doc)
        results.append((
            "ok",
            {
                "extractor": EXTRACTOR_VERSION,
                "document_id": doc.meta.document_id,
                "content_hash": doc.meta.content_hash,
                "source_name": doc.meta.source_name,
                "title": doc.meta.title,
                "region": doc.meta.region,
                "department": doc.meta.department,
                "year": doc.meta.year,
                "phase": doc.meta.phase,
                "tables": len(doc.tables),
                "cells": len(doc.cells),
                "coverage": doc.coverage(),
                "warnings": list(doc.warnings),
                "written": written,
            },
        ))
    return write_batch(docs, staging), results


def stage(files: list[Path], layout: Layout, *, max_bytes: int = DEFAULT_MAX_BYTES, workers: int = 1, report: IngestReport) -> None:
    """Extract every new or changed file into staging batches, publish them, quarantine the rest.

    A file is unchanged when its size and mtime are those of the last run (its
    bytes are then not even read) or its bytes' sha256 is known (``_files.json``)
    and the manifest holds that document with the same content: it is not
    extracted again. Nothing under staging is read but the manifest.
    """
    _real_folder.cache_clear()  # a folder's real path is read again each run (a symlink may have moved)
    write_empty_templates(layout.staging)
    index = load_file_index(layout)
    stats_path = layout.staging / FILE_STATS
    stats, seen_stats = _load_json(stats_path), {}
    manifest = read_manifest(layout.staging)
    summaries: dict[Path, tuple] = {}
    todo: list[tuple[Path, str]] = []
    for path in files:
        sha = _file_sha(path, stats, seen_stats)
        entry = index.get(sha)
        if entry and "content_hash" in entry and "phase" in entry and manifest.get(entry["document_id"], ("", None))[1] == entry["content_hash"]:
            summaries[path] = ("ok", {**entry, "status": "unchanged"})
        else:
            todo.append((path, sha))
    tasks = workers * 4 if workers > 1 else 1  # a few tasks per worker balance the load
    size = max(1, min(BATCH_MAX, -(-len(todo) // tasks)))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    jobs = [([path for path, _ in chunk], max_bytes, layout.staging) for chunk in chunks]
    published: dict[str, tuple[str, str]] = {}
    first_of_run: dict[str, tuple[str, str]] = {}  # document id -> (content hash, file name) of its first file here
    for chunk, (batch, results) in zip(chunks, _parallel(_stage_batch, jobs, workers, chunksize=1, min_jobs=2)):
        for (path, sha), result in zip(chunk, results):
            if result[0] == "ok" and (other := _other_file_of(result[1], manifest, index, first_of_run)):
                result = ("error", "duplicate_identity",
                          _duplicate_message(path.name, other, result[1]["title"], result[1]["document_id"]), None, None)
            if result[0] == "error":
                summaries[path] = result
                index[sha] = {"extractor": EXTRACTOR_VERSION, "error": result[2]}
                continue
            doc = result[1]
            first_of_run.setdefault(doc["document_id"], (doc["content_hash"], doc["source_name"]))
            previous = manifest.get(doc["document_id"], ("", None))[1]
            status = "new" if previous is None else "unchanged" if previous == doc["content_hash"] else "changed"
            if status != "unchanged" and published.get(doc["document_id"]) != (batch, doc["content_hash"]):
                if not doc.pop("written"):  # its batch holds an earlier file's version of this id, not its own
                    summaries[path] = ("error", "duplicate_identity", _duplicate_message(
                        path.name, "an earlier file of this run", doc["title"], doc["document_id"]), None, None)
                    continue
                published[doc["document_id"]] = (batch, doc["content_hash"])
            doc.pop("written", None)
            summaries[path] = ("ok", {**doc, "status": status})
            index[sha] = doc
    publish(layout.staging, published)
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
            warnings.append(f"{path.name}: same document ({doc['title']}) as {seen[doc['document_id']].name} (the same content): loaded once")
        seen[doc["document_id"]] = path
        _release(path, layout)
        name = document_name(doc.get("region"), doc.get("department"), doc.get("year"), doc.get("phase"), path.name, doc["title"])
        report.loaded.append(
            Loaded(path, doc["document_id"], doc["title"], doc["status"], doc["tables"], doc["cells"], doc["coverage"],
                   tuple(warnings), name)
        )
    save_file_index(layout, index)
    report.pruned = prune_quarantine(layout)
    _save_json(stats_path, {**stats, **seen_stats})


def _other_file_of(doc: dict, manifest: dict, index: dict[str, dict], first_of_run: dict[str, tuple[str, str]]) -> str | None:
    """The other file a document's id already belongs to with different content, if any: two different
    documents that resolve to one id are never a silent replacement. A corrected version of a document
    replaces it only under the same file name; within one run the first file (in file order) is kept."""
    doc_id, content, name = doc["document_id"], doc["content_hash"], doc["source_name"]
    if doc_id in first_of_run:
        first_content, first_name = first_of_run[doc_id]
        return first_name if first_content != content else None
    staged_content = manifest.get(doc_id, ("", None))[1]
    if staged_content is None or staged_content == content:
        return None
    staged_name = next((e.get("source_name") for e in index.values()
                        if e.get("document_id") == doc_id and e.get("content_hash") == staged_content), None)
    return staged_name if staged_name and staged_name != name else None


def _quarantine_key(path: Path) -> str:
    """Keyed by the file's full path: two bad files of one name in two folders are two records."""
    return hashlib.sha1(_real_path(path).encode("utf-8")).hexdigest()[:16]


def quarantine_copy(path: Path, layout: Layout) -> Path:
    """Where the quarantined copy of ``path`` is kept: ``quarantine/<key>/<file name>``."""
    return layout.quarantine / _quarantine_key(path) / Path(path).name


def _sha256(path: Path) -> str:
    """The file's sha256 (of no bytes when it is gone)."""
    return hashlib.sha256(path.read_bytes() if path.exists() else b"").hexdigest()


def quarantine(
    path: Path, reason: str, message: str, layout: Layout, *, line: int | None = None, table_kind: str | None = None
) -> None:
    """Copy the file aside and record why (a Parquet row that dbt loads as ``dq_quarantine``)."""
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
            "content_sha256": [_sha256(path)],
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


def build_and_publish(
    layout: Layout,
    report: IngestReport,
    validate: Callable[..., object] | None = None,
    *,
    full_refresh: bool = False,
    quality: ProcessPoolExecutor | None = None,
) -> None:
    """Build the next warehouse in a new file, validate it (``validate(build file, published=warehouse)``)
    in the ``quality`` worker (``_quality_worker``, given with ``validate``), then swap it in with one rename.

    The build updates the previous warehouse (or a copy of the published one, ``build_file``) and
    recomputes only the documents whose staging changed since it was built (``increment.plan``),
    unless ``full_refresh`` or the fingerprint asks for a full build."""
    from budget_warehouse import build_file, increment
    from budget_warehouse.dbt_runner import DbtBuildError, build_warehouse

    if (validate is None) != (quality is None):
        raise ValueError("validate and its quality worker are given together")
    write_empty_templates(layout.staging)
    target = layout.next_build
    current = increment.fingerprint()
    report.plan = build_file.start(layout.warehouse, layout.previous, target, layout.staging,
                                   full_refresh=full_refresh, current=current, timings=report.timings)
    if quality is not None:  # it imports Great Expectations (seconds) on the other core while dbt builds here
        quality.submit(_preload_quality)
    started = time.perf_counter()
    try:
        report.build = build_warehouse(layout.staging, target, full_refresh=report.plan.full)
        increment.record_build(target, current, report.plan.full)
    except DbtBuildError as exc:
        build_file.remove(target)
        raise PipelineError(f"dbt build failed; {layout.warehouse} is unchanged.\n{exc}") from exc
    report.timings["dbt build"] = time.perf_counter() - started
    if report.build.skipped:
        build_file.remove(target)
        raise PipelineError(
            f"dbt skipped {len(report.build.skipped)} model(s) ({', '.join(report.build.skipped[:5])}); "
            f"an incomplete warehouse is not published, {layout.warehouse} is unchanged"
        )
    if quality is not None:
        started = time.perf_counter()
        try:
            report.quality = quality.submit(validate, target, published=layout.warehouse).result()
        except BrokenProcessPool as exc:  # killed (out of memory?) or exited: say so, publish nothing
            build_file.remove(target)
            raise PipelineError(f"the quality step's worker process died ({exc}); {layout.warehouse} is "
                                "unchanged") from exc
        report.timings["quality suites"] = time.perf_counter() - started
    if report.plan.full:
        started = time.perf_counter()
        build_file.keep_copy(target, layout.previous)
        report.timings["copy for the next build"] = time.perf_counter() - started
    else:
        build_file.keep_previous(layout.warehouse, layout.previous)
    os.replace(target, layout.warehouse)


@contextmanager
def _quality_worker(validate: Callable[..., object] | None) -> Iterator[ProcessPoolExecutor | None]:
    """The quality step's worker process (dying with this one; None without ``validate``), forked now:
    its memory is not this process's, and a fork carries this process's memory as it is (run_ingest
    forks it before staging: after staging 10,000 documents a fork carried ~400 MB more)."""
    if validate is None:
        yield None
        return
    with ProcessPoolExecutor(max_workers=1, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        pool.submit(os.getpid).result()  # the pool forks on its first task
        yield pool


def _preload_quality() -> None:
    from budget_warehouse.quality.run import preload

    preload()


def build_skip_reason(report: IngestReport, layout: Layout) -> str | None:
    """Why staging needs no dbt build, or None. When every file was refused nothing new can be in the
    warehouse: the refusals are recorded in staging and listed in dq_quarantine by the next build; the
    published warehouse stays as it is (unless quarantine records of removed files were forgotten: then
    the published listing is rebuilt to follow them)."""
    if report.quarantined and not report.loaded and not (report.pruned and layout.warehouse.exists()):
        return "every file was refused: no dbt build; the published warehouse is unchanged"
    return None


def _nothing_changed(report: IngestReport, layout: Layout, *, quality: bool) -> str | None:
    """Why a run that changed nothing needs no build: every file unchanged, none refused or forgotten,
    and the published warehouse built from this staging by this code (``increment.plan``), with the
    quality results a run with the suites expects. A build would reproduce it table for table."""
    from budget_warehouse import increment
    from budget_warehouse.quality.results import CHECK_RESULT_TABLE

    if report.pruned or any(d.status != "unchanged" for d in report.loaded):
        return None
    plan = increment.plan(layout.warehouse, layout.staging)
    if plan.full or plan.changed:
        return None
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
        if quality and CHECK_RESULT_TABLE not in tables:
            return None
        # a file refused again (same bytes, same reason) is listed already; a new refusal needs a build
        listed = set(con.execute("select source_path, content_sha256, reason from dq_quarantine").fetchall()) \
            if "dq_quarantine" in tables else set()
    refused = {(str(q.path.resolve()), _sha256(q.path), q.reason) for q in report.quarantined}
    if not refused <= listed:
        return None
    return "nothing changed since the published warehouse was built: no dbt build, no quality run (--full-refresh rebuilds)"


def run_ingest(
    paths: Iterable[Path],
    warehouse: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int | None = None,
    validate: Callable[..., object] | None = None,
    wait: bool = False,
    full_refresh: bool = False,
) -> IngestReport:
    """The whole job under the warehouse's writer lock (``WarehouseBusy`` when another writer holds it,
    unless ``wait``)."""
    layout = Layout(Path(warehouse).resolve())
    layout.root.mkdir(parents=True, exist_ok=True)
    report = IngestReport(warehouse=layout.warehouse)
    files = discover(paths)
    with writer_lock(layout.warehouse, wait=wait), _quality_worker(validate) as quality:
        started = time.perf_counter()
        stage(files, layout, max_bytes=max_bytes, workers=workers or os.cpu_count() or 1, report=report)
        report.timings["extract"] = time.perf_counter() - started
        report.build_skipped = build_skip_reason(report, layout) or (
            None if full_refresh else _nothing_changed(report, layout, quality=validate is not None)
        )
        if not report.build_skipped:
            build_and_publish(layout, report, validate, full_refresh=full_refresh, quality=quality)
        report.timings["total"] = time.perf_counter() - started
    return report
