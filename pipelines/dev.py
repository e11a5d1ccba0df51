"""``make dev``: say which sensors and schedules will run, start ``dagster dev``, stop it all on the first signal.

``dagster dev`` starts every sensor and schedule whose default status is
RUNNING, silently; this prints them first. On SIGTERM (or Ctrl-C) it stops at
once: ``dagster dev`` and the code servers it spawned (its process group) get
SIGINT, as from a terminal, and whatever is still there after
``GRACE_SECONDS`` is killed; nothing is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10.0


def automation_lines(defs) -> list[str]:
    """One line per sensor and schedule: its name, whether it starts running, and how often."""
    from dagster import DefaultScheduleStatus, DefaultSensorStatus

    lines = []
    for s in defs.sensors:
        running = s.default_status == DefaultSensorStatus.RUNNING
        lines.append(f"  sensor   {s.name}: {'RUNNING' if running else 'stopped'}, every {s.minimum_interval_seconds} s")
    for s in defs.schedules:
        running = s.default_status == DefaultScheduleStatus.RUNNING
        lines.append(f"  schedule {s.name}: {'RUNNING' if running else 'stopped'}, cron '{s.cron_schedule}' "
                     f"({s.execution_timezone or 'UTC'})")
    return lines


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(child: subprocess.Popen) -> None:
    """SIGINT to the child's process group, then SIGKILL to what is left after the grace period."""
    try:
        os.killpg(child.pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None and not _group_alive(child.pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def main(argv: list[str]) -> int:
    from pipelines.definitions import defs

    print("Starting the Dagster UI (dagster dev). Sensors and schedules of pipelines/definitions.py:", flush=True)
    print("\n".join(automation_lines(defs)), flush=True)
    print("RUNNING ones start with the daemon; turn them off in the UI (Automation). Stop: Ctrl-C or SIGTERM.", flush=True)
    child = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "dagster"), "dev", *argv],
                             start_new_session=True)
    print(f"dagster dev started (pid {child.pid})", flush=True)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: stopping.append(signum))
    while child.poll() is None and not stopping:
        time.sleep(0.2)
    if stopping:
        print(f"stopping dagster dev (signal {signal.Signals(stopping[0]).name})", flush=True)
    stop(child)
    return 0 if stopping else child.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
