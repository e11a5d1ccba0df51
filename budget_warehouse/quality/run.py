"""Run the Great Expectations suites on a freshly built warehouse and record the outcome.

``validate_warehouse(db_path)`` is the ``validate`` step of
``pipeline.build_and_publish``: it gets the new DuckDB file after dbt has closed
it and before it is published. Memory does not grow with the warehouse: the
rule instances stay in DuckDB (``database``) and GX sees small frames.

1. on one read-only connection, closed before anything else, DuckDB computes
   the per-rule summaries, the documents the last build recomputed
   (``document_scope``), their failing instances (with their evidence), and for
   each table of the shape suite the rows that can violate its expectations;
2. one ephemeral GX context with a pandas data source runs one GX suite per
   rule family (one expectation per rule: "status is never 'fail'", severity
   critical for ERROR rules, warning for WARN rules) on the family's failing
   instances of the recomputed documents, the ``rule_summary`` suite on the
   per-rule summary (no rule has a failing instance anywhere: it vouches for the
   failing instances of documents not recomputed, validated by earlier runs), and
   the shape suite (one GX suite per table) on the suspect rows of the recomputed
   documents. A passing
   instance cannot make "never 'fail'" fail, so GX is not shown the passing ones:
   its work follows what the build changed, not the size of the warehouse. GX's
   verdicts are cross-checked against the summary; a rule GX did not see row by
   row takes the summary's verdict (the Data Docs' validation pages list the
   expectations GX ran; dq_expectation_result and the run summary list every one);
3. evidence strings are built for those failing instances only (the run's findings);
4. on a read-write connection opened only now (one writer at a time):
   ``dq_check_rule`` (the run's expectation and severity per rule),
   ``dq_check_result`` (one row per rule instance: this run's outcome; a view
   of dq_rule_instance and dq_check_rule) and ``dq_expectation_result`` (one
   row per expectation; ``element_count`` is the number of rows the expectation
   covers in the warehouse), replacing any earlier run's: the published
   warehouse holds the results of the run that validated it;
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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from budget_warehouse.document_name import document_name_of
from budget_warehouse.quality import database
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
    SUMMARY_SUITE,
    Rule,
    load_suite_specs,
    parameters_used,
    resolve_rule_suite,
    rule_summary_suite,
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


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


# =============================================================================
# Entry points
# =============================================================================


def preload() -> None:
    """Import Great Expectations now (seconds), e.g. in a worker that will validate once dbt is done."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations  # noqa: F401


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
    con = database.connect(str(db_path), read_only=True)
    try:
        data = _read(con, specs)
    finally:
        con.close()
    read_seconds = time.perf_counter() - started

    report, runs = _validate(data, specs=specs, run_id=run_id, checked_at=checked_at,
                             docs_dir=docs_dir if write_results else None,
                             warehouse=Path(published) if published is not None else db_path)
    report.timings = {"read": read_seconds, **report.timings}
    data.failing = None  # in the findings now; freed before the line texts are read (a full build: ~47 k rows)

    if report.findings:
        _attach_line_texts(report, db_path)

    if write_results:
        started = time.perf_counter()
        con = database.connect(str(db_path), read_only=False)
        try:
            con.execute("begin")
            _write_results(con, data, runs, run_id, checked_at)
            history = database.history_rows(con, data.rule_columns, run_id, checked_at)
            con.execute("commit")
        finally:
            con.close()
        report.history_path = _write_history(history_dir, run_id, history)
        report.timings["write"] = time.perf_counter() - started
    if runs.build_docs is not None:
        runs.build_docs()  # last: the docs are replaced only once the results are stored
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
    suite's sub-suites for those tables only. The frames go through the same
    SQL as a warehouse, in an in-memory DuckDB.
    """
    checked_at = datetime.now(timezone.utc)
    run_id = _check_run_id(run_id or new_run_id(checked_at))
    specs = load_suite_specs(suites_dir)
    missing = [c for c in GX_RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise ValueError(f"the rule frame lacks column(s) {', '.join(missing)} (see dq_rule_instance)")
    con = database.connect(":memory:", read_only=False)
    try:
        for name, frame in {RULE_TABLE: rules, **dict(tables or {})}.items():
            con.register("_frame", pa.Table.from_pandas(frame, preserve_index=False))
            con.execute(f"create table {database.quote(name)} as select * from _frame")
            con.unregister("_frame")
        data = _read(con, specs, catalogue=None if catalogue is None else list(catalogue),
                     shape_tables_required=tables is not None)
    finally:
        con.close()
    report, runs = _validate(data, specs=specs, run_id=run_id, checked_at=checked_at, docs_dir=docs_dir)
    if runs.build_docs is not None:
        runs.build_docs()
    return report


# =============================================================================
# Reading (small frames only)
# =============================================================================


@dataclass
class _Data:
    rule_columns: list[str] = field(default_factory=list)  # of dq_rule_instance; empty: no usable table
    summary: list[dict[str, Any]] = field(default_factory=list)  # per (rule, family, severity)
    failing: pa.Table | None = None  # failing instances of the recomputed documents, evidence included
    recomputed: list[str] | None = None  # documents the last build recomputed; None: all
    catalogue: list[Rule] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    shape: dict[str, tuple[pd.DataFrame | None, int]] = field(default_factory=dict)  # table -> (rows, row count)
    problems: list[str] = field(default_factory=list)
    shape_tables_required: bool = True


def _read(con, specs: Mapping[str, dict], *, catalogue: list[Rule] | None = None,
          shape_tables_required: bool = True) -> _Data:
    data = _Data(shape_tables_required=shape_tables_required)
    present = database.relations(con)
    data.recomputed = database.recomputed_documents(con)
    if RULE_TABLE in present:
        columns = database.columns_of(con, RULE_TABLE)
        missing = [c for c in GX_RULE_COLUMNS if c not in columns]
        if missing:
            data.problems.append(f"{RULE_TABLE} lacks column(s) {', '.join(missing)}: the rule suites cannot run")
        else:
            data.rule_columns = columns
            data.summary = database.rule_summary(con, columns)
            data.failing = database.rule_rows(con, columns, data.recomputed)
    else:
        data.problems.append(f"the warehouse has no {RULE_TABLE} table: no accounting rule was checked")
    if catalogue is not None:
        data.catalogue = catalogue
    elif CATALOGUE_TABLE in present:
        data.catalogue = [
            Rule(str(r["rule_id"]), str(r.get("family") or ""), str(r.get("severity") or "ERROR").upper(),
                 str(r.get("description") or ""))
            for r in database.arrow(con, f"select * from {CATALOGUE_TABLE}").to_pylist() if r.get("rule_id")
        ]
    else:
        data.catalogue = _catalogue_from_summary(data.summary)
    if DOCUMENT_TABLE in present:
        for row in database.arrow(con, f"select * from {DOCUMENT_TABLE}").to_pylist():
            data.documents[row["document_id"]] = row
    for table, sub in split_by_table(specs[SHAPE_SUITE]).items():
        if table not in present or (table == RULE_TABLE and not data.rule_columns):
            data.shape[table] = (None, 0)
            continue
        if DOCUMENT_TABLE not in present and "document_ids" in parameters_used(sub):
            sub = _without_document_ids(sub)
        data.shape[table] = database.shape_rows(con, table, sub, data.recomputed)
    return data


def _without_document_ids(spec: Mapping[str, Any]) -> dict:
    """The sub-suite without the expectations that need dim_document's ids (no dim_document to read them)."""
    return {**spec, "expectations": [e for e in spec["expectations"]
                                     if "document_ids" not in parameters_used({"expectations": [e]})]}


