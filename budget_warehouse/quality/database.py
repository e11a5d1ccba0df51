"""The quality run's SQL side: what is computed in DuckDB so that Great Expectations sees small frames.

The rule instances are computed in SQL by dbt (``dq_rule_instance``); a run never
loads them all. From the database it takes:

- per-rule summaries (instances and failing instances per rule, family and severity);
- the failing instances of the documents the last build recomputed, with their evidence;
- for each table of the shape suite, the *suspect rows*: the rows that can
  violate one of the table's expectations (a NULL where none may be, a key that
  occurs twice, a value out of its set or range), computed by a SQL predicate
  per expectation type. GX validates exactly those rows, so its verdict and
  unexpected rows are those of the whole table. A table whose suite has an
  expectation without such a predicate (a row count, a row condition) is read
  whole (only the checked columns; today that is ``dim_document``, one row per
  document).

``dq_check_result`` (one row per rule instance: this run's outcome) is a view of
``dq_rule_instance`` joined to ``dq_check_rule`` (one row per rule and suite:
the run's expectation and severity), so writing it costs nothing whatever the
size of the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from budget_warehouse.quality.suites import RULE_FAMILIES, RULE_TABLE, columns_used

CHECK_RULE_TABLE = "dq_check_rule"
DOCUMENT_IDS = "document_ids"  # the shape suite's run-time parameter: dim_document's ids
# DuckDB's own memory during the quality run (it spills beyond): the run stays flat with the warehouse.
# At 10,000 documents 128 MB is as fast as 256 MB and the worker's peak after a full build 120 MB lower.
MEMORY_LIMIT = "128MB"

# The type a column of dq_rule_instance has when the table lacks it (results keep their types).
FALLBACK_TYPES = {
    "left_value": "decimal(20,6)", "right_value": "decimal(20,6)", "difference": "decimal(20,6)",
    "tolerance": "decimal(20,6)", "source_lines": "integer[]",
}
CHECK_RESULT_COLUMNS = (
    "run_id", "checked_at", "suite", "expectation", "rule_id", "severity", "instance_key", "document_id",
    "status", "left_value", "right_value", "difference", "location", "source_lines",
)
HISTORY_EXTRA_COLUMNS = (
    "family", "table_kind", "table_id", "unit_code", "code", "left_label", "right_label", "tolerance", "note",
    "description",
)


def connect(path: str, *, read_only: bool, memory_limit: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set enable_progress_bar = false")  # DuckDB draws one on stdout for queries over 2 s
    return con


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = current_schema()").fetchall()}


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = current_schema() "
        "and table_name = ? order by ordinal_position", [table]).fetchall()]


def _families() -> str:
    return ", ".join(literal(f) for f in RULE_FAMILIES)


def _severity(expr: str) -> str:
    """SQL for the run's reading of a severity: WARN/WARNING → WARN, anything else ERROR."""
    return f"case when upper({expr}) in ('WARN', 'WARNING') then 'WARN' else 'ERROR' end"


# -- rule instances -------------------------------------------------------------


