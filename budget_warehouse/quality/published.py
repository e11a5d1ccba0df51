"""The quality results of a published warehouse, read back (read-only) as alert findings.

The Dagster asset checks, the alert sensor and ``budget-warehouse alerts`` all
read the last quality run from here: counts per family and the failing
instances with their evidence (``dq_rule_instance``) and source text
(``dim_source_line``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budget_warehouse.alerts.findings import Finding
from budget_warehouse.document_name import document_name_of
from budget_warehouse.quality.results import CHECK_RESULT_TABLE

QUALITY_TABLE = "dq_rule_instance"


@dataclass
class QualityResults:
    run_id: str | None
    checked_at: Any
    counts: Counter = field(default_factory=Counter)  # (family, severity, status) -> instances
    findings: list[Finding] = field(default_factory=list)  # failing instances, with evidence


def _rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def read_findings(db_path: Path) -> QualityResults | None:
    """The latest quality run of the warehouse at ``db_path``: counts and failing instances.

    None when the warehouse does not exist or holds no ``dq_check_result``.
    Evidence comes from ``dq_rule_instance`` (labels, table, tolerance) and the
    source text from ``dim_source_line``.
    """
    from budget_warehouse.warehouse import connect, has_table

    if not Path(db_path).exists():
        return None
    with connect(db_path) as con:
        if not has_table(con, CHECK_RESULT_TABLE):
            return None
        latest = con.execute(
            f"select run_id, checked_at from {CHECK_RESULT_TABLE} order by checked_at desc limit 1"
        ).fetchone()
        if latest is None:
            return QualityResults(None, None)
        run_id, checked_at = latest
        counts = Counter(
            {
                (family, severity, status): n
                for family, severity, status, n in con.execute(
                    f"select suite, severity, status, count(*) from {CHECK_RESULT_TABLE} where run_id = ? group by all",
                    [run_id],
                ).fetchall()
            }
        )
        failing = _rows(
            con,
            f"select * from {CHECK_RESULT_TABLE} where run_id = ? and status = 'fail' "
            "order by severity, document_id, rule_id, instance_key",
            [run_id],
        )
        evidence: dict[str, dict[str, Any]] = {}
        if failing and has_table(con, QUALITY_TABLE):
            con.execute("create temp table _failing(instance_key varchar)")
            con.executemany("insert into _failing values (?)", [[r["instance_key"]] for r in failing])
            evidence = {
                r["instance_key"]: r
                for r in _rows(con, f"select r.* from {QUALITY_TABLE} r join _failing using (instance_key)")
            }
        documents = (
            {r["document_id"]: r for r in _rows(con, "select * from dim_document")}
            if has_table(con, "dim_document")
            else {}
        )
        line_texts: dict[tuple[str, int], str] = {}
        if failing and has_table(con, "dim_source_line"):
            line_texts = {
                (doc_id, n): text
                for doc_id, n, text in con.execute(
                    "select l.document_id, l.source_line, l.text from dim_source_line l "
                    f"join (select distinct document_id, unnest(source_lines) as source_line from {CHECK_RESULT_TABLE} "
                    "where run_id = ? and status = 'fail') using (document_id, source_line)",
                    [run_id],
                ).fetchall()
            }

    results = QualityResults(run_id, checked_at, counts)
    for row in failing:
        if not row.get("suite"):
            continue  # a rule without a family: the quality run reports it as a problem
        merged = {**evidence.get(row["instance_key"], {}), **{k: v for k, v in row.items() if v is not None}}
        doc = documents.get(row["document_id"], {})
        merged.update(
            family=row["suite"],
            document_name=document_name_of(doc) if doc else "",
            row_label=merged.get("location"),
            left=merged.get("left_value"),
            right=merged.get("right_value"),
        )
        lines = [int(n) for n in (merged.get("source_lines") or []) if n is not None]
        merged["source_lines"] = lines
        merged["line_texts"] = [line_texts.get((row["document_id"], n), "") for n in lines]
        results.findings.append(Finding.from_row(merged))
    return results
