"""Issue 4, end to end: 50 generated documents (10 departments × 5 consecutive years, mixed layouts)
dropped into a raw folder and ingested the way the raw-folder sensor does it (one tick, then the
``ingest_job`` run it requests, in process on an ephemeral instance, as tests/test_dagster.py).

- every warehouse fact equals the generator's truth, per document: zero differences;
- the clean series breaks no year-over-year rule; the across-years marts (fct_yoy_*) hold the
  changes computed independently from the truth of consecutive years;
- running again changes no row (a fingerprint of every fact table, per document);
- replacing one document with another version (another truth of the same department and year,
  printed with one year-on-year statement that disagrees with the year before) changes only that
  document's rows (and, in the across-years marts and the year-over-year rules, its successor's
  comparison with it), and the disagreeing statement is reported with both years' numbers.

Three runs of the sensor's path (dbt build + quality suites each): about 25-35 s each.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, build_sensor_context

from budget_warehouse.corpus import Layout, generate_series, inject_yoy, next_year, render
from budget_warehouse.corpus.model import DocumentTruth
from pipelines import definitions as location
from pipelines.resources import BudgetWarehouseResource
from pipelines.sensors import raw_folder_sensor

DEPARTMENTS, YEARS, SEED = 10, 5, 404
REPLACED = (3, 2)  # series index, year index: a document with a predecessor and a successor
FACT_TABLES = (
    "fct_budget_summary",
    "fct_revenue",
    "fct_expenditure",
    "fct_subject_budget",
    "fct_economic_budget",
    "fct_three_public",
    "fct_project",
    "fct_prose_claim",
    "fct_performance_indicator",
    "dim_unit",
    "dim_project",
    "dim_document",
    "dim_source_line",
)
YOY_MARTS = ("fct_yoy_subject", "fct_yoy_economic", "fct_yoy_three_public", "fct_yoy_project", "fct_yoy_revenue")
MICRO = Decimal("0.000001")
TIMINGS: dict[str, float] = {}


# -- the sensor's path ---------------------------------------------------------------


def _budget(tmp: Path) -> BudgetWarehouseResource:
    return BudgetWarehouseResource(
        raw_dir=str(tmp / "raw"), warehouse=str(tmp / "warehouse" / "budget.duckdb"), workers=2,
        alerts_config=str(tmp / "alerts.toml"),
    )


def _tick(budget: BudgetWarehouseResource, instance: DagsterInstance, cursor: str | None):
    return raw_folder_sensor(build_sensor_context(instance=instance, cursor=cursor, resources={"budget": budget}))


def _apply(result, instance: DagsterInstance) -> None:
    """What the sensor daemon does with a tick's partition requests."""
    for request in result.dynamic_partitions_requests:
        if type(request).__name__.startswith("Add"):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def _sensor_run(state: dict, cursor: str | None, label: str) -> tuple[str, list[str]]:
    """One sensor tick and the ingest_job run it requests; returns the new cursor and the files run."""
    started = time.perf_counter()
    tick = _tick(state["budget"], state["instance"], cursor)
    _apply(tick, state["instance"])
    [request] = tick.run_requests
    result = state["defs"].resolve_job_def("ingest_job").execute_in_process(
        run_config=request.run_config, tags=request.tags, instance=state["instance"], raise_on_error=False
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    TIMINGS[label] = time.perf_counter() - started
    return tick.cursor, request.run_config["ops"]["raw_documents"]["config"]["files"]


# -- reading the warehouse -------------------------------------------------------------


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _put(out: dict, name: str, key: tuple, value) -> None:
    assert key not in out[name], f"{name}: two rows for {key}"
    out[name][key] = value


def warehouse_facts(con) -> dict[tuple, dict[str, dict]]:
    """Every fact of the warehouse, per document (region, department, year), under the truth's keys."""
    docs = {r["document_id"]: (r["region"], r["department"], r["year"]) for r in _rows(con, "select * from dim_document")}
    out: dict[tuple, dict[str, dict]] = {k: defaultdict(dict) for k in docs.values()}
    assert len(out) == len(docs), "two documents share region, department and year"

    def each(table: str, key, value=lambda r: r["amount"]):
        for r in _rows(con, f"select * from {table}"):
            _put(out[docs[r["document_id"]]], table, key(r), value(r))

    each("fct_budget_summary", lambda r: (r["table_kind"], r["side"], r["item_key"]))
    each("fct_revenue", lambda r: (r["unit_code"], r["funding_source"]))
    each("fct_expenditure", lambda r: (r["unit_code"], r["subject_code"], r["measure_group"], r["measure"]))
    each("fct_subject_budget", lambda r: (r["table_kind"], r["subject_code"], r["measure"]))
    each("fct_economic_budget", lambda r: (r["table_kind"], r["econ_code"], r["measure"]))
    each("fct_three_public", lambda r: (r["item_key"], r["measure"]))
    each("fct_project", lambda r: (r["project_seq"],))
    each(
        "dim_unit",
        lambda r: r["unit_key"],
        lambda r: {"unit_name": r["unit_name"], "funding_nature": r["funding_nature"],
                   "staffing_quota": r["staffing_quota"], "staff_count": r["staff_count"], "in_roster": r["in_roster"]},
    )
    each(
        "dim_project",
        lambda r: (r["project_seq"],),
        lambda r: {
            "name": r["project_name"], "perf_id": r["perf_id"], "perf_name": r["perf_project_name"],
            "filled_by": r["filled_by"], "owner": r["owner"], "phone": r["phone"], "period": r["period"],
            **{f"{period}_{source}": r[f"{period}_{source}"]
               for period in ("current_year", "implementation") for source in ("total", "general_budget", "gov_fund", "other")},
        },
    )
    return out


def expected_facts(truth: DocumentTruth) -> dict[str, dict]:
    """The truth under the same keys as ``warehouse_facts``."""
    facts = truth.expected_facts()
    out = {name: dict(facts[name]) for name in (
        "fct_budget_summary", "fct_revenue", "fct_expenditure", "fct_subject_budget", "fct_economic_budget",
        "fct_three_public", "fct_project")}
    out["dim_unit"] = {code: {**unit, "in_roster": True} for code, unit in facts["roster"].items()}
    funding = facts["perf_funding"]
    out["dim_project"] = {
        key: {
            **{k: v for k, v in p.items() if k != "unit_code"},
            **{f"{period}_{source}": funding.get((p["perf_id"], period, source))
               for period in ("current_year", "implementation") for source in ("total", "general_budget", "gov_fund", "other")},
        }
        for key, p in facts["dim_project"].items()
    }
    return out


def warehouse_key(truth: DocumentTruth) -> tuple:
    """(region, department, year) as the warehouse reads them from the title «<region><短名>部门<year>年部门预算»."""
    return (truth.region, f"{truth.dept_short}部门", truth.year)


def differences(expected: dict[str, dict], got: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for name in set(expected) | set(got):
        want, have = expected.get(name, {}), got.get(name, {})
        problems = {
            "missing": sorted(set(want) - set(have), key=repr),
            "unexpected": sorted(set(have) - set(want), key=repr),
            "wrong": sorted(((k, want[k], have[k]) for k in set(want) & set(have) if want[k] != have[k]), key=repr),
        }
        if any(problems.values()):
            out[name] = problems
    return out


def fingerprint(con, tables=FACT_TABLES + YOY_MARTS) -> dict[str, dict[str, str]]:
    """table -> document_id -> md5 of its rows (every column, sorted)."""
    out = {}
    for table in tables:
        rows = con.execute(
            f"select document_id, md5(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar))), count(*) "
            f"from {table} as t group by document_id"
        ).fetchall()
        out[table] = {doc: f"{digest}:{n}" for doc, digest, n in rows}
    return out


def _connect(state: dict):
    return duckdb.connect(str(state["budget"].layout.warehouse), read_only=True)


# -- the scenario ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scheduled_ingest")
    raw = tmp / "raw"
    raw.mkdir()
    series = generate_series(DEPARTMENTS, YEARS, seed=SEED)
    rng = random.Random(f"layouts:{SEED}")
    files: dict[str, str] = {}  # document_id of the truth -> file name
    layouts = {}
    for i, truths in enumerate(series):
        for truth in truths:
            layout = Layout.random(rng)
            text = render(truth, layout)
            name = f"{len(files):03d}_{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"  # as the CLI names them
            (raw / name).write_text(text, encoding="utf-8")
            files[truth.document_id] = name
            layouts[truth.document_id] = layout
    budget = _budget(tmp)
    instance = DagsterInstance.ephemeral()
    state = {"tmp": tmp, "raw": raw, "series": series, "files": files, "layouts": layouts, "budget": budget,
             "instance": instance, "defs": location.build_definitions(budget)}
    state["cursor"], state["first_run_files"] = _sensor_run(state, None, "first run (50 documents)")
    with _connect(state) as con:
        state["facts"] = warehouse_facts(con)
        state["fingerprint"] = fingerprint(con)
        state["doc_ids"] = {(r[1], r[2], r[3]): r[0] for r in con.execute("select document_id, region, department, year from dim_document").fetchall()}
    return state


@pytest.fixture(scope="module")
def rerun(state):
    """The sensor again: nothing new on its cursor; with its cursor lost, every file again."""
    quiet = _tick(state["budget"], state["instance"], state["cursor"])
    assert not quiet.run_requests and not quiet.dynamic_partitions_requests
    cursor, files = _sensor_run(state, None, "second run (same 50 documents)")
    with _connect(state) as con:
        return {"cursor": cursor, "files": files, "fingerprint": fingerprint(con), "facts": warehouse_facts(con)}


@pytest.fixture(scope="module")
def replaced(state, rerun):
    """One document replaced by another version: another truth of the same department and year
    (consistent with the year before), printed with one 比上年 statement that disagrees with it."""
    i, j = REPLACED
    old = state["series"][i][j]
    previous, successor = state["series"][i][j - 1], state["series"][i][j + 1]
    new = next_year(previous, f"replacement:{SEED}")
    assert (new.region, new.department, new.year) == (old.region, old.department, old.year)
    fault = inject_yoy(new, previous, random.Random(SEED), state["layouts"][old.document_id],
                       measure="general_budget_expenditure", kind="yoy_change_amount")
    name = state["files"][old.document_id]
    (state["raw"] / name).write_text(fault.text, encoding="utf-8")  # a new version under the same file name
    cursor, files = _sensor_run(state, rerun["cursor"], "third run (one document replaced)")
    with _connect(state) as con:
        return {
            "old": old, "new": new, "previous": previous, "successor": successor, "fault": fault, "files": files,
            "fingerprint": fingerprint(con), "facts": warehouse_facts(con),
            "yy": _rows(con, "select * from dq_rule_instance where rule_id like 'yy_%'") if _has_yy(con) else None,
        }


def _has_yy(con) -> bool:
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    return "dq_rule_instance" in tables and bool(
        con.execute("select count(*) from dq_rule_instance where rule_id like 'yy_%'").fetchone()[0]
    )


def _truths(state) -> list[DocumentTruth]:
    return [t for truths in state["series"] for t in truths]


# -- 0. the generator's series (no warehouse) ------------------------------------------


def test_series_are_departments_over_consecutive_years_with_consistent_statements():
    series = generate_series(8, 4, seed=5)
    assert [[t.to_json() for t in s] for s in series] == [[t.to_json() for t in s] for s in generate_series(8, 4, seed=5)]
    assert len({(s[0].region, s[0].department) for s in series}) == 8
    for truths in series:
        assert [t.year for t in truths] == list(range(truths[0].year, truths[0].year + 4))
        assert len({(t.region, t.department, t.phase) for t in truths}) == 1
        for previous, truth in zip(truths, truths[1:]):
            assert truth.yoy_breaks(previous) == {}
            assert truth.prior_values() == previous.yoy_values()
            assert truth.three_public_prior == previous.three_public  # table 9's 上年 column
            assert [u.code for u in truth.units] == [u.code for u in previous.units]
            # the stated changes restate the two documents' values
            for claim in truth.claims:
                if claim.kind in ("yoy_change_amount", "yoy_change_percent"):
                    change = truth.yoy_values()[claim.measure] - previous.yoy_values()[claim.measure]
                    sign = -1 if claim.direction == "decrease" else 1
                    if claim.kind == "yoy_change_amount":
                        assert sign * claim.value == change
                    else:
                        assert sign * claim.value == (change * 100 / previous.yoy_values()[claim.measure]).quantize(Decimal("0.01"))
    # most special projects continue from one year to the next
    pairs = [(a, b) for s in series for a, b in zip(s, s[1:])]
    continuing = sum(len({p.name for p in a.projects} & {p.name for p in b.projects}) for a, b in pairs)
    assert continuing > 0.4 * sum(len(b.projects) for _, b in pairs)
    # explicit years: the same for every department
    assert {tuple(t.year for t in s) for s in generate_series(3, range(2020, 2023), seed=1)} == {(2020, 2021, 2022)}


def test_a_year_on_year_fault_disagrees_with_last_years_document():
    previous, truth = generate_series(1, 2, seed=9)[0]
    layout = Layout.random(random.Random(1))
    for measure, kind in (("total_revenue", "yoy_change_amount"), ("overseas", None), ("operating_funds", None)):
        if not [c for c in truth.claims if c.kind.startswith("yoy_") and c.measure == measure]:
            continue
        result = inject_yoy(truth, previous, random.Random(measure), layout, measure=measure, kind=kind)
        [finding] = result.findings
        assert finding["measure"] == measure and finding["prior_document_id"] == previous.document_id
        assert Decimal(finding["difference"]) != 0 and abs(Decimal(finding["difference"])) >= 1
        assert Decimal(finding["stated"]) - Decimal(finding["expected"]) == Decimal(finding["difference"])
        assert result.change["occurrences"] == 1
        assert result.text != render(truth, layout)
    with pytest.raises(ValueError):
        inject_yoy(previous, truth, random.Random(0))  # not the year before


def test_cli_writes_series(tmp_path):
    from budget_warehouse.corpus.cli import main

    assert main(["generate", "7", str(tmp_path), "--seed", "3", "--years", "3"]) == 0
    records = [DocumentTruth.from_dict(json.loads(line)["truth"])
               for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7 and len(list(tmp_path.glob("*.txt"))) == 7
    by_department = defaultdict(list)
    for t in records:
        by_department[(t.region, t.department)].append(t)
    assert sorted(len(v) for v in by_department.values()) == [1, 3, 3]
    for truths in by_department.values():
        for previous, truth in zip(truths, truths[1:]):
            assert truth.year == previous.year + 1 and truth.yoy_breaks(previous) == {}


# -- 1. every fact equals the truth ----------------------------------------------------


def test_the_sensor_took_every_file_in_one_run(state):
    assert sorted(state["first_run_files"]) == sorted(state["files"].values())
    assert len(state["facts"]) == DEPARTMENTS * YEARS


def test_every_warehouse_fact_equals_the_truth(state):
    truths = {warehouse_key(t): t for t in _truths(state)}
    assert set(state["facts"]) == set(truths), "documents in the warehouse ≠ documents generated"
    problems = {}
    for key, truth in truths.items():
        diff = differences(expected_facts(truth), state["facts"][key])
        if diff:
            problems[truth.document_id] = diff
    assert problems == {}
    # and the facts are many: nothing compared is empty
    assert sum(len(v) for facts in state["facts"].values() for v in facts.values()) > 150 * len(truths)


def test_documents_are_identified_by_content_not_file_name(state):
    with _connect(state) as con:
        rows = con.execute("select region, department, year, phase, source_name from dim_document").fetchall()
    by_key = {(r[0], r[1], r[2]): r for r in rows}
    for truth in _truths(state):
        region, department, year, phase, source = by_key[warehouse_key(truth)]
        assert (phase, source) == ("预算", state["files"][truth.document_id])


# -- 2. across years -------------------------------------------------------------------


def test_the_clean_series_breaks_no_year_over_year_rule(state):
    with _connect(state) as con:
        assert _has_yy(con)
        rows = _rows(con, "select * from dq_rule_instance where rule_id like 'yy_%'")
    assert len(rows) >= DEPARTMENTS * (YEARS - 1) * 5  # every pair of consecutive years is compared
    assert [(r["document_id"], r["rule_id"], r["left_label"]) for r in rows if r["status"] == "fail"] == []


def _pct(change: Decimal, previous: Decimal) -> Decimal | None:
    return None if not previous else (change * 100 / previous).quantize(MICRO, rounding=ROUND_HALF_UP)


def _expected_yoy(state, truths_by_year: dict[tuple, DocumentTruth], keyed) -> dict[tuple, tuple]:
    """(document key…, mart key…) -> (amount, previous_year, previous_amount, change, change_pct) from the truth."""
    out = {}
    for (region, dept, year), truth in truths_by_year.items():
        this = keyed(truth)
        prior_truth = truths_by_year.get((region, dept, year - 1))
        prior = keyed(prior_truth) if prior_truth else {}
        for key in set(this) | set(prior):
            amount = this.get(key, Decimal(0))
            if prior_truth is None:
                out[(region, dept, year) + key] = (amount, None, None, None, None)
            else:
                before = prior.get(key, Decimal(0))
                out[(region, dept, year) + key] = (amount, year - 1, before, amount - before, _pct(amount - before, before))
    return out


def _subjects(t: DocumentTruth) -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in t.rows:
        for level, n in (("项", 7), ("款", 5), ("类", 3)):
            out[(row.subject_code[:n],)] += row.total
    return dict(out)


def _economic(t: DocumentTruth) -> dict[tuple, Decimal]:
    out = {("economic_class", code): e["total"] for code, e in t.econ_lines("all") if len(code) == 3}
    out.update({("basic_economic_class", code): e["total"] for code, e in t.econ_lines("basic")})
    return out


def _three_public(t: DocumentTruth) -> dict[tuple, Decimal]:
    return {(key,): amount for key, _, _, amount in t.three_public_lines()}


def _projects(t: DocumentTruth) -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for p in t.projects:
        out[(p.name,)] += p.amount
    return dict(out)


def _revenue(t: DocumentTruth) -> dict[tuple, Decimal]:
    return {(source,): a for (unit, source), a in t.expected_facts()["fct_revenue"].items() if unit is None}


@pytest.mark.parametrize(
    "mart, keys, keyed",
    [
        ("fct_yoy_subject", ["subject_code"], _subjects),
        ("fct_yoy_economic", ["table_kind", "econ_code"], _economic),
        ("fct_yoy_three_public", ["item_key"], _three_public),
        ("fct_yoy_project", ["project_name"], _projects),
        ("fct_yoy_revenue", ["funding_source"], _revenue),
    ],
)
def test_across_years_marts_hold_the_changes_computed_from_the_truth(state, mart, keys, keyed):
    truths = {warehouse_key(t): t for t in _truths(state)}
    want = _expected_yoy(state, truths, keyed)
    with _connect(state) as con:
        rows = con.execute(
            f"select region, department, year, {', '.join(keys)}, amount, previous_year, previous_amount, change, change_pct "
            f"from {mart}"
        ).fetchall()
    n = len(keys) + 3
    got = {tuple(r[:n]): tuple(r[n:]) for r in rows}
    assert len(got) == len(rows)
    assert set(got) == set(want)
    wrong = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
    assert wrong == {}
    assert sum(v[1] is not None for v in want.values()) > 0.7 * len(want)  # most rows have a previous year


def test_a_few_changes_by_hand(state):
    """Spot checks, spelled out: the 类 totals of table 3 and the 三公 total, 2nd year vs 1st."""
    first, second = state["series"][0][0], state["series"][0][1]
    region, department, year = warehouse_key(second)
    with _connect(state) as con:
        klass = sorted({r.subject_code[:3] for r in second.rows})[0]
        this = sum((r.total for r in second.rows if r.subject_code.startswith(klass)), Decimal(0))
        last = sum((r.total for r in first.rows if r.subject_code.startswith(klass)), Decimal(0))
        row = con.execute(
            "select amount, previous_amount, change, change_pct, level from fct_yoy_subject "
            "where region = ? and department = ? and year = ? and subject_code = ?", [region, department, year, klass]
        ).fetchone()
        assert row == (this, last, this - last, _pct(this - last, last), "类")
        total_now, total_then = second.three_public_lines()[0][3], first.three_public_lines()[0][3]
        row = con.execute(
            "select amount, previous_year, previous_amount, change from fct_yoy_three_public "
            "where region = ? and department = ? and year = ? and item_key = 'total'", [region, department, year]
        ).fetchone()
        assert row == (total_now, year - 1, total_then, total_now - total_then)
        first_year = con.execute(
            "select count(*), count(previous_year), count(change) from fct_yoy_revenue "
            "where region = ? and department = ? and year = ?", [region, department, year - 1]
        ).fetchone()
        assert first_year[0] > 0 and first_year[1:] == (0, 0)  # the series' first year has nothing to compare with


# -- 3. idempotent ---------------------------------------------------------------------


def test_running_again_changes_no_row(state, rerun):
    assert sorted(rerun["files"]) == sorted(state["files"].values())
    assert rerun["fingerprint"] == state["fingerprint"]


# -- 4. a replaced document replaces only its rows -------------------------------------


def test_a_replaced_document_changes_only_its_rows(state, replaced):
    assert replaced["files"] == [state["files"][replaced["old"].document_id]]  # the sensor took that file alone
    doc_id = state["doc_ids"][warehouse_key(replaced["old"])]
    successor_id = state["doc_ids"][warehouse_key(replaced["successor"])]
    before, after = state["fingerprint"], replaced["fingerprint"]
    for table in FACT_TABLES + YOY_MARTS:
        changed = {d for d in set(before[table]) | set(after[table]) if before[table].get(d) != after[table].get(d)}
        # the across-years marts also compare the successor with the new version
        allowed = {doc_id, successor_id} if table in YOY_MARTS else {doc_id}
        assert changed <= allowed, (table, changed - allowed)
        if table in ("dim_document", "dim_source_line", "fct_expenditure", "fct_prose_claim"):
            assert doc_id in changed, table  # surely different in another version
    # the same document id: the new version replaced the old one, no duplicate
    assert set(after["dim_document"]) == set(before["dim_document"])


def test_the_replaced_document_equals_its_new_truth_and_the_others_are_untouched(state, replaced):
    facts = replaced["facts"]
    key = warehouse_key(replaced["new"])
    assert differences(expected_facts(replaced["new"]), facts[key]) == {}
    assert differences(expected_facts(replaced["old"]), facts[key]) != {}
    for truth in _truths(state):
        if warehouse_key(truth) != key:
            assert facts[warehouse_key(truth)] == state["facts"][warehouse_key(truth)]


def test_a_statement_that_disagrees_with_last_year_is_reported_with_both_years(state, replaced):
    assert replaced["yy"] is not None
    [finding] = replaced["fault"].findings
    doc_id = state["doc_ids"][warehouse_key(replaced["new"])]
    prior_id = state["doc_ids"][warehouse_key(replaced["previous"])]
    failing = [r for r in replaced["yy"] if r["document_id"] == doc_id and r["status"] == "fail"]
    assert len(failing) == 1, failing
    [row] = failing
    assert row["rule_id"] == finding["rule"] == "yy_change_amount"
    assert f"({finding['measure_key']})" in row["left_label"]
    assert row["left_value"] == Decimal(finding["stated"])
    assert row["right_value"] == Decimal(finding["expected"])
    assert row["difference"] == Decimal(finding["difference"])
    # both years' numbers, and the previous year's document, are in the evidence
    label = row["right_label"]
    assert f"{finding['this_year']}:" in label and f"{finding['prior_year']}:" in label and prior_id in label
    assert f"{Decimal(finding['this_value']):.2f}" in label and f"{Decimal(finding['prior_value']):.2f}" in label
    # the successor's statements were measured against the old version: those that now differ fail
    successor_id = state["doc_ids"][warehouse_key(replaced["successor"])]
    moved = [m for m, v in replaced["new"].yoy_values().items() if v != replaced["old"].yoy_values()[m]]
    assert "total_revenue" in moved
    successor_failing = {r["left_label"] for r in replaced["yy"] if r["document_id"] == successor_id and r["status"] == "fail"}
    assert any("(total_revenue:total)" in label for label in successor_failing)


def test_timings(state, rerun, replaced):
    """Not a benchmark: the three runs of the sensor's path, for the record (pytest -s shows them)."""
    for label, seconds in TIMINGS.items():
        print(f"{label}: {seconds:.1f} s")
    assert set(TIMINGS) == {"first run (50 documents)", "second run (same 50 documents)", "third run (one document replaced)"}
