"""Exit codes of ``budget-warehouse`` that a scheduler can act on (documented in the README, "Operating it")."""

from __future__ import annotations

OK = 0  # every file of the run loaded (or, for alerts: every channel took its events)
FAILED = 1  # the run failed (build error, bad configuration, channel down); the published warehouse is unchanged
USAGE = 2  # wrong command line (argparse)
SOME_QUARANTINED = 3  # the warehouse was published; some files were quarantined
NOTHING_LOADED = 4  # the warehouse was published, but no file of this run loaded (none given, or all quarantined)
BUSY = 5  # another ingest of the same warehouse is running; nothing was done (retry later, or use --wait)


def ingest_exit_code(loaded: int, quarantined: int) -> int:
    """The code of an ingest that published: by what loaded."""
    if loaded == 0:
        return NOTHING_LOADED
    return SOME_QUARANTINED if quarantined else OK
