"""One writer per warehouse: a lock file next to it, taken by every path that writes (CLI, Dagster, tests).

``<warehouse>.lock`` (``budget.duckdb.lock``) is held with ``flock`` for the
whole of a write (staging, build, quality, publish) and says who holds it:
``pid <N> since <UTC time>``. The kernel drops an ``flock`` when its holder
dies, so a lock left by a killed run (``kill -9``) is never stale: the next
writer takes it at once. Worker processes (extraction, quality) inherit the open
lock (``fork``); their initializer (``die_with_parent``) closes it and makes them
die with their parent, so a killed ingest never keeps the lock through a worker,
not even for the moment a worker takes to die.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

WAIT_POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # linux/prctl.h
_HELD: set[int] = set()  # descriptors of the locks this process holds (a forked worker closes its copies)


class WarehouseBusy(RuntimeError):
    """Another process is writing this warehouse."""


def lock_path(warehouse: Path) -> Path:
    return Path(warehouse).with_name(Path(warehouse).name + ".lock")


def holder(warehouse: Path, attempts: int = 10) -> str:
    """``pid N since T`` of the lock's holder, as it wrote it (it writes it just after taking the lock:
    read again for a moment; "pid ? since ?" if it never shows)."""
    for _ in range(attempts):
        try:
            text = lock_path(warehouse).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            text = ""
        if text:
            return text
        time.sleep(0.05)
    return "pid ? since ?"


@contextmanager
def writer_lock(warehouse: Path, *, wait: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; raise ``WarehouseBusy`` when another process holds it.

    ``wait``: block until the holder is done instead (``timeout`` seconds at
    most, None for no limit). The lock is per open file, so two writers in one
    process exclude each other too.
    """
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                _HELD.add(fd)
                break
            except BlockingIOError:
                if not wait or (deadline is not None and time.monotonic() >= deadline):
                    raise WarehouseBusy(f"another ingest of {warehouse} is running ({holder(warehouse)})") from None
                time.sleep(WAIT_POLL_SECONDS)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the file stays (removing it would race the next writer's open)
            _HELD.discard(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: hold none of the parent's writer locks (closing this process's copies of
    their descriptors; the parent keeps its own), and be killed (SIGKILL) when the parent dies, even
    by ``kill -9``.

    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a no-op. If the parent
    died before this ran, exit now.
    """
    for fd in list(_HELD):
        os.close(fd)
    _HELD.clear()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)
