"""Benchmarks (`make bench`, `make bench-large`): prints the figures the README records.

1. extraction time of the sample document, and of real PDFs per page and per document;
2. extraction throughput over a generated corpus, documents per second per core;
3. end-to-end ingest of the corpus (extract, dbt build, quality suites, publish);
4. a re-run with nothing changed (the unchanged-file check: no extraction, nothing staged read);
5. adding one more document to that warehouse, then changing it (builds by document: the previous
   warehouse file is caught up, or a copy of the published one when a reader holds it);
6. the quality step alone on that warehouse, in its own process (its peak memory), and the report
   (from scratch, then with one page out of date);
7. dbt's fixed cost: a build of one document (partial parsing applies);
8. publishing: what a copy of the warehouse file would cost, against the rename done;
9. the warehouse after the runs equals a --full-refresh build of the same staging;
then each goal of issue 9 beside its measured figure, and the machine's load.

Figures vary with the machine: record them with the machine they came from.
Usage: python benchmarks/run.py [--documents 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bench_sample(repeat: int = 50) -> float:
    from budget_warehouse.extract.document import extract

    text = SAMPLE.read_text(encoding="utf-8")
    extract(text)  # warm up imports and regex caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        extract(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def bench_pdfs(folder: Path, repeat: int = 5) -> None:
    """PDF in: conversion to tab rows, then the whole extraction, per page and per document (median)."""
    import pymupdf

    from budget_warehouse.extract.document import extract_bytes
    from budget_warehouse.extract.pdf import pdf_to_text

    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        print(f"PDF extraction: no PDF in {folder} (set BUDGET_BENCH_PDF_DIR)")
        return
    for path in pdfs:
        data = path.read_bytes()
        pages = len(pymupdf.open(stream=data, filetype="pdf"))
        convert, total = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            pdf_to_text(data)
            convert.append(time.perf_counter() - started)
            started = time.perf_counter()
            try:
                extract_bytes(data, source_name=path.name)
            except Exception as exc:  # a template or a scan: the conversion time still counts
                total.append(float("nan"))
                note = f" ({type(exc).__name__})"
            else:
                total.append(time.perf_counter() - started)
                note = ""
        c, t = statistics.median(convert), statistics.median(total)
        print(f"PDF {path.name}: {pages} pages; PDF → tab rows {c * 1000:.0f} ms ({c / pages * 1000:.1f} ms/page), "
              f"whole extraction {t * 1000:.0f} ms ({t / pages * 1000:.1f} ms/page; a 30-page PDF ≈ {t / pages * 30:.2f} s){note}")


def bench_throughput(files: list[Path]) -> float:
    """Documents per second on one core (one process, no parallelism)."""
    from budget_warehouse.extract.document import extract_file

    started = time.perf_counter()
    for path in files:
        extract_file(path)
    return len(files) / (time.perf_counter() - started)


# The quality step alone, in a fresh process: its time and peak resident memory. (VmHWM, not
# ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child would report this process's peak.)
_QUALITY_CHILD = """
import re, sys, time
from pathlib import Path
from budget_warehouse.quality.run import validate_warehouse
started = time.perf_counter()
validate_warehouse(Path(sys.argv[1]), write_results=False)
status = Path("/proc/self/status").read_text()
print(time.perf_counter() - started, int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024)
"""

def bench_quality(warehouse: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _QUALITY_CHILD, str(warehouse)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[-2]), float(out[-1])


# The report (what `budget-warehouse ingest` writes after publishing), in a fresh process likewise.
_REPORT_CHILD = """
import re, sys, time
from pathlib import Path
from budget_warehouse.report import write_report
started = time.perf_counter()
result = write_report(Path(sys.argv[1]), Path(sys.argv[2]))
status = Path("/proc/self/status").read_text()
print(time.perf_counter() - started, result.pages_written, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
"""


def bench_report(warehouse: Path, out: Path) -> tuple[float, int, float]:
    """Seconds, document pages written, peak MB."""
    seconds, pages, peak = subprocess.run([sys.executable, "-c", _REPORT_CHILD, str(warehouse), str(out)], check=True,
                                          capture_output=True, text=True).stdout.split()[-3:]
    return float(seconds), int(pages), float(peak)


def bench_dbt_fixed_cost(work: Path) -> float:
    """A dbt build of one document (the second such build: partial parsing applies)."""
    from budget_warehouse.dbt_runner import build_warehouse
    from budget_warehouse.extract.document import extract_file
    from budget_warehouse.staging import write_document, write_empty_templates

    staging = work / "one" / "staging"
    write_empty_templates(staging)
    write_document(extract_file(SAMPLE), staging)
    build_warehouse(staging, work / "one" / "first.duckdb")
    started = time.perf_counter()
    build_warehouse(staging, work / "one" / "second.duckdb")
    return time.perf_counter() - started


def _build(plan) -> str:
    if plan is None:
        return "no build (nothing changed)"
    return f"build {'full' if plan.full else 'by document'} ({plan.reason})"


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the corpus and warehouse in this folder")
    parser.add_argument("--pdf-only", action="store_true", help="only the sample and PDF extraction figures")
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    from budget_warehouse import increment
    from budget_warehouse.corpus.cli import write_corpus
    from budget_warehouse.pipeline import run_ingest
    from budget_warehouse.quality.run import validate_warehouse

    work = args.keep or Path(tempfile.mkdtemp(prefix="budget-bench-"))
    raw, warehouse = work / "raw", work / "warehouse" / "budget.duckdb"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    print(f"load average (1/5/15 min) at start: {_load()}")
    sample_ms = bench_sample()
    print(f"sample extraction: {sample_ms:.1f} ms (median of 50)")
    bench_pdfs(Path(os.environ.get("BUDGET_BENCH_PDF_DIR", ROOT / "tests" / "fixtures" / "real")))
    if args.pdf_only:
        return
    from extraction import run as bench_extraction  # benchmarks/extraction.py: ms/document, per-stage split
    bench_extraction(200)

    started = time.perf_counter()
    write_corpus(args.documents, raw, seed=2026)
    (raw / "truth.jsonl").rename(work / "truth.jsonl")
    files = sorted(raw.glob("*.txt"))
    print(f"generated {len(files)} documents in {time.perf_counter() - started:.1f} s "
          f"({sum(f.stat().st_size for f in files) / len(files) / 1024:.0f} KB average)")

    per_core = bench_throughput(files[:200])
    print(f"extraction throughput: {per_core:.0f} documents/s per core (200 documents)")

    def ingest(label: str, **kwargs) -> tuple[float, dict]:
        started = time.perf_counter()
        report = run_ingest([raw], warehouse, validate=validate_warehouse, **kwargs)
        seconds = time.perf_counter() - started
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items() if k != "total")
        print(f"{label}: {seconds:.1f} s ({steps}); {len(report.loaded)} documents, "
              f"quarantined {len(report.quarantined)}; {_build(report.plan)}; load {_load()}")
        return seconds, report.timings

    full, _ = ingest(f"end-to-end ingest of {len(files)} documents")
    _, again = ingest("re-run, nothing changed")
    shutil.copy(SAMPLE, raw / "zz_one_more.txt")
    one, _ = ingest("adding one document to that warehouse")
    (raw / "zz_one_more.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace("8599.56", "8599.66", 1), encoding="utf-8")
    changed, _ = ingest("changing that document")
    ingest_mb, worker_mb = _peak_mb()  # before the checks below, which open the warehouse without a memory cap
    print(f"peak memory of the four ingests: {ingest_mb:.0f} MB in this process (dbt runs in it), "
          f"{worker_mb:.0f} MB in a worker process (extraction or quality)")

    quality_s, quality_mb = bench_quality(warehouse)
    print(f"quality step alone (own process): {quality_s:.1f} s, peak {quality_mb:.0f} MB")
    site = work / "report"
    scratch_s, pages, scratch_mb = bench_report(warehouse, site)
    print(f"report from scratch (own process): {scratch_s:.1f} s, {pages} pages, peak {scratch_mb:.0f} MB")
    state = json.loads((site / ".pages.json").read_text(encoding="utf-8"))
    state.pop(next(iter(sorted(state))))  # as after an ingest that changed one document
    (site / ".pages.json").write_text(json.dumps(state), encoding="utf-8")
    report_s, pages, report_mb = bench_report(warehouse, site)
    print(f"report with one page out of date (own process): {report_s:.1f} s, {pages} page written, peak {report_mb:.0f} MB")
    dbt_fixed = bench_dbt_fixed_cost(work)
    print(f"dbt build of one document (fixed cost, partial parsing): {dbt_fixed:.1f} s")

    size_mb = warehouse.stat().st_size / 2**20
    started = time.perf_counter()
    shutil.copyfile(warehouse, work / "copy.duckdb")
    copy_s = time.perf_counter() - started
    (work / "copy.duckdb").unlink()
    print(f"publishing: the warehouse file is {size_mb:.0f} MB; a copy of it takes {copy_s:.1f} s "
          f"(page cache warm); a build by document renames the previous file instead (no copy)")

    incremental = work / "incremental.duckdb"
    shutil.copyfile(warehouse, incremental)
    ingest("full rebuild of the same staging (--full-refresh)", full_refresh=True)
    after, fresh = increment.table_digests(incremental), increment.table_digests(warehouse)
    differ = sorted(t for t in set(after) | set(fresh) if after.get(t) != fresh.get(t))
    same = not differ
    print(f"warehouse built by document equals the --full-refresh build: {'yes' if same else 'NO: ' + ', '.join(differ)} "
          f"({len(fresh)} tables)")

    print(f"\nGoals (issue 9), {len(files)} documents, load at end {_load()}:")
    rows = [
        (f"{len(files)} documents end to end", "<= 30 s", f"{full:.1f} s", full <= 30),
        ("adding one document", "<= 10 s", f"{one:.1f} s", one <= 10),
        ("changing one document", "<= 10 s", f"{changed:.1f} s", changed <= 10),
        ("publish (copy of the file avoided)", "flat", f"{copy_s:.1f} s saved", None),
        ("quality step peak memory", "<= 1 GB at 10,000", f"{quality_mb:.0f} MB", quality_mb <= 1024),
        ("report after one document changed", "measure", f"{report_s:.1f} s, {report_mb:.0f} MB", None),
        ("ingest peak memory, main process (dbt)", "<= 1 GB at 10,000", f"{ingest_mb:.0f} MB", ingest_mb <= 1024),
        ("ingest peak memory, a worker (GX, extraction)", "<= 1 GB at 10,000", f"{worker_mb:.0f} MB", worker_mb <= 1024),
        ("extraction", ">= 200 docs/s per core", f"{per_core:.0f} docs/s", per_core >= 200),
        ("unchanged-file check (re-run's staging step)", "flat", f"{again.get('extract', 0):.1f} s", None),
        ("dbt fixed cost (1-document build)", "measure", f"{dbt_fixed:.1f} s", None),
        ("build by document equals --full-refresh", "equal", "equal" if same else "DIFFERENT", same),
    ]
    for what, goal, measured, met in rows:
        verdict = "" if met is None else ("met" if met else "missed")
        print(f"  {what:<46} {goal:<24} {measured:>12}  {verdict}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
