"""Run the Great Expectations suites on a freshly built warehouse and record the outcome.

``validate_warehouse(db_path)`` is the ``validate`` step of
``pipeline.build_and_publish``: it gets the new DuckDB file after dbt has closed
it and before it is published, and

1. reads ``dq_rule_instance`` (exact: DECIMALs stay Decimal, through Arrow),
   ``rule_catalogue``, ``dim_document`` and the columns of the marts that the
   shape suite checks, on one read-only connection, closed before anything else;
2. runs, in one ephemeral GX context with a pandas data source, one GX suite
   per rule family on that family's rows of dq_rule_instance (one expectation
   per rule: "status is never 'fail'", severity critical for ERROR rules,
   warning for WARN rules) and the shape suite (one GX suite per table);
3. collects every failing rule instance with its evidence from the rows
   themselves (GX's unexpected list is only cross-checked against them);
4. writes, on a read-write connection opened only now (one writer at a time),
   ``dq_check_result`` (one row per rule instance: this run's outcome) and
   ``dq_expectation_result`` (one row per expectation) into the warehouse file,
   replacing any earlier run's rows: the published warehouse holds the results
   of the run that validated it;
5. appends this run's failing instances to the history,
   ``<history_dir>/<run_id>.parquet`` (default ``<db_path.parent>/dq_history``;
   written, possibly empty, for every run, so alerting can diff two runs);
6. builds the GX Data Docs (static HTML, with a plain-HTML run summary on the
   index page) into ``docs_dir`` (default ``<db_path.parent>/data_docs``),
   replacing the previous build with a rename;
7. returns a ``QualityReport``.

A failing rule never raises: it is a finding. The function raises only when it
cannot run (no such file, unreadable suite files, the warehouse locked by a writer).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from budget_warehouse.document_name import document_name_of
from budget_warehouse.quality.results import (
    CHECK_RESULT_TABLE,
    EXPECTATION_RESULT_TABLE,
    QualityReport,
    SuiteOutcome,
)
from budget_warehouse.quality.suites import (
    EXPECTATIONS_DIR,
    FAIL,
    RULE_FAMILIES,
    RULE_TABLE,
    SEVERITIES,
    SHAPE_SUITE,
    Rule,
    columns_used,
    load_suite_specs,
    parameters_used,
    resolve_rule_suite,
    split_by_table,
    to_gx_suite,
)

log = logging.getLogger(__name__)

CATALOGUE_TABLE = "rule_catalogue"
DOCUMENT_TABLE = "dim_document"
DOCS_SITE = "budget_warehouse"
DOCS_MAX_FINDINGS = 500  # failing instances listed on the index page
# Columns of dq_rule_instance the GX suites see (the evidence stays out of GX).
GX_RULE_COLUMNS = ("instance_key", "rule_id", "family", "severity", "status", "document_id")
# Shown for each failing row in the Data Docs (as text): where it is and both sides.
GX_EVIDENCE_COLUMNS = ("instance_key", "document_id", "location", "left_value", "right_value", "difference")
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

# dq_check_result: one row per rule instance evaluated in the run.
CHECK_RESULT_COLUMNS = (
    "run_id", "checked_at", "suite", "expectation", "rule_id", "severity", "instance_key", "document_id",
    "status", "left_value", "right_value", "difference", "location", "source_lines",
)
# The history file adds the evidence a reader needs without the warehouse.
HISTORY_EXTRA_COLUMNS = (
    "family", "table_kind", "table_id", "unit_code", "code", "left_label", "right_label", "tolerance", "note",
    "description",
)


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


# =============================================================================
# Entry points
# =============================================================================


def validate_warehouse(
    db_path: Path,
    *,
    run_id: str | None = None,
    docs_dir: Path | None = None,
    history_dir: Path | None = None,
    suites_dir: Path = EXPECTATIONS_DIR,
    write_results: bool = True,
    published: Path | None = None,
) -> QualityReport:
    """Validate the warehouse at ``db_path``; see the module docstring for what goes where.

    Findings quote their source lines from the warehouse's ``dim_source_line``.
    ``write_results=False`` writes nothing (no tables, docs or history).
    ``published``: the file ``db_path`` will be published as (a build file is
    validated before it is renamed); the report and Data Docs name that one.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no warehouse file to validate")
    checked_at = datetime.now(timezone.utc)
    run_id = _check_run_id(run_id or new_run_id(checked_at))
    docs_dir = Path(docs_dir) if docs_dir is not None else db_path.parent / "data_docs"
    history_dir = Path(history_dir) if history_dir is not None else db_path.parent / "dq_history"
    specs = load_suite_specs(suites_dir)

    started = time.perf_counter()
    data = _read_warehouse(db_path, specs)
    read_seconds = time.perf_counter() - started

    report, rows = _validate(
        data.rules,
        tables=data.tables,
        catalogue=data.catalogue,
        documents=data.documents,
        specs=specs,
        run_id=run_id,
        checked_at=checked_at,
        docs_dir=docs_dir if write_results else None,
        problems=data.problems,
        warehouse=Path(published) if published is not None else db_path,
    )
    report.timings = {"read": read_seconds, **report.timings}

    if report.findings:
        _attach_line_texts(report, db_path)

    if write_results:
        started = time.perf_counter()
        check_table = _check_result_table(data.rules_arrow, rows, run_id, checked_at)
        _write_tables(db_path, {CHECK_RESULT_TABLE: check_table, EXPECTATION_RESULT_TABLE: rows.expectations_arrow()})
        report.history_path = _write_history(history_dir, run_id, data.rules_arrow, check_table, rows)
        report.timings["write"] = time.perf_counter() - started
    if rows.build_docs is not None:
        rows.build_docs()  # last: the docs are replaced only once the results are stored
    return report