def _catalogue_from_summary(summary: Iterable[Mapping[str, Any]]) -> list[Rule]:
    out: dict[str, Rule] = {}
    for row in summary:
        if _blank(row.get("rule_id")) or str(row["rule_id"]) in out:
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
    """What the run writes besides the findings: the rule map and one row per expectation."""

    def __init__(self, run_id: str, checked_at: datetime) -> None:
        self.run_id, self.checked_at = run_id, checked_at
        self.check_rules: list[dict[str, Any]] = []  # dq_check_rule rows
        self.expectations: list[dict[str, Any]] = []
        self.build_docs = None  # set by _validate when a docs site was asked for: call it last

    def add_expectation(self, **row: Any) -> None:
        """One dq_expectation_result row (the columns of ``expectations_arrow`` but the run's own)."""
        self.expectations.append({"run_id": self.run_id, "checked_at": self.checked_at, **row})

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
    data: _Data,
    *,
    specs: Mapping[str, dict],
    run_id: str,
    checked_at: datetime,
    docs_dir: Path | None,
    warehouse: Path | None = None,
) -> tuple[QualityReport, _RunRows]:
    report = QualityReport(run_id=run_id, checked_at=checked_at, warehouse=warehouse, problems=list(data.problems))
    rows = _RunRows(run_id, checked_at)

    # Which GX suites run on which frames: (suite, asset, spec, frame, params, element counts).
    plans: list[tuple[str, str, dict, pd.DataFrame, dict, dict]] = []
    catalogue = list(data.catalogue)
    rule_by_id = {r.rule_id: r for r in catalogue}
    unknown_families = sorted({r.family for r in catalogue if r.family and r.family not in RULE_FAMILIES})
    if unknown_families:
        report.problems.append(f"the rule catalogue has unknown famil(ies) {', '.join(unknown_families)}")
    failing = pd.DataFrame(columns=list(GX_RULE_COLUMNS))
    if data.rule_columns:
        # A rule with instances but missing from the catalogue still gets its expectation.
        unlisted = [r for r in _catalogue_from_summary(data.summary)
                    if r.rule_id not in rule_by_id and r.family in RULE_FAMILIES]
        if unlisted:
            report.notes.append(f"rule(s) {', '.join(r.rule_id for r in unlisted)} have instances but are not in "
                                "the rule catalogue; their family and severity are taken from dq_rule_instance")
            catalogue = [*catalogue, *unlisted]
            rule_by_id.update({r.rule_id: r for r in unlisted})
        orphan = [s for s in data.summary if s["family"] not in RULE_FAMILIES]
        if orphan:
            report.problems.append(
                f"{sum(s['instances'] for s in orphan)} rule instance(s) of rule(s) "
                f"{', '.join(sorted({str(s['rule_id']) for s in orphan}))} "
                "have no known family (not in the rule catalogue?): no family suite checks them"
            )
        # GX sees row by row the failing instances of the documents the build recomputed (all of them after
        # a full build); the others passed GX when their documents were built and are vouched for by the
        # summary suite. They are the run's findings too: the others are in dq_check_result and the alerts.
        failing = data.failing.to_pandas()
        for fam in RULE_FAMILIES:
            spec, notes = resolve_rule_suite(specs[fam], catalogue)
            report.notes += notes
            exp_name = {e["meta"]["rule_id"]: e["meta"]["name"] for e in spec["expectations"]}
            summary = [s for s in data.summary if s["family"] == fam]
            instances: dict[str, int] = {}
            for s in summary:
                instances[s["rule_id"]] = instances.get(s["rule_id"], 0) + s["instances"]
            plans.append((fam, f"{RULE_TABLE}.{fam}", spec, _rule_frame(failing, fam), {}, instances))
            outcome = report.suites.setdefault(fam, SuiteOutcome(fam))
            outcome.instances = sum(s["instances"] for s in summary)
            outcome.failed_instances = sum(s["failing"] for s in summary)
            outcome.within_tolerance_instances = sum(s["within_tolerance"] for s in summary)
            for rule_id in instances:
                rule = rule_by_id.get(rule_id)
                rows.check_rules.append({
                    "suite": fam, "rule_id": rule_id, "expectation": exp_name.get(rule_id),
                    # None: the row's own severity decides (a catalogue severity the run does not know)
                    "severity": rule.severity if rule and rule.severity in SEVERITIES else None,
                    "description": rule.description if rule else None,
                })
        summary = pd.DataFrame([{k: s[k] for k in ("rule_id", "family", "severity", "instances", "failing")}
                                for s in data.summary if s["family"] in RULE_FAMILIES],
                               columns=["rule_id", "family", "severity", "instances", "failing"])
        plans.append((SUMMARY_SUITE, f"{RULE_TABLE}.summary", rule_summary_suite(), summary, {},
                      {None: int(summary["instances"].sum())}))
    else:
        for fam in RULE_FAMILIES:
            report.suites[fam] = SuiteOutcome(fam)

    document_ids = sorted(data.documents) if data.documents else None
    shape = report.suites.setdefault(SHAPE_SUITE, SuiteOutcome(SHAPE_SUITE))
    for table, spec in split_by_table(specs[SHAPE_SUITE]).items():
        frame, count = data.shape.get(table, (None, 0))
        if frame is None:
            if data.shape_tables_required and table != RULE_TABLE:
                report.problems.append(f"table {table} is missing: its shape expectations did not run")
                shape.evaluated += len(spec["expectations"])
                shape.failed += len(spec["expectations"])
                shape.errors += sum(e["meta"]["severity"] == "ERROR" for e in spec["expectations"])
                shape.failed_expectations += [e["meta"]["name"] for e in spec["expectations"]]
            continue
        params: dict[str, Any] = {}
        if database.DOCUMENT_IDS in parameters_used(spec):
            if document_ids is None:
                spec = _without_document_ids(spec)
            else:
                params[database.DOCUMENT_IDS] = document_ids
        plans.append((SHAPE_SUITE, table, spec, frame, params, {None: count}))

    started = time.perf_counter()
    # GX runs a rule family's expectations only for the rules with rows in its frame (the others take the
    # summary suite's verdict below, their counts from the summary), and a table's shape suite only when
    # some row can violate it: no suspect row of a non-empty table, nothing to run (recorded as passed).
    gx_plans = [(s, a, _rules_in_frame(spec, frame) if s in RULE_FAMILIES else spec, frame, params)
                if s != SHAPE_SUITE or len(frame) or not counts[None] else None
                for s, a, spec, frame, params, counts in plans]
    context, build_dir, results = _run_gx(gx_plans, run_id, checked_at, docs_dir, report)
    report.timings["validate"] = time.perf_counter() - started - report.timings.get("gx import", 0.0)

    failing_rules = _summary_verdict(report, rows, plans, results)
    for (suite_name, asset, spec, frame, _, counts), result in zip(plans, results):
        if suite_name == SUMMARY_SUITE:
            continue
        outcome = report.suites.setdefault(suite_name, SuiteOutcome(suite_name))
        if result is not None:
            outcome.gx_suites.append(spec["name"])
        table = RULE_TABLE if suite_name in RULE_FAMILIES else asset
        for r in result.results if result is not None else ():
            meta = r.expectation_config.meta or {}
            name = meta.get("name") or r.expectation_config.type
            severity = meta.get("severity", "ERROR")
            exception = _exception(r)
            res = r.result or {}
            outcome.count(name, bool(r.success), severity)
            if exception:
                report.problems.append(f"suite {spec['name']}: expectation {name!r} raised: {exception}")
            rows.add_expectation(
                suite=suite_name, gx_suite=spec["name"], expectation=name, expectation_type=r.expectation_config.type,
                table_name=table, rule_id=meta.get("rule_id"), severity=severity, success=bool(r.success),
                # the rows the expectation covers in the warehouse (GX saw only those that can fail)
                element_count=counts.get(meta.get("rule_id"), 0) if suite_name in RULE_FAMILIES else counts[None],
                unexpected_count=res.get("unexpected_count"),
                kwargs=_json(_plain_kwargs(r.expectation_config.kwargs)), exception=exception,
            )
            if suite_name in RULE_FAMILIES and meta.get("rule_id") is not None and not exception:
                _cross_check(report, meta["rule_id"], res, frame, failing)
        ran = {(r.expectation_config.meta or {}).get("name") for r in result.results} if result is not None else set()
        for e in spec["expectations"]:
            if e["meta"]["name"] in ran:
                continue
            rule_id, severity = e["meta"].get("rule_id"), e["meta"].get("severity", "ERROR")
            # a failing rule GX did not see row by row fails only in documents this build did not recompute
            unexpected = failing_rules.get(rule_id, 0) if suite_name in RULE_FAMILIES else 0
            outcome.count(e["meta"]["name"], not unexpected, severity)
            rows.add_expectation(
                suite=suite_name, gx_suite=spec["name"], expectation=e["meta"]["name"], expectation_type=e["type"],
                table_name=table, rule_id=rule_id, severity=severity, success=not unexpected,
                element_count=counts.get(rule_id, 0), unexpected_count=unexpected, kwargs=_json(e["kwargs"]),
                exception=None,
            )

    report.findings = _findings(failing, catalogue, plans, data.documents)
    rows.build_docs = (lambda: _build_docs(context, build_dir, docs_dir, report)) if build_dir is not None else None
    return report, rows


