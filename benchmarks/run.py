"""Benchmarks (`make bench`): prints the figures the README records.

1. extraction time of the sample document, and of real PDFs per page and per document;
2. extraction throughput over a generated corpus, documents per second per core;
3. end-to-end ingest of the corpus (extract, dbt build, quality suites, publish);
4. adding one more document to that warehouse;
5. peak memory (this process and its children).

Figures vary with the machine: record them with the machine they came from.
Usage: python benchmarks/run.py [--documents 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the corpus and warehouse in this folder")
    parser.add_argument("--pdf-only", action="store_true", help="only the sample and PDF extraction figures")
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    from budget_warehouse.corpus.cli import write_corpus
    from budget_warehouse.pipeline import run_ingest
    from budget_warehouse.quality.run import validate_warehouse

    work = args.keep or Path(tempfile.mkdtemp(prefix="budget-bench-"))
    raw, warehouse = work / "raw", work / "warehouse" / "budget.duckdb"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    print(f"sample extraction: {bench_sample():.1f} ms (median of 50)")
    bench_pdfs(Path(os.environ.get("BUDGET_BENCH_PDF_DIR", ROOT / "tests" / "fixtures" / "real")))
    if args.pdf_only:
        return

    started = time.perf_counter()
    write_corpus(args.documents, raw, seed=2026)
    (raw / "truth.jsonl").rename(work / "truth.jsonl")
    files = sorted(raw.glob("*.txt"))
    print(f"generated {len(files)} documents in {time.perf_counter() - started:.1f} s "
          f"({sum(f.stat().st_size for f in files) / len(files) / 1024:.0f} KB average)")

    per_core = bench_throughput(files)
    print(f"extraction throughput: {per_core:.0f} documents/s per core")

    started = time.perf_counter()
    report = run_ingest([raw], warehouse, validate=validate_warehouse)
    total = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items() if k != "total")
    print(f"end-to-end ingest of {len(report.loaded)} documents: {total:.1f} s ({steps}); "
          f"quarantined {len(report.quarantined)}")

    extra = raw / "zz_one_more.txt"
    shutil.copy(SAMPLE, extra)
    started = time.perf_counter()
    report = run_ingest([raw], warehouse, validate=validate_warehouse)
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items() if k != "total")
    print(f"adding one document to that warehouse: {time.perf_counter() - started:.1f} s ({steps})")

    own, children = _peak_mb()
    print(f"peak memory: {own:.0f} MB in this process, {children:.0f} MB in the largest child")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
