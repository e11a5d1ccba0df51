"""Which file a build writes, and how it is published, without copying the warehouse on every run.

Two files take turns. Publishing keeps the replaced warehouse under a second name
(``<name>.previous.duckdb``, a hard link taken just before the rename, so the
published name is never missing). The next build renames that previous file to
``<name>.next.duckdb`` and catches it up: its ``loaded_documents`` against the staging
manifest are two runs' changes, which dbt's ``document_scope`` recomputes like any
other. Nothing is copied, so publishing costs the same at 100 or 10,000 documents.

A previous file cannot be written while a reader still holds it open (DuckDB's lock:
a query started before the last publish): the build then starts from a copy of the
published file, as it also does after a killed run (its half-built file is removed,
and a previous name that is still the published file, when the kill came between
the link and the rename, is dropped).
A full build (``--full-refresh``, a changed fingerprint, most documents changed)
starts from an empty file; its publish leaves a copy of the new file as the previous one
(``keep_copy``: a copy costs little next to a full build), so that the builds by document
after it start copying nothing either.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from budget_warehouse import increment


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)  # else DuckDB would replay it into the next build


def in_use(path: Path) -> bool:
    """True when another process has the DuckDB file open (a reader of an earlier publish)."""
    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return True
        raise
    return False


def _copying(previous: Path) -> Path:
    return previous.with_name(previous.name + ".copying")


def start(published: Path, previous: Path, target: Path, staging: Path, *, full_refresh: bool, current: str,
          timings: dict[str, float]) -> increment.BuildPlan:
    """Put the file the build will update at ``target`` (nothing there for a full build); return the plan."""
    remove(target)  # left by a run that was killed (the caller holds the writer lock)
    _copying(previous).unlink(missing_ok=True)  # a keep_copy that was killed
    if previous.exists() and published.exists() and os.path.samefile(previous, published):
        remove(previous)  # a run killed between keep_previous and its rename: this is the published file itself
    if not full_refresh and previous.exists() and not in_use(previous):
        plan = increment.plan(previous, staging, current=current)
        if not plan.full:
            os.replace(previous, target)
            timings["start from previous"] = 0.0
            return plan
    plan = increment.plan(published, staging, full_refresh=full_refresh, current=current)
    if not plan.full:
        started = time.perf_counter()
        shutil.copyfile(published, target)
        timings["copy published"] = time.perf_counter() - started
    return plan


def keep_copy(build: Path, previous: Path) -> None:
    """Just before a full build's publishing rename: a copy of the build file as ``previous``, the next
    build's starting point (the file the rename replaces was built by other code or from other staging)."""
    remove(previous)
    shutil.copyfile(build, _copying(previous))
    os.replace(_copying(previous), previous)


def keep_previous(published: Path, previous: Path) -> None:
    """Just before the publishing rename: keep the published file under ``previous`` too (a hard
    link: no copy), so that the rename never leaves the published name missing and the file it
    replaces is the next build's starting point."""
    remove(previous)
    if published.exists():
        os.link(published, previous)
