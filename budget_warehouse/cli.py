"""Command line: `budget-warehouse ingest | query | alerts | report | generate`.

Exit codes (``budget_warehouse.exit_codes``, README "Operating it"): 0 all loaded, 1 failed,
2 usage, 3 some files quarantined, 4 nothing loaded, 5 another ingest is running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budget_warehouse import exit_codes

DEFAULT_WAREHOUSE = Path("data/warehouse/budget.duckdb")


def _ingest(args) -> int:
    from budget_warehouse.pipeline import PipelineError, run_ingest
    from budget_warehouse.summary import render_summary
    from budget_warehouse.writer_lock import WarehouseBusy

    validate = None
    if not args.no_quality:
        from budget_warehouse.quality.run import validate_warehouse as validate
    try:
        report = run_ingest(
            args.paths, args.warehouse, max_bytes=args.max_bytes, workers=args.workers, validate=validate, wait=args.wait,
            full_refresh=args.full_refresh,
        )
    except WarehouseBusy as exc:
        print(f"budget-warehouse ingest: {exc}; nothing done (use --wait to wait for it)", file=sys.stderr)
        return exit_codes.BUSY
    except (PipelineError, FileNotFoundError) as exc:
        print(f"budget-warehouse ingest: {exc}", file=sys.stderr)
        return exit_codes.FAILED
    print(render_summary(report))
    if not args.no_report:  # the report is part of publishing: it is cheap next to the build, and people read it
        try:
            _write_report(args.warehouse, None, args.paths)
        except Exception as exc:  # the warehouse is published already: say why the report is missing, keep the run
            print(f"budget-warehouse ingest: the report was not written: {exc}", file=sys.stderr)
    return exit_codes.ingest_exit_code(len(report.loaded), len(report.quarantined))


def _write_report(warehouse: Path, out: Path | None, sources: list[Path]) -> int:
    from budget_warehouse.report import default_report_dir, write_report

    result = write_report(warehouse, out or default_report_dir(warehouse), sources)
    for problem in result.problems:
        print(f"budget-warehouse report: {problem}", file=sys.stderr)
    print(f"Report ({result.documents} document(s), {result.pages_written} page(s) written, {result.seconds:.1f} s): "
          f"{result.index.resolve()}")
    return 0


def _report(args) -> int:
    try:
        return _write_report(args.warehouse, args.out, args.sources)
    except FileNotFoundError as exc:
        print(f"budget-warehouse report: {exc}", file=sys.stderr)
        return exit_codes.FAILED


def _query(args) -> int:
    import duckdb

    from budget_warehouse.warehouse import QueryRefused, query, render

    try:
        columns, rows = query(args.warehouse, args.sql)
    except (QueryRefused, FileNotFoundError, duckdb.Error) as exc:  # user input errors: say them plainly
        print(f"budget-warehouse query: {exc}", file=sys.stderr)
        return exit_codes.FAILED
    print(render(columns, rows, args.format))
    return exit_codes.OK


def _alerts(args) -> int:
    """Send each channel what it has not been told: newly failing rule instances of the published
    warehouse, and resolved ones."""
    from budget_warehouse.alerts import AlertConfigError, AlertStateError, load_alert_settings, resolve_config, run_alerts
    from budget_warehouse.quality.published import read_findings

    results = read_findings(args.warehouse)
    if results is None:
        what = "holds no quality results" if args.warehouse.exists() else "does not exist"
        print(f"budget-warehouse alerts: {args.warehouse.resolve()} {what}; run ingest first", file=sys.stderr)
        return exit_codes.FAILED
    root = args.warehouse.resolve().parent
    try:
        config = resolve_config(args.config)
        settings = load_alert_settings(config, default_jsonl_path=root / "alerts.jsonl")
        run = run_alerts(
            results.findings,
            state_path=root / "alert_state.json",
            channels=settings.channels,
            retries=settings.retries,
            backoff_seconds=settings.backoff_seconds,
        )
    except (AlertConfigError, AlertStateError) as exc:  # nothing was sent or marked
        print(f"budget-warehouse alerts: {exc}", file=sys.stderr)
        return exit_codes.FAILED
    channels = ", ".join(c.name for c in settings.channels)
    print(
        f"{len(results.findings)} failing instance(s): {len(run.diff.new)} new, {len(run.diff.resolved)} resolved, "
        f"{len(run.diff.still_failing)} already alerted; config {config or 'none (default channels)'}: {channels}; "
        f"{run.report.summary()}"
    )
    return exit_codes.OK if run.report.ok else exit_codes.FAILED


def _generate(args) -> int:
    from budget_warehouse.corpus.cli import main as generate_main

    return generate_main(args.rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="budget-warehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="extract documents, rebuild the warehouse, run the quality suites, print a summary")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders of budget documents")
    ingest.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")
    ingest.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024, help="larger files are quarantined")
    ingest.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per core)")
    ingest.add_argument("--no-quality", action="store_true", help="skip the Great Expectations suites")
    ingest.add_argument("--full-refresh", action="store_true",
                        help="rebuild every table from staging (default: only the documents whose staging changed)")
    ingest.add_argument("--wait", action="store_true",
                        help="when another ingest of the same warehouse is running, wait for it (default: exit with code 5)")
    ingest.add_argument("--no-report", action="store_true", help="do not write the report (<warehouse folder>/report/)")
    ingest.set_defaults(func=_ingest)

    q = sub.add_parser("query", help="run one SQL statement against the warehouse (read-only)")
    q.add_argument("sql")
    q.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.set_defaults(func=_query)

    al = sub.add_parser("alerts", help="alert on new (and resolved) failing rule instances of the published warehouse")
    al.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    al.add_argument("--config", type=Path, default=None,
                    help="channels (see alerts.example.toml); default: $BUDGET_ALERTS_CONFIG, else the repository's "
                    "alerts.toml if present, else log + <warehouse folder>/alerts.jsonl. A file named here or in the "
                    "variable must exist.")
    al.set_defaults(func=_alerts)

    rep = sub.add_parser("report", help="write the static report site (index + one page per document) of the warehouse")
    rep.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    rep.add_argument("--out", type=Path, default=None, help="folder (default: <warehouse folder>/report)")
    rep.add_argument("--sources", type=Path, nargs="*", default=[Path("data/raw")],
                     help="folders holding the PDF inputs, for the page images of breaks (default: %(default)s)")
    rep.set_defaults(func=_report)

    gen = sub.add_parser("generate", help="write synthetic budget documents with their truth (see corpus)", add_help=False)
    gen.add_argument("rest", nargs=argparse.REMAINDER)
    gen.set_defaults(func=_generate)

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["generate"]:  # its own parser, --help included
        return _generate(argparse.Namespace(rest=argv[1:]))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