def rule_summary(con: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> list[dict[str, Any]]:
    """One row per (rule, family, severity) of dq_rule_instance: instances, failing instances, instances passing
    only within the rounding tolerance, description."""
    description = "any_value(description)" if "description" in columns else "null"
    cursor = con.execute(
        f"select rule_id, family, severity, {description} as description, count(*) as instances, "
        f"count(*) filter (where status = 'fail') as failing, "
        f"count(*) filter (where status = 'pass_within_tolerance') as within_tolerance "
        f"from {RULE_TABLE} group by all order by all")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


RECOMPUTED = "(select document_id from document_scope where recompute)"
LITERAL_SCOPE_MAX = 200  # up to this many recomputed documents, a literal list (DuckDB prunes with it)


def scope(documents: Sequence[str] | None) -> str:
    """SQL true for the rows of ``documents`` (the recomputed ones; None: every row)."""
    if documents is None:
        return "true"
    if len(documents) <= LITERAL_SCOPE_MAX:
        return f"document_id in ({', '.join(literal(d) for d in documents) or 'null'})"
    return f"document_id in {RECOMPUTED}"


def rule_rows(con: duckdb.DuckDBPyConnection, columns: Sequence[str], documents: Sequence[str] | None):
    """The failing instances of ``documents`` (None: all), every column but the description, as an Arrow
    table (exact decimals)."""
    select = ", ".join(quote(c) for c in columns if c != "description")
    return arrow(con, f"select {select} from {RULE_TABLE} where status = 'fail' and {scope(documents)} "
                      "order by instance_key")


def recomputed_documents(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    """The documents the warehouse's last dbt build recomputed (``document_scope``: new, changed and removed
    ones and their next years), or None for all of them (a full build, or no such table)."""
    present = relations(con)
    if "document_scope" not in present or "recompute" not in columns_of(con, "document_scope"):
        return None
    ids = [r[0] for r in con.execute(f"select * from {RECOMPUTED} order by 1").fetchall()]
    if "dim_document" in present and not con.execute(
            f"select count(*) from dim_document where document_id not in {RECOMPUTED}").fetchone()[0]:
        return None
    return ids


def arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """A query's result as one Arrow table (exact types: DECIMALs stay decimals)."""
    return con.sql(sql, params=params or None).to_arrow_table()


# -- the shape suite --------------------------------------------------------------


_UNIQUE = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


def _violation(exp: Mapping[str, Any], table: str, within: str = "") -> str | None:
    """A SQL predicate true for every row that can violate the expectation; None: no such predicate.
    ``within`` (SQL, e.g. "document_id in (...)"): a uniqueness check looks for the keys of those rows
    only, and names every row holding such a key twice, in or out of it (GX must see both)."""
    kwargs = exp["kwargs"]
    if kwargs.get("row_condition") is not None or kwargs.get("mostly") not in (None, 1, 1.0):
        return None
    kind = exp["type"]
    column = quote(kwargs["column"]) if isinstance(kwargs.get("column"), str) else None
    if kind == "expect_column_values_to_not_be_null" and column:
        return f"{column} is null"
    key = column if kind == _UNIQUE[0] else None
    if kind == _UNIQUE[1] and isinstance(kwargs.get("column_list"), list):
        key = "(" + ", ".join(quote(c) for c in kwargs["column_list"]) + ")"
    if kind in _UNIQUE and key:
        where = f" where {key} in (select {key} from {table} where {within})" if within else ""
        return f"{key} in (select {key} from {table}{where} group by all having count(*) > 1)"
    if kind == "expect_column_values_to_be_in_set" and column:
        values = kwargs.get("value_set")
        if isinstance(values, dict) and values == {"$PARAMETER": DOCUMENT_IDS}:
            return f"{column} is not null and {column} not in (select document_id from dim_document)"
        if isinstance(values, list):
            return f"{column} is not null and {column} not in ({', '.join(literal(v) for v in values) or 'null'})"
        return None
    if kind == "expect_column_values_to_be_between" and column:
        out = []
        if kwargs.get("min_value") is not None:
            out.append(f"{column} {'<=' if kwargs.get('strict_min') else '<'} {literal(kwargs['min_value'])}")
        if kwargs.get("max_value") is not None:
            out.append(f"{column} {'>=' if kwargs.get('strict_max') else '>'} {literal(kwargs['max_value'])}")
        return " or ".join(out) if out else None
    return None


def shape_rows(con: duckdb.DuckDBPyConnection, table: str, spec: Mapping[str, Any], documents: Sequence[str] | None):
    """The rows of ``table`` GX validates for the table's shape suite, as a pandas frame, and the table's row count.

    The suspect rows of every expectation (rows outside them cannot make it fail), of the ``documents``
    the last build recomputed (None: all) when the table has a document_id (the other documents' rows
    passed when they were built); the whole table (checked columns only) when an expectation has no
    predicate.
    """
    available = columns_of(con, table)
    wanted = [c for c in columns_used(spec) if c in available]
    select = ", ".join(quote(c) for c in wanted) if wanted else "1 as _row"
    rows_of = scope(documents) if documents is not None and "document_id" in available else ""
    predicates = [_violation(e, quote(table), rows_of) for e in spec["expectations"]]
    (count,) = con.execute(f"select count(*) from {quote(table)}").fetchone()
    if any(p is None for p in predicates):
        return con.execute(f"select {select} from {quote(table)}").df(), count
    # a row naming no known document is looked for everywhere (the scope is itself a list of documents),
    # and a duplicate key of a scoped row wherever it is (the predicate holds the scope)
    where = " or ".join(f"({p})" if not rows_of or e["type"] in _UNIQUE or _names_documents(e) else f"({rows_of} and ({p}))"
                        for e, p in zip(spec["expectations"], predicates)) or "false"
    return con.execute(f"select {select} from {quote(table)} where {where}").df(), count


def _names_documents(exp: Mapping[str, Any]) -> bool:
    return exp["type"] == "expect_column_values_to_be_in_set" and exp["kwargs"].get("value_set") == {"$PARAMETER": DOCUMENT_IDS}


# -- results -------------------------------------------------------------------------


def write_check_rules(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]]) -> None:
    """dq_check_rule: per (suite, rule) of the run, its expectation, severity and description."""
    con.execute(f"create or replace table {CHECK_RULE_TABLE} (suite varchar, rule_id varchar, "
                "expectation varchar, severity varchar, description varchar)")
    values = [[r["suite"], r["rule_id"], r["expectation"], r["severity"], r["description"]] for r in rows]
    if values:
        con.executemany(f"insert into {CHECK_RULE_TABLE} values (?, ?, ?, ?, ?)", values)