def _exception(result) -> str | None:
    """What an expectation raised in GX, if it did."""
    info = result.exception_info or {}
    return info.get("exception_message") if info.get("raised_exception") else None


def _rules_in_frame(spec: Mapping[str, Any], frame: pd.DataFrame) -> dict:
    """A rule family's suite with the expectations of the rules that have rows in ``frame`` only."""
    present = set(frame["rule_id"].dropna().astype(str))
    return {**spec, "expectations": [e for e in spec["expectations"] if e["meta"].get("rule_id") is None
                                     or str(e["meta"]["rule_id"]) in present]}


def _rule_frame(failing: pd.DataFrame, family: str) -> pd.DataFrame:
    """What GX sees of a family: the given failing instances, with their evidence as text."""
    sub = failing.loc[(failing["family"] == family).fillna(False).to_numpy(bool)]
    frame = sub[list(GX_RULE_COLUMNS)].reset_index(drop=True)
    for name in GX_EVIDENCE_COLUMNS:
        if name not in frame.columns:
            frame[name] = [_shown(v) for v in sub[name]] if name in sub.columns else None
    return frame


def _summary_verdict(report: QualityReport, rows: _RunRows, plans, results) -> dict[str, int]:
    """The summary suite's outcome: its expectations' rows, and the rules it found failing (rule → failing
    instances), cross-checked against the SQL summary. Empty when no summary ran."""
    out: dict[str, int] = {}
    for (suite_name, _, spec, frame, _, counts), result in zip(plans, results):
        if suite_name != SUMMARY_SUITE:
            continue
        for r in result.results:
            meta = r.expectation_config.meta or {}
            res = r.result or {}
            exception = _exception(r)
            if exception:
                report.problems.append(f"suite {spec['name']}: expectation {meta.get('name')!r} raised: {exception}")
            for u in res.get("unexpected_index_list") or []:
                index = frame.index[frame["rule_id"] == u["rule_id"]] if isinstance(u, Mapping) else [u]
                for i in index:
                    out[str(frame.at[i, "rule_id"])] = int(frame.at[i, "failing"])
            rows.add_expectation(
                suite=SUMMARY_SUITE, gx_suite=spec["name"], expectation=meta.get("name"),
                expectation_type=r.expectation_config.type, table_name=RULE_TABLE, rule_id=None,
                severity=meta.get("severity", "ERROR"), success=bool(r.success), element_count=counts[None],
                unexpected_count=res.get("unexpected_count"),
                kwargs=_json(_plain_kwargs(r.expectation_config.kwargs)), exception=exception,
            )
        expected = {str(r) for r, n in zip(frame["rule_id"], frame["failing"]) if n}
        if set(out) != expected:
            report.problems.append(f"the rule summary: GX found rule(s) {', '.join(sorted(out)) or 'none'} failing, "
                                   f"dq_rule_instance has {', '.join(sorted(expected)) or 'none'}")
    return out


