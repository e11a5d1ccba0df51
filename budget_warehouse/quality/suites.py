"""The expectation suites: JSON files under ``expectations/``, loaded into GX 1.x suites.

Files (GX 1.x ``ExpectationSuite`` JSON: ``name``, ``meta``, ``expectations`` of
``type``/``kwargs``/``severity``/``meta``), one per rule family and one for the
marts' shape:

- ``<family>.json`` for each of ``RULE_FAMILIES``: one expectation per rule of
  the family in ``dbt_project/seeds/rule_catalogue.csv``: the rule's
  instances in ``dq_rule_instance`` never have status 'fail' ::

      {"type": "expect_column_values_to_not_be_in_set",
       "kwargs": {"column": "status", "value_set": ["fail"],
                  "row_condition": {"type": "comparison", "column": {"name": "rule_id"},
                                    "operator": "==", "parameter": "wt_..."}},
       "severity": "critical",            # GX's name for ERROR; "warning" for WARN
       "description": "[ERROR] wt_...: <the catalogue's description>",   # shown in Data Docs
       "meta": {"name": "wt_... never fails", "rule_id": "wt_...", "severity": "ERROR"}}

  They are validated on the family's rows of ``dq_rule_instance``. The
  catalogue (the ``rule_catalogue`` table of the warehouse) is the authority at
  run time: a rule it lists that the file lacks gets a generated expectation
  (noted in the report), and its severity wins over the file's. Regenerate
  the files after editing the catalogue: ``python -m budget_warehouse.quality.suites``
  (``--check`` only compares; the tests run the check).
- ``warehouse_shape.json``: basic shape of the marts and of dq_rule_instance
  (keys not null and unique, amounts not null, facts belong to a document).
  Every expectation names its table in ``meta.table``; GX validates one batch
  per suite, so the run splits the file into one GX suite per table, named
  ``warehouse_shape.<table>``. ``{"$PARAMETER": "document_ids"}`` is filled
  with dim_document's ids at run time.

Severity: ``meta.severity`` is ERROR or WARN (the catalogue's words); the
top-level ``severity`` is GX's (critical / warning) and must agree.

Great Expectations is imported only inside ``to_gx_suite`` (it is slow to import).
"""

from __future__ import annotations

import copy
import csv
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = ROOT / "expectations"
RULE_CATALOGUE_CSV = ROOT / "dbt_project" / "seeds" / "rule_catalogue.csv"

RULE_FAMILIES = ("within_table", "cross_table", "prose", "sanity", "presence", "year_over_year", "text")
SHAPE_SUITE = "warehouse_shape"
SUMMARY_SUITE = "rule_summary"  # built at run time (rule_summary_suite), no file
SUITE_NAMES = RULE_FAMILIES + (SHAPE_SUITE,)
RULE_TABLE = "dq_rule_instance"
SEVERITIES = ("ERROR", "WARN")
GX_SEVERITY = {"ERROR": "critical", "WARN": "warning"}
PASS_WITHIN_TOLERANCE = "pass_within_tolerance"
STATUSES = ("pass", PASS_WITHIN_TOLERANCE, "fail")
FAIL = "fail"
RULE_EXPECTATION_TYPE = "expect_column_values_to_not_be_in_set"

# kwargs of an expectation that name columns (what the run reads from a table)
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list", "column_set")