def validate_rule_frame(
    rules: pd.DataFrame,
    *,
    catalogue: Iterable[Rule] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    run_id: str | None = None,
    docs_dir: Path | None = None,
    suites_dir: Path = EXPECTATIONS_DIR,
) -> QualityReport:
    """Run the suites on an in-memory dq_rule_instance frame (no warehouse; nothing written but docs).

    ``catalogue`` defaults to the distinct (rule_id, family, severity,
    description) of the frame. ``tables`` (name → frame) enables the shape
    suite's sub-suites for those tables only.
    """
    checked_at = datetime.now(timezone.utc)
    run_id = _check_run_id(run_id or new_run_id(checked_at))
    specs = load_suite_specs(suites_dir)
    missing = [c for c in GX_RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise ValueError(f"the rule frame lacks column(s) {', '.join(missing)} (see dq_rule_instance)")
    if catalogue is None:
        catalogue = _catalogue_from_rules(rules)
    report, rows = _validate(
        rules,
        tables=dict(tables or {}),
        catalogue=list(catalogue),
        documents={},
        specs=specs,
        run_id=run_id,
        checked_at=checked_at,
        docs_dir=docs_dir,
        problems=[],
        shape_tables_required=tables is not None,
    )
    if rows.build_docs is not None:
        rows.build_docs()
    return report


# =============================================================================
# Reading
# =============================================================================


class _WarehouseData:
    def __init__(self) -> None:
        self.rules_arrow: pa.Table | None = None
        self.rules: pd.DataFrame | None = None
        self.catalogue: list[Rule] = []
        self.documents: dict[str, dict[str, Any]] = {}
        self.tables: dict[str, pd.DataFrame | None] = {}
        self.problems: list[str] = []


def _read_warehouse(db_path: Path, specs: Mapping[str, dict]) -> _WarehouseData:

    data = _WarehouseData()
    shape_tables = split_by_table(specs[SHAPE_SUITE])
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        present = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = current_schema()").fetchall()}
        if RULE_TABLE in present:
            # The rule's description repeats on every instance: it comes from the catalogue instead.
            columns = {c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ?", [RULE_TABLE]).fetchall()}
            exclude = " exclude (description)" if "description" in columns else ""
            data.rules_arrow = con.sql(f"select *{exclude} from {RULE_TABLE}").to_arrow_table()
            data.rules = data.rules_arrow.to_pandas()
            missing = [c for c in GX_RULE_COLUMNS if c not in data.rules.columns]
            if missing:
                data.problems.append(f"{RULE_TABLE} lacks column(s) {', '.join(missing)}: the rule suites cannot run")
                data.rules = None
        else:
            data.problems.append(f"the warehouse has no {RULE_TABLE} table: no accounting rule was checked")
        if CATALOGUE_TABLE in present:
            cat = con.sql(f"select * from {CATALOGUE_TABLE}").to_arrow_table().to_pylist()
            data.catalogue = [
                Rule(str(r["rule_id"]), str(r.get("family") or ""), str(r.get("severity") or "ERROR").upper(),
                     str(r.get("description") or ""))
                for r in cat if r.get("rule_id")
            ]
        elif data.rules is not None:
            data.catalogue = _catalogue_from_rules(data.rules)
        if DOCUMENT_TABLE in present:
            for row in con.sql(f"select * from {DOCUMENT_TABLE}").to_arrow_table().to_pylist():
                data.documents[row["document_id"]] = row
        for table, sub in shape_tables.items():
            if table == RULE_TABLE:
                continue  # checked on the rows read above
            if table not in present:
                data.tables[table] = None
                continue
            available = {c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = current_schema() "
                "and table_name = ?", [table]).fetchall()}
            wanted = [c for c in columns_used(sub) if c in available]
            select = ", ".join(f'"{c}"' for c in wanted) if wanted else "1 as _row"
            # Only the checked columns, as pandas frames (amounts as float: only nullness is checked).
            data.tables[table] = con.sql(f"select {select} from {table}").df()
    finally:
        con.close()
    return data


def _catalogue_from_rules(rules: pd.DataFrame) -> list[Rule]:
    cols = [c for c in ("rule_id", "family", "severity", "description") if c in rules.columns]
    out: dict[str, Rule] = {}
    for row in rules[cols].drop_duplicates("rule_id").to_dict("records"):
        if _blank(row.get("rule_id")):
            continue
        out[str(row["rule_id"])] = Rule(
            str(row["rule_id"]),
            "" if _blank(row.get("family")) else str(row["family"]),
            "ERROR" if _blank(row.get("severity")) else str(row["severity"]).upper(),
            "" if _blank(row.get("description")) else str(row["description"]),
        )
    return list(out.values())


# =============================================================================
# Validation
# =============================================================================


class _RunRows:
    """Per-row and per-expectation outcomes of one run (what gets written)."""

    def __init__(self, n_rules: int) -> None:
        self.suite: list[str | None] = [None] * n_rules
        self.expectation: list[str | None] = [None] * n_rules
        self.severity: list[str | None] = [None] * n_rules
        self.description: list[str | None] = [None] * n_rules
        self.expectations: list[dict[str, Any]] = []
        self.build_docs = None  # set by _validate when a docs site was asked for: call it last

    def expectations_arrow(self) -> pa.Table:
        schema = pa.schema([
            ("run_id", pa.string()), ("checked_at", pa.timestamp("us", tz="UTC")), ("suite", pa.string()),
            ("gx_suite", pa.string()), ("expectation", pa.string()), ("expectation_type", pa.string()),
            ("table_name", pa.string()), ("rule_id", pa.string()), ("severity", pa.string()),
            ("success", pa.bool_()), ("element_count", pa.int64()), ("unexpected_count", pa.int64()),
            ("kwargs", pa.string()), ("exception", pa.string()),
        ])
        return pa.Table.from_pylist(self.expectations, schema=schema)


def _validate(
    rules: pd.DataFrame | None,
    *,
    tables: Mapping[str, pd.DataFrame | None],
    catalogue: list[Rule],
    documents: Mapping[str, Mapping[str, Any]],
    specs: Mapping[str, dict],
    run_id: str,
    checked_at: datetime,
    docs_dir: Path | None,
    problems: list[str],
    shape_tables_required: bool = True,
    warehouse: Path | None = None,
) -> tuple[QualityReport, _RunRows]:
    report = QualityReport(run_id=run_id, checked_at=checked_at, warehouse=warehouse, problems=list(problems))
    rows = _RunRows(0 if rules is None else len(rules))

    # Which GX suites run on which frames.
    plans: list[tuple[str, str, dict, pd.DataFrame, dict]] = []  # (suite, asset, spec, frame, params)
    rule_by_id = {r.rule_id: r for r in catalogue}
    unknown_families = sorted({r.family for r in catalogue if r.family and r.family not in RULE_FAMILIES})
    if unknown_families:
        report.problems.append(f"the rule catalogue has unknown famil(ies) {', '.join(unknown_families)}")
    if rules is not None:
        rules = rules.reset_index(drop=True)
        # A rule with instances but missing from the catalogue still gets its expectation.
        unlisted = [r for r in _catalogue_from_rules(rules) if r.rule_id not in rule_by_id and r.family in RULE_FAMILIES]
        if unlisted:
            report.notes.append(f"rule(s) {', '.join(r.rule_id for r in unlisted)} have instances but are not in "
                                "the rule catalogue; their family and severity are taken from dq_rule_instance")
            catalogue = [*catalogue, *unlisted]
            rule_by_id.update({r.rule_id: r for r in unlisted})
        family = rules["family"].astype(object).where(rules["family"].notna(), None)
        orphan = rules.loc[~family.isin(RULE_FAMILIES), "rule_id"]
        if len(orphan):
            report.problems.append(
                f"{len(orphan)} rule instance(s) of rule(s) {', '.join(sorted(map(str, orphan.unique())))} "
                "have no known family (not in the rule catalogue?): no family suite checks them"
            )
        for fam in RULE_FAMILIES:
            spec, notes = resolve_rule_suite(specs[fam], catalogue)
            report.notes += notes
            frame = rules.loc[family == fam, list(GX_RULE_COLUMNS)].copy()
            for name in GX_EVIDENCE_COLUMNS:
                if name not in frame.columns:
                    values = rules.loc[family == fam, name] if name in rules.columns else [None] * len(frame)
                    frame[name] = [_shown(v) for v in values]
            frame["_row"] = frame.index
            frame = frame.reset_index(drop=True)
            plans.append((fam, f"{RULE_TABLE}.{fam}", spec, frame, {}))
            outcome = report.suites.setdefault(fam, SuiteOutcome(fam))
            outcome.instances = len(frame)
            outcome.failed_instances = int((frame["status"] == FAIL).sum())
            exp_name = {e["meta"]["rule_id"]: e["meta"]["name"] for e in spec["expectations"]}
            for idx, rule_id in zip(frame["_row"], frame["rule_id"]):
                rule = rule_by_id.get(rule_id)
                rows.suite[idx] = fam
                rows.expectation[idx] = exp_name.get(rule_id)
                rows.severity[idx] = rule.severity if rule and rule.severity in SEVERITIES else (
                    _severity_of(rules.at[idx, "severity"]))
                rows.description[idx] = rule.description if rule else None
        for idx in orphan.index:
            rows.severity[idx] = _severity_of(rules.at[idx, "severity"])
    else:
        for fam in RULE_FAMILIES:
            report.suites[fam] = SuiteOutcome(fam)

    document_ids = sorted(documents) if documents else None
    shape = report.suites.setdefault(SHAPE_SUITE, SuiteOutcome(SHAPE_SUITE))
    for table, spec in split_by_table(specs[SHAPE_SUITE]).items():
        frame = rules[[c for c in columns_used(spec) if c in rules.columns]] if (
            table == RULE_TABLE and rules is not None and table not in tables) else tables.get(table)
        if frame is None:
            if shape_tables_required and (table != RULE_TABLE or rules is not None or table in tables):
                report.problems.append(f"table {table} is missing: its shape expectations did not run")
                shape.evaluated += len(spec["expectations"])
                shape.failed += len(spec["expectations"])
                shape.errors += sum(e["meta"]["severity"] == "ERROR" for e in spec["expectations"])
                shape.failed_expectations += [e["meta"]["name"] for e in spec["expectations"]]
            continue
        params: dict[str, Any] = {}
        if "document_ids" in parameters_used(spec):
            if document_ids is None:
                spec = {**spec, "expectations": [e for e in spec["expectations"]
                                                 if "document_ids" not in parameters_used({"expectations": [e]})]}
            else:
                params["document_ids"] = document_ids
        plans.append((SHAPE_SUITE, table, spec, frame, params))

    started = time.perf_counter()
    context, build_dir, results = _run_gx(plans, run_id, checked_at, docs_dir, report)
    report.timings["validate"] = time.perf_counter() - started - report.timings.get("gx import", 0.0)

    for (suite_name, asset, spec, frame, _), result in zip(plans, results):
        outcome = report.suites.setdefault(suite_name, SuiteOutcome(suite_name))
        outcome.gx_suites.append(spec["name"])
        table = RULE_TABLE if suite_name in RULE_FAMILIES else asset
        for r in result.results:
            meta = r.expectation_config.meta or {}
            name = meta.get("name") or r.expectation_config.type
            severity = meta.get("severity", "ERROR")
            exception = (r.exception_info or {}).get("exception_message") if (r.exception_info or {}).get(
                "raised_exception") else None
            res = r.result or {}
            outcome.evaluated += 1
            if r.success:
                outcome.passed += 1
            else:
                outcome.failed += 1
                outcome.failed_expectations.append(name)
                if severity == "ERROR":
                    outcome.errors += 1
                else:
                    outcome.warnings += 1
            if exception:
                report.problems.append(f"suite {spec['name']}: expectation {name!r} raised: {exception}")
            rows.expectations.append({
                "run_id": run_id, "checked_at": checked_at, "suite": suite_name, "gx_suite": spec["name"],
                "expectation": name, "expectation_type": r.expectation_config.type, "table_name": table,
                "rule_id": meta.get("rule_id"), "severity": severity, "success": bool(r.success),
                "element_count": res.get("element_count"), "unexpected_count": res.get("unexpected_count"),
                "kwargs": _json(_plain_kwargs(r.expectation_config.kwargs)), "exception": exception,
            })
            if suite_name in RULE_FAMILIES and meta.get("rule_id") is not None and not exception:
                _cross_check(report, meta["rule_id"], res, frame)

    if rules is not None:
        report.findings = _findings(rules, rows, documents)
    rows.build_docs = (lambda: _build_docs(context, build_dir, docs_dir, report)) if build_dir is not None else None
    return report, rows


def _cross_check(report: QualityReport, rule_id: str, res: Mapping[str, Any], frame: pd.DataFrame) -> None:
    """GX's unexpected rows for a rule must be exactly the rule's failing rows."""
    expected = set(frame.loc[(frame["rule_id"] == rule_id) & (frame["status"] == FAIL), "instance_key"].astype(str))
    unexpected = res.get("unexpected_index_list")
    if unexpected is None:
        if res.get("unexpected_count") != len(expected):
            report.problems.append(f"rule {rule_id}: GX counted {res.get('unexpected_count')} failing rows, "
                                   f"dq_rule_instance has {len(expected)}")
        return
    found = {str(u["instance_key"]) if isinstance(u, Mapping) else str(frame.at[u, "instance_key"]) for u in unexpected}
    if found != expected:
        report.problems.append(
            f"rule {rule_id}: GX flagged {len(found)} instance(s), dq_rule_instance has {len(expected)} failing "
            f"(differ: {', '.join(sorted(found ^ expected)[:5])})"
        )


def _run_gx(plans, run_id: str, checked_at: datetime, docs_dir: Path | None, report: QualityReport):
    """Validate every (suite, frame) in one ephemeral GX context (with a docs site when asked).

    Returns (context, folder the docs site builds into or None, results in plan order).
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    report.timings["gx import"] = time.perf_counter() - started
    build_dir = None
    sites: dict[str, Any] = {}
    if docs_dir is not None:
        build_dir = docs_dir.parent / f".{docs_dir.name}.{run_id}.building"
        shutil.rmtree(build_dir, ignore_errors=True)
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(build_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_how_to_buttons": False},
        }
    # In-memory stores; our docs site only (GX's default ephemeral site would point at a temp folder).
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas("warehouse")
    gx_run_id = RunIdentifier(run_name=run_id, run_time=checked_at)
    results = []
    for suite_name, asset_name, spec, frame, params in plans:
        asset = source.add_dataframe_asset(asset_name)
        batch = asset.add_batch_definition_whole_dataframe("whole table")
        suite = context.suites.add(to_gx_suite(spec))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec["name"], data=batch, suite=suite))
        if suite_name in RULE_FAMILIES:
            fmt: Any = {"result_format": "COMPLETE", "unexpected_index_column_names": list(GX_EVIDENCE_COLUMNS),
                        "partial_unexpected_count": 20}
        else:
            fmt = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
        results.append(definition.run(batch_parameters={"dataframe": frame}, expectation_parameters=params or None,
                                      result_format=fmt, run_id=gx_run_id))
    return context, build_dir, results


def _build_docs(context, build_dir: Path, docs_dir: Path, report: QualityReport) -> None:
    """GX's site for this run, plus a static summary on its index page, swapped into ``docs_dir``."""
    started = time.perf_counter()
    try:
        context.build_data_docs(site_names=[DOCS_SITE])
        _add_run_summary(build_dir, report)
        _publish_dir(build_dir, docs_dir)
        report.docs_index = docs_dir / "index.html"
    except Exception as exc:  # the docs are a view: a renderer bug must not lose the results
        log.exception("building the Data Docs failed")
        report.problems.append(f"Data Docs not built: {type(exc).__name__}: {exc}")
        shutil.rmtree(build_dir, ignore_errors=True)
    report.timings["docs"] = time.perf_counter() - started


def _add_run_summary(site: Path, report: QualityReport) -> None:
    """Put the run's outcome on GX's index page as plain HTML.

    GX fills its validation-results table with JavaScript from CDNs; this
    block (per suite: outcome and a link to each validation page; every failing
    rule instance with its evidence) shows without network or scripts.
    """
    from html import escape

    def link(gx_suite: str) -> str:
        folder = site / "validations" / Path(*gx_suite.split(".")) / report.run_id
        pages = sorted(folder.rglob("*.html")) if folder.exists() else []
        if not pages:
            return escape(gx_suite)
        return f'<a href="{escape(pages[0].relative_to(site).as_posix())}">{escape(gx_suite)}</a>'

    def amount(value) -> str:
        return escape(_shown(value)) or "—"

    verdict = "PASSED" if report.passed else "FAILED"
    out = [
        '<div id="budget-warehouse-run" class="container-fluid mb-4 px-0">',
        f"<h3>Quality run {escape(report.run_id)}: {verdict}</h3>",
        f"<p>Checked {escape(report.checked_at.isoformat(timespec='seconds'))}"
        + (f" — warehouse {escape(str(report.warehouse))}" if report.warehouse else "") + "</p>",
        '<table class="table table-sm"><thead><tr><th>suite</th><th>validation results</th><th>expectations</th>'
        "<th>passed</th><th>failed (ERROR / WARN)</th><th>rule instances</th><th>failing instances</th></tr></thead><tbody>",
    ]
    for s in report.suites.values():
        out.append(
            f"<tr><td>{escape(s.name)}</td><td>{', '.join(link(g) for g in s.gx_suites) or '—'}</td>"
            f"<td>{s.evaluated}</td><td>{s.passed}</td><td>{s.failed} ({s.errors} / {s.warnings})</td>"
            f"<td>{s.instances}</td><td>{s.failed_instances}</td></tr>"
        )
    out.append("</tbody></table>")
    for problem in report.problems:
        out.append(f'<p class="text-danger">Problem: {escape(problem)}</p>')
    if report.findings:
        out.append(
            '<h4>Failing rule instances</h4><table class="table table-sm"><thead><tr><th>severity</th><th>rule</th>'
            "<th>document</th><th>table</th><th>location</th><th>lines</th><th>left</th><th>right</th>"
            "<th>difference</th></tr></thead><tbody>"
        )
        for f in report.findings[:DOCS_MAX_FINDINGS]:
            out.append(
                f"<tr><td>{escape(f['severity'])}</td><td>{escape(f['rule_id'])}</td>"
                f"<td>{escape(f['document_name'] or f['document_id'])}</td>"
                f"<td>{escape(' '.join(x for x in (f['table_id'], f['table_kind']) if x))}</td>"
                f"<td>{escape(f['location'] or '')}</td><td>{escape(', '.join(map(str, f['source_lines'])))}</td>"
                f"<td>{amount(f['left_value'])} <small>{escape(f['left_label'] or '')}</small></td>"
                f"<td>{amount(f['right_value'])} <small>{escape(f['right_label'] or '')}</small></td>"
                f"<td>{amount(f['difference'])}</td></tr>"
            )
        out.append("</tbody></table>")
        if len(report.findings) > DOCS_MAX_FINDINGS:
            out.append(f"<p>… and {len(report.findings) - DOCS_MAX_FINDINGS} more: table {CHECK_RESULT_TABLE} "
                       "(status 'fail') or the validation pages above.</p>")
    out.append("</div>")
    index = site / "index.html"
    page = index.read_text(encoding="utf-8")
    block = "\n".join(out) + "\n"
    anchor = '<div id="section-1" '
    page = page.replace(anchor, block + anchor, 1) if anchor in page else page.replace("<body>", "<body>\n" + block, 1)
    index.write_text(page, encoding="utf-8")


def _publish_dir(build_dir: Path, target: Path) -> None:
    """Replace ``target`` by ``build_dir`` (two renames; the old build is removed afterwards)."""
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(build_dir, target)
    shutil.rmtree(old, ignore_errors=True)


# =============================================================================
# Findings
# =============================================================================

_EVIDENCE_TEXT = ("document_id", "table_kind", "table_id", "location", "unit_code", "code", "left_label",
                  "right_label", "note")
_EVIDENCE_AMOUNTS = ("left_value", "right_value", "difference", "tolerance")


def _findings(rules: pd.DataFrame, rows: _RunRows, documents: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """One dict per failing rule instance (of a known family), ready for ``Finding.from_row``."""
    out = []
    failing = rules.index[(rules["status"] == FAIL).to_numpy()]
    for idx in failing:
        if rows.suite[idx] is None:
            continue  # no family: reported as a problem, Finding needs a family
        row = rules.loc[idx]
        get = lambda name: None if name not in rules.columns or _blank(row[name]) else row[name]  # noqa: E731
        doc = documents.get(str(row["document_id"])) or {}
        finding: dict[str, Any] = {
            "instance_key": str(row["instance_key"]),
            "rule_id": str(row["rule_id"]),
            "family": rows.suite[idx],
            "severity": rows.severity[idx] or "ERROR",
            "status": FAIL,
            "suite": rows.suite[idx],
            "expectation": rows.expectation[idx],
            "description": rows.description[idx] or (get("description") or ""),
            "document_name": document_name_of(doc) if doc else "",
            "document_title": doc.get("title") or "",
        }
        for name in _EVIDENCE_TEXT:
            value = get(name)
            finding[name] = None if value is None else str(value)
        for name in _EVIDENCE_AMOUNTS:
            finding[name] = _decimal(get(name))
        finding["row_label"] = finding["location"]  # Finding's name for the place within the table
        finding["left"] = finding["left_value"]
        finding["right"] = finding["right_value"]
        lines = get("source_lines")
        finding["source_lines"] = [] if lines is None else [int(n) for n in lines if not _blank(n)]
        finding["line_texts"] = []
        out.append(finding)
    out.sort(key=lambda f: (f["severity"] != "ERROR", f["document_id"], f["rule_id"], f["instance_key"]))
    return out


def _attach_line_texts(report: QualityReport, db_path: Path) -> None:
    """Fill each finding's ``line_texts`` from ``dim_source_line`` (read-only)."""
    wanted: dict[str, set[int]] = {}
    for finding in report.findings:
        wanted.setdefault(finding["document_id"], set()).update(finding["source_lines"])
    texts: dict[tuple[str, int], str] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        if not con.execute("select count(*) from information_schema.tables where table_name = 'dim_source_line'").fetchone()[0]:
            report.notes.append("no dim_source_line table: findings carry no line texts")
            return
        for doc_id, lines in wanted.items():
            rows = con.execute(
                "select source_line, text from dim_source_line where document_id = ? and list_contains(?, source_line)",
                [doc_id, sorted(lines)],
            ).fetchall()
            texts.update({(doc_id, n): text for n, text in rows})
    for finding in report.findings:
        finding["line_texts"] = [texts.get((finding["document_id"], n), "") for n in finding["source_lines"]]


# =============================================================================
# Writing
# =============================================================================


def _check_result_table(rules: pa.Table | None, rows: _RunRows, run_id: str, checked_at: datetime) -> pa.Table:
    """dq_check_result as Arrow: the instance's own columns (exact types) plus the run's."""
    n = 0 if rules is None else rules.num_rows
    columns: dict[str, pa.Array] = {
        "run_id": pa.array([run_id] * n, pa.string()),
        "checked_at": pa.array([checked_at] * n, pa.timestamp("us", tz="UTC")),
        "suite": pa.array(rows.suite[:n], pa.string()),
        "expectation": pa.array(rows.expectation[:n], pa.string()),
        "severity": pa.array(rows.severity[:n], pa.string()),
    }
    fallback = {"left_value": pa.decimal128(20, 6), "right_value": pa.decimal128(20, 6),
                "difference": pa.decimal128(20, 6), "source_lines": pa.list_(pa.int32())}
    for name in CHECK_RESULT_COLUMNS:
        if name in columns:
            continue
        if rules is not None and name in rules.column_names:
            columns[name] = rules.column(name)
        else:
            columns[name] = pa.nulls(n, fallback.get(name, pa.string()))
    return pa.table({name: columns[name] for name in CHECK_RESULT_COLUMNS})


def _write_tables(db_path: Path, tables: Mapping[str, pa.Table]) -> None:
    """Replace the run's tables in the warehouse: the only read-write connection of the run."""
    import duckdb

    con = duckdb.connect(str(db_path))
    try:
        con.execute("begin")
        for name, table in tables.items():
            con.register("_quality_rows", table)
            con.execute(f"create or replace table {name} as select * from _quality_rows")
            con.unregister("_quality_rows")
        con.execute("commit")
    finally:
        con.close()


def _write_history(history_dir: Path, run_id: str, rules: pa.Table | None, check: pa.Table, rows: _RunRows) -> Path:
    """``<history_dir>/<run_id>.parquet``: this run's failing instances (an empty file when none fail)."""
    table = check
    extra: dict[str, pa.Array] = {}
    for name in HISTORY_EXTRA_COLUMNS:
        if name == "family":
            extra[name] = check.column("suite")
        elif name == "description":
            extra[name] = pa.array(rows.description[: check.num_rows], pa.string())
        elif rules is not None and name in rules.column_names:
            extra[name] = rules.column(name)
        else:
            extra[name] = pa.nulls(check.num_rows, pa.decimal128(20, 6) if name == "tolerance" else pa.string())
    for name, column in extra.items():
        table = table.append_column(name, column)
    failing = pc.fill_null(pc.equal(table.column("status"), FAIL), False)
    table = table.filter(failing)
    history_dir.mkdir(parents=True, exist_ok=True)
    path = history_dir / f"{run_id}.parquet"
    tmp = history_dir / f".{run_id}.parquet.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return path


# =============================================================================
# Small helpers
# =============================================================================


def _check_run_id(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run_id {run_id!r}: use letters, digits, '.', '_' and '-' only (it names files)")
    return run_id


def _blank(value: Any) -> bool:
    """SQL NULL, NaN, pandas NA; a list or array is never blank."""
    if value is None:
        return True
    if isinstance(value, (list, tuple)) or hasattr(value, "shape"):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _shown(value: Any) -> str:
    """Evidence as text for the Data Docs: amounts exact, with at least two decimals."""
    from decimal import Decimal

    from budget_warehouse.alerts.findings import decimal_to_str, normalize_decimal

    if _blank(value):
        return ""
    if isinstance(value, Decimal) and value.is_finite():
        return decimal_to_str(normalize_decimal(value))
    return str(value)


def _severity_of(value: Any) -> str:
    text = "" if _blank(value) else str(value).upper()
    return {"WARNING": "WARN"}.get(text, text) if text in ("ERROR", "WARN", "WARNING") else "ERROR"


def _decimal(value: Any):
    from decimal import Decimal

    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(str(value))


def _plain_kwargs(kwargs: Mapping[str, Any]) -> dict:
    return {k: v for k, v in dict(kwargs).items() if k not in ("batch_id",)}


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