def _instance_column(name: str, columns: Sequence[str]) -> str:
    if name in columns:
        return f"i.{quote(name)}"
    return f"null::{FALLBACK_TYPES.get(name, 'varchar')}"


def check_result_select(columns: Sequence[str], run_id: str, checked_at: datetime, *, history: bool = False) -> str:
    """dq_check_result's query (with ``history``: plus the evidence the history file keeps)."""
    family = _instance_column("family", columns)
    known = f"{family} in ({_families()})"
    exprs = {
        "run_id": f"{literal(run_id)}::varchar",
        "checked_at": f"{literal(checked_at.isoformat())}::timestamptz",
        "suite": f"case when {known} then {family} end",
        "expectation": f"case when {known} then m.expectation end",
        "severity": f"coalesce(m.severity, {_severity(_instance_column('severity', columns))})",
    }
    select = [f"{exprs.get(c) or _instance_column(c, columns)} as {quote(c)}" for c in CHECK_RESULT_COLUMNS]
    if history:
        extra = {"family": exprs["suite"], "description": "m.description"}
        select += [f"{extra.get(c) or _instance_column(c, columns)} as {quote(c)}" for c in HISTORY_EXTRA_COLUMNS]
    source = RULE_TABLE if columns else "(select 1 as _none where false)"
    join = (f"m.suite = {family} and m.rule_id = i.rule_id" if "rule_id" in columns else "false")
    return (f"select {', '.join(select)} from {source} i left join {CHECK_RULE_TABLE} m on {join}")


def write_check_result(con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[str], run_id: str,
                       checked_at: datetime) -> None:
    """The run's dq_check_result: a view over dq_rule_instance (an empty table when there is none)."""
    for kind in ("view", "table"):
        try:
            con.execute(f"drop {kind} if exists {name}")
        except duckdb.CatalogException:
            pass  # it exists as the other kind
    query = check_result_select(columns, run_id, checked_at)
    con.execute(f"create {'view' if columns else 'table'} {name} as {query}")


def history_rows(con: duckdb.DuckDBPyConnection, columns: Sequence[str], run_id: str, checked_at: datetime):
    """The run's failing instances with their evidence (Arrow), for the history file."""
    query = check_result_select(columns, run_id, checked_at, history=True)
    return arrow(con, f"select * from ({query}) where status = 'fail' order by instance_key")