class SuiteError(ValueError):
    """A suite file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    family: str
    severity: str
    description: str = ""


# -- reading the files --------------------------------------------------------


def load_suite_specs(directory: Path = EXPECTATIONS_DIR) -> dict[str, dict[str, Any]]:
    """Every suite file as a checked dict, keyed by suite name (all of SUITE_NAMES must exist)."""
    directory = Path(directory)
    specs: dict[str, dict[str, Any]] = {}
    for name in SUITE_NAMES:
        path = directory / f"{name}.json"
        if not path.exists():
            raise SuiteError(f"{path}: suite file missing (expected one file per suite: {', '.join(SUITE_NAMES)})")
        specs[name] = load_suite_file(path)
    return specs


def load_suite_file(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}: not valid JSON: {exc}") from None
    check_spec(spec, source=str(path))
    if spec["name"] != path.stem:
        raise SuiteError(f"{path}: suite name {spec['name']!r} differs from the file name")
    return spec


def check_spec(spec: Any, *, source: str = "suite") -> None:
    """Raise SuiteError unless ``spec`` is a suite dict this project can run."""
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        raise SuiteError(f"{source}: a suite is an object with a non-empty 'name'")
    expectations = spec.get("expectations")
    if not isinstance(expectations, list):
        raise SuiteError(f"{source}: 'expectations' must be a list")
    is_rule_suite = spec["name"] in RULE_FAMILIES
    names: set[str] = set()
    rule_ids: set[str] = set()
    for i, exp in enumerate(expectations):
        where = f"{source}: expectation {i}"
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str) or not isinstance(exp.get("kwargs"), dict):
            raise SuiteError(f"{where}: needs 'type' (string) and 'kwargs' (object)")
        meta = exp.get("meta")
        if not isinstance(meta, dict):
            raise SuiteError(f"{where}: needs 'meta' with name and severity")
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            raise SuiteError(f"{where}: meta.name missing")
        if name in names:
            raise SuiteError(f"{where}: meta.name {name!r} used twice")
        names.add(name)
        severity = meta.get("severity")
        if severity not in SEVERITIES:
            raise SuiteError(f"{where} ({name}): meta.severity must be ERROR or WARN, got {severity!r}")
        if exp.get("severity", GX_SEVERITY[severity]) != GX_SEVERITY[severity]:
            raise SuiteError(f"{where} ({name}): severity {exp.get('severity')!r} disagrees with meta.severity {severity}")
        if is_rule_suite:
            rule_id = meta.get("rule_id")
            if not isinstance(rule_id, str) or not rule_id:
                raise SuiteError(f"{where} ({name}): a rule suite's expectations need meta.rule_id")
            if rule_id in rule_ids:
                raise SuiteError(f"{where}: rule {rule_id} has two expectations")
            rule_ids.add(rule_id)
        elif not isinstance(meta.get("table"), str) or not meta["table"]:
            raise SuiteError(f"{where} ({name}): the shape suite's expectations need meta.table")


# -- rule suites --------------------------------------------------------------


def rule_expectation(rule: Rule, *, generated: bool = False) -> dict[str, Any]:
    """The expectation that enforces one rule: its instances never have status 'fail'."""
    meta: dict[str, Any] = {"name": f"{rule.rule_id} never fails", "rule_id": rule.rule_id, "severity": rule.severity}
    if generated:
        meta["generated"] = True
    return {
        "type": RULE_EXPECTATION_TYPE,
        "kwargs": {
            "column": "status",
            "value_set": [FAIL],
            # GX 1.x Condition object (``Column("rule_id") == rule_id``); string conditions
            # with condition_parser="pandas" are deprecated since GX 1.9.
            "row_condition": {"type": "comparison", "column": {"name": "rule_id"}, "operator": "==",
                              "parameter": rule.rule_id},
        },
        "severity": GX_SEVERITY[rule.severity],
        "description": _rule_text(rule),
        "meta": meta,
    }


def _rule_text(rule: Rule) -> str:
    """What Data Docs shows for the rule's expectation."""
    what = f": {rule.description}" if rule.description else ""
    return f"[{rule.severity}] {rule.rule_id}{what} (no instance has status 'fail')"


def resolve_rule_suite(spec: Mapping[str, Any], rules: Iterable[Rule]) -> tuple[dict[str, Any], list[str]]:
    """The suite to run for a family: the file's expectations, completed and corrected by the catalogue.

    Rules of the family that the file lacks get a generated expectation; a rule
    whose severity differs takes the catalogue's. Returns (suite dict, notes).
    """
    family = spec["name"]
    resolved = copy.deepcopy(dict(spec))
    notes: list[str] = []
    by_id = {r.rule_id: r for r in rules if r.family == family}
    listed = set()
    for exp in resolved["expectations"]:
        meta = exp["meta"]
        rule = by_id.get(meta["rule_id"])
        listed.add(meta["rule_id"])
        if rule is None:
            continue  # a rule the catalogue no longer has: its expectation runs on no rows
        if rule.severity != meta["severity"]:
            notes.append(
                f"suite {family}: rule {rule.rule_id} is {meta['severity']} in expectations/{family}.json "
                f"but {rule.severity} in the rule catalogue; the catalogue wins (regenerate the suite files)"
            )
            meta["severity"] = rule.severity
            exp["severity"] = GX_SEVERITY[rule.severity]
            exp["description"] = _rule_text(rule)
    missing = sorted(set(by_id) - listed)
    for rule_id in missing:
        resolved["expectations"].append(rule_expectation(by_id[rule_id], generated=True))
    if missing:
        notes.append(
            f"suite {family}: rule(s) {', '.join(missing)} of the catalogue are not in expectations/{family}.json; "
            "checked with generated expectations (regenerate the suite files)"
        )
    return resolved, notes