def _cross_check(report: QualityReport, rule_id: str, res: Mapping[str, Any], frame: pd.DataFrame,
                 failing: pd.DataFrame) -> None:
    """GX's unexpected rows for a rule must be exactly the rule's failing instances in the warehouse."""
    expected = set(failing.loc[(failing["rule_id"] == rule_id).to_numpy(bool), "instance_key"].astype(str))
    expected &= set(frame["instance_key"].astype(str))  # an instance of another family is not this suite's
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

    Returns (context, folder the docs site builds into or None, results in plan order: None for a plan
    that is None or has no expectation, which GX does not run).
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
    for plan in plans:
        if plan is None or not plan[2]["expectations"]:
            results.append(None)
            continue
        suite_name, asset_name, spec, frame, params = plan
        asset = source.add_dataframe_asset(asset_name)
        batch = asset.add_batch_definition_whole_dataframe("whole table")
        suite = context.suites.add(to_gx_suite(spec))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec["name"], data=batch, suite=suite))
        if suite_name in RULE_FAMILIES or suite_name == SUMMARY_SUITE:
            index = list(GX_EVIDENCE_COLUMNS) if suite_name in RULE_FAMILIES else ["rule_id"]
            fmt: Any = {"result_format": "COMPLETE", "unexpected_index_column_names": index,
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
        "<th>passed</th><th>failed (ERROR / WARN)</th><th>rule instances</th><th>failing instances</th>"
        "<th>passing only within rounding tolerance</th></tr></thead><tbody>",
    ]
    for s in report.suites.values():
        out.append(
            f"<tr><td>{escape(s.name)}</td><td>{', '.join(link(g) for g in s.gx_suites) or '—'}</td>"
            f"<td>{s.evaluated}</td><td>{s.passed}</td><td>{s.failed} ({s.errors} / {s.warnings})</td>"
            f"<td>{s.instances}</td><td>{s.failed_instances}</td><td>{s.within_tolerance_instances}</td></tr>"
        )
    out.append(
        f"<tr><td>{SUMMARY_SUITE}</td><td>{link(SUMMARY_SUITE)}</td><td colspan=\"6\">the rules failing anywhere in "
        "the warehouse (the rule suites see the failing instances of the documents the build recomputed)</td></tr>"
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
    listed = min(len(report.findings), DOCS_MAX_FINDINGS)
    if report.failing_instances > listed:
        elsewhere = report.failing_instances - len(report.findings)
        out.append(f"<p>{report.failing_instances - listed} more failing instance(s)"
                   + (f", {elsewhere} of them in documents the last build did not recompute" if elsewhere else "")
                   + f": table {CHECK_RESULT_TABLE} (status 'fail') has them all.</p>")
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


def _findings(failing: pd.DataFrame, catalogue: list[Rule], plans, documents: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """One dict per failing rule instance (of a known family), ready for ``Finding.from_row``."""
    rule_by_id = {r.rule_id: r for r in catalogue}
    expectation = {(p[0], e["meta"]["rule_id"]): e["meta"]["name"]
                   for p in plans if p[0] in RULE_FAMILIES for e in p[2]["expectations"]}
    names: dict[str, tuple[str, str]] = {}  # document id -> (name, title), once per document
    out = []
    for row in failing.to_dict("records"):
        family = row.get("family")
        if family not in RULE_FAMILIES:
            continue  # no family: reported as a problem, Finding needs a family
        get = lambda name: None if _blank(row.get(name)) else row[name]  # noqa: E731
        rule = rule_by_id.get(str(row["rule_id"]))
        document_id = str(row["document_id"])
        if document_id not in names:
            doc = documents.get(document_id) or {}
            names[document_id] = (document_name_of(doc) if doc else "", doc.get("title") or "")
        finding: dict[str, Any] = {
            "instance_key": str(row["instance_key"]),
            "rule_id": str(row["rule_id"]),
            "family": family,
            "severity": rule.severity if rule and rule.severity in SEVERITIES else _severity_of(row.get("severity")),
            "status": FAIL,
            "suite": family,
            "expectation": expectation.get((family, str(row["rule_id"]))),
            "description": (rule.description if rule else "") or "",
            "document_name": names[document_id][0],
            "document_title": names[document_id][1],
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
    # a scan of dim_source_line and a small join: a larger cap would only fill with its cached blocks, on top of
    # the findings (after a full build of 10,000 documents this step's peak was here)
    with database.connect(str(db_path), read_only=True, memory_limit="64MB") as con:
        if not con.execute("select count(*) from information_schema.tables where table_name = 'dim_source_line'").fetchone()[0]:
            report.notes.append("no dim_source_line table: findings carry no line texts")
            return
        # one query for every document (one per document grew with the warehouse's failing documents)
        pairs = [(doc_id, n) for doc_id, lines in wanted.items() for n in sorted(lines)]
        rows = con.execute(
            "select w.document_id, w.source_line, l.text from (select unnest(?::varchar[]) as document_id, "
            "unnest(?::integer[]) as source_line) w join dim_source_line l using (document_id, source_line)",
            [[d for d, _ in pairs], [n for _, n in pairs]],
        ).fetchall()
        texts.update({(doc_id, n): text for doc_id, n, text in rows})
    for finding in report.findings:
        finding["line_texts"] = [texts.get((finding["document_id"], n), "") for n in finding["source_lines"]]


# =============================================================================
# Writing
# =============================================================================


def _write_results(con, data: _Data, rows: _RunRows, run_id: str, checked_at: datetime) -> None:
    """dq_check_rule, dq_check_result (a view) and dq_expectation_result, on the run's only read-write connection."""
    database.write_check_rules(con, rows.check_rules)
    database.write_check_result(con, CHECK_RESULT_TABLE, data.rule_columns, run_id, checked_at)
    con.register("_quality_rows", rows.expectations_arrow())
    con.execute(f"create or replace table {EXPECTATION_RESULT_TABLE} as select * from _quality_rows")
    con.unregister("_quality_rows")


def _write_history(history_dir: Path, run_id: str, failing: pa.Table) -> Path:
    """``<history_dir>/<run_id>.parquet``: this run's failing instances (an empty file when none fail)."""
    history_dir.mkdir(parents=True, exist_ok=True)
    path = history_dir / f"{run_id}.parquet"
    tmp = history_dir / f".{run_id}.parquet.tmp"
    pq.write_table(failing, tmp)
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
