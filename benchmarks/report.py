"""Benchmark of the report: render the site of a warehouse of N generated documents (issue 11: 1,000 in < 30 s).

The corpus goes through the normal pipeline (``budget-warehouse generate``, then ``ingest`` without the
quality suites, which the report does not read) into a temporary warehouse; only ``write_report`` is timed.
Usage: python benchmarks/report.py [--documents 1000] [--years 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from budget_warehouse.cli import main as cli
from budget_warehouse.report import write_report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5, help="departments over this many years (across-years pages)")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the corpus, warehouse and site")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))
    raw, warehouse = root / "raw", root / "warehouse" / "budget.duckdb"
    try:
        if not warehouse.exists():
            cli(["generate", str(args.documents), str(raw), "--seed", "7", "--years", str(args.years)])
            (raw / "truth.jsonl").unlink()
            started = time.perf_counter()
            cli(["ingest", str(raw), "--warehouse", str(warehouse), "--no-quality", "--no-report"])
            print(f"ingest: {time.perf_counter() - started:.1f} s")
        result = write_report(warehouse, root / "site", [raw])
        size = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
        print(f"report of {result.documents} documents: {result.seconds:.1f} s, {size / 1e6:.0f} MB "
              f"({platform.machine()}, {platform.python_version()})")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