def read_catalogue_csv(path: Path = RULE_CATALOGUE_CSV) -> list[Rule]:
    """The rule catalogue seed: rule_id, family, severity, description (extra columns ignored)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [
            Rule(row["rule_id"].strip(), row["family"].strip(), row["severity"].strip().upper(),
                 (row.get("description") or "").strip())
            for row in csv.DictReader(fh)
            if (row.get("rule_id") or "").strip()
        ]


def rule_suite_from_catalogue(family: str, rules: Iterable[Rule], previous: Mapping[str, Any] | None = None) -> dict:
    """The suite file's content for a family, in catalogue order (keeps the previous file's suite meta)."""
    meta = dict((previous or {}).get("meta") or {})
    meta.setdefault(
        "description",
        f"Every instance of every {family} rule in dq_rule_instance has status pass or pass_within_tolerance; "
        "one expectation per rule of dbt_project/seeds/rule_catalogue.csv (generated: "
        "python -m budget_warehouse.quality.suites).",
    )
    meta.setdefault("table", RULE_TABLE)
    meta["family"] = family
    return {
        "name": family,
        "meta": meta,
        "expectations": [rule_expectation(r) for r in rules if r.family == family],
    }


def sync_rule_suites(
    catalogue: Path = RULE_CATALOGUE_CSV, directory: Path = EXPECTATIONS_DIR, *, write: bool = True
) -> list[str]:
    """Bring the family suite files in line with the catalogue; return the names of files that differed."""
    rules = read_catalogue_csv(catalogue)
    unknown = sorted({r.family for r in rules} - set(RULE_FAMILIES))
    if unknown:
        raise SuiteError(f"{catalogue}: unknown famil(ies) {', '.join(unknown)}; expected {', '.join(RULE_FAMILIES)}")
    bad = sorted(r.rule_id for r in rules if r.severity not in SEVERITIES)
    if bad:
        raise SuiteError(f"{catalogue}: rule(s) {', '.join(bad)} have a severity other than ERROR/WARN")
    changed = []
    for family in RULE_FAMILIES:
        path = Path(directory) / f"{family}.json"
        previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        spec = rule_suite_from_catalogue(family, rules, previous)
        if spec != previous:
            changed.append(path.name)
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return changed


# -- the shape suite ----------------------------------------------------------


def split_by_table(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The shape suite as one suite dict per table (``<suite>.<table>``), in file order."""
    out: dict[str, dict[str, Any]] = {}
    for exp in spec["expectations"]:
        table = exp["meta"]["table"]
        sub = out.setdefault(
            table,
            {"name": f"{spec['name']}.{table}", "meta": {**(spec.get("meta") or {}), "table": table}, "expectations": []},
        )
        sub["expectations"].append(copy.deepcopy(exp))
    return out


def columns_used(spec: Mapping[str, Any]) -> list[str]:
    """Columns the suite's expectations name (kwargs and pandas row conditions aside)."""
    cols: list[str] = []
    for exp in spec["expectations"]:
        kwargs = exp["kwargs"]
        for key in _COLUMN_KWARGS:
            if isinstance(kwargs.get(key), str):
                cols.append(kwargs[key])
        for key in _COLUMN_LIST_KWARGS:
            if isinstance(kwargs.get(key), list):
                cols += [c for c in kwargs[key] if isinstance(c, str)]
    return list(dict.fromkeys(cols))


def parameters_used(spec: Mapping[str, Any]) -> set[str]:
    """Names of ``{"$PARAMETER": name}`` placeholders in the suite's kwargs."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if set(value) == {"$PARAMETER"}:
                found.add(value["$PARAMETER"])
            else:
                for v in value.values():
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for exp in spec["expectations"]:
        walk(exp["kwargs"])
    return found


def rule_summary_suite() -> dict[str, Any]:
    """The suite run on the per-rule summary (one row per rule: rule_id, family, severity, instances,
    failing): for each severity, no rule has a failing instance anywhere in the warehouse. It vouches
    for the rules whose failing instances lie in documents the run did not recompute."""
    return {
        "name": SUMMARY_SUITE,
        "meta": {"description": "Per-rule summary of dq_rule_instance: no rule has a failing instance."},
        "expectations": [{
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "failing", "min_value": 0, "max_value": 0,
                       "row_condition": {"type": "comparison", "column": {"name": "severity"}, "operator": "==",
                                         "parameter": severity}},
            "severity": GX_SEVERITY[severity],
            "description": f"[{severity}] no {severity} rule has a failing instance in the warehouse",
            "meta": {"name": f"no {severity} rule fails", "severity": severity},
        } for severity in SEVERITIES],
    }


# -- to Great Expectations ----------------------------------------------------


def to_gx_suite(spec: Mapping[str, Any]):
    """A ``gx.ExpectationSuite`` from a suite dict; raises SuiteError if GX rejects an expectation.

    (GX logs and drops an invalid expectation instead of raising: counted here.)
    """
    import great_expectations as gx

    suite = gx.ExpectationSuite(**copy.deepcopy(dict(spec)))
    if len(suite.expectations) != len(spec["expectations"]):
        kept = {e.meta.get("name") for e in suite.expectations}
        dropped = [e["meta"]["name"] for e in spec["expectations"] if e["meta"]["name"] not in kept]
        raise SuiteError(f"suite {spec['name']}: Great Expectations rejected expectation(s) {', '.join(dropped)}")
    return suite


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m budget_warehouse.quality.suites",
        description="Regenerate the family suite files (expectations/<family>.json) from the rule catalogue.",
    )
    parser.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    parser.add_argument("--catalogue", type=Path, default=RULE_CATALOGUE_CSV)
    parser.add_argument("--dir", type=Path, default=EXPECTATIONS_DIR)
    args = parser.parse_args(argv)
    changed = sync_rule_suites(args.catalogue, args.dir, write=not args.check)
    verb = "differ from the catalogue" if args.check else "rewritten"
    print(f"{len(changed)} suite file(s) {verb}: {', '.join(changed) or '-'}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
