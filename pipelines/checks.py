"""Asset checks: the Great Expectations results of the published warehouse, one check per rule family.

``budget_dbt`` runs the GX suites (``budget_warehouse.quality``) on the new
warehouse file before publishing it; they write one row per rule instance to
``dq_check_result``. The checks here read that table from the published file
(read-only) and report, per family of accounting identities (within a table,
across tables, prose against tables, sanity, presence, year over year), whether
any instance fails, with severity ERROR when a failing rule is an ERROR rule
(WARN otherwise) and the failing instances as metadata: document, rule, where,
source lines, both sides, difference. They are attached to the dbt model
``dq_rule_instance`` (the rule instances the suites validate).

``read_findings`` is also what ``alert_sensor`` sends.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    multi_asset_check,
)

from budget_warehouse.alerts.findings import FAMILIES, Finding, decimal_to_str
from pipelines.assets import QUALITY_TABLE, budget_dbt
from pipelines.resources import BudgetWarehouseResource

CHECK_RESULT_TABLE = "dq_check_result"
MAX_TABLE_ROWS = 500  # failing instances listed per check (the count is always complete)
MAX_MARKDOWN_ROWS = 50

FAMILY_DESCRIPTIONS = {
    "within_table": "Every printed total (合计/总计 rows and columns) and parent line equals the sum of its parts.",
    "cross_table": "The tables agree with each other (tables 1–4, table 5 vs 3, 5 vs 7 vs 8, 三公 vs economic 款, units).",
    "prose": "Every amount stated in the prose matches the table value it restates.",
    "sanity": "Sanity rules: impossible decreases, negative amounts, malformed or unknown codes, unit slips, months > 12.",
    "presence": "The required tables are present (a table printed as 无 counts as present).",
    "year_over_year": "Year-on-year claims agree with the previous year's document of the same department.",
}

# The checks hang on dq_rule_instance; if the dbt project has no such model, on dim_document.
_dbt_keys = set(budget_dbt.keys)
QUALITY_ASSET = AssetKey([QUALITY_TABLE]) if AssetKey([QUALITY_TABLE]) in _dbt_keys else AssetKey(["dim_document"])


def check_name(family: str) -> str:
    return f"{family}_identities"


# -- reading the published warehouse ---------------------------------------------


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


def _line_texts(doc: dict[str, Any], source_dirs: list[Path], cache: dict[str, list[str] | None]) -> list[str] | None:
    """The document's lines, from its file in a source folder (only if it is the text the warehouse holds)."""
    import hashlib

    from budget_warehouse.extract.decode import decode

    doc_id = doc.get("document_id")
    if doc_id in cache:
        return cache[doc_id]
    cache[doc_id] = None
    for folder in source_dirs:
        path = folder / str(doc.get("source_name") or "")
        if not doc.get("source_name") or not path.is_file():
            continue
        try:
            text, _ = decode(path.read_bytes(), source=path.name)
        except Exception:  # noqa: BLE001 - no text, no excerpt; the finding still goes out
            continue
        if doc.get("content_hash") and hashlib.sha256(text.encode("utf-8")).hexdigest() != doc["content_hash"]:
            continue
        cache[doc_id] = text.split("\n")
        break
    return cache[doc_id]


def read_findings(db_path: Path, source_dirs: list[Path] = ()) -> QualityResults | None:
    """The latest quality run of the warehouse at ``db_path``: counts and failing instances.

    None when the warehouse does not exist or holds no ``dq_check_result``.
    Evidence comes from ``dq_rule_instance`` (labels, table, tolerance) and the
    source text from the document's file in ``source_dirs`` when its content
    hash matches the warehouse's.
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
            {r["document_id"]: r for r in _rows(con, "select document_id, title, source_name, content_hash from dim_document")}
            if has_table(con, "dim_document")
            else {}
        )

    results = QualityResults(run_id, checked_at, counts)
    cache: dict[str, list[str] | None] = {}
    for row in failing:
        if not row.get("suite"):
            continue  # a rule without a family: the quality run reports it as a problem
        merged = {**evidence.get(row["instance_key"], {}), **{k: v for k, v in row.items() if v is not None}}
        doc = documents.get(row["document_id"], {})
        merged.update(
            family=row["suite"],
            document_name=doc.get("title") or "",
            row_label=merged.get("location"),
            left=merged.get("left_value"),
            right=merged.get("right_value"),
        )
        lines = [int(n) for n in (merged.get("source_lines") or []) if n is not None]
        merged["source_lines"] = lines
        text = _line_texts({**doc, "document_id": row["document_id"]}, list(source_dirs), cache) if doc else None
        merged["line_texts"] = [text[n - 1] if 1 <= n <= len(text) else "" for n in lines] if text else []
        results.findings.append(Finding.from_row(merged))
    return results


# -- the checks ------------------------------------------------------------------


def _amount(value) -> str | None:
    return None if value is None else decimal_to_str(value)


_COLUMNS = [
    TableColumn("severity", "string"),
    TableColumn("document", "string"),
    TableColumn("rule", "string"),
    TableColumn("where", "string"),
    TableColumn("lines", "string"),
    TableColumn("left", "string"),
    TableColumn("right", "string"),
    TableColumn("difference", "string"),
    TableColumn("tolerance", "string"),
]


def _record(f: Finding) -> TableRecord:
    return TableRecord(
        {
            "severity": f.severity,
            "document": f"{f.document_name} ({f.document_id})" if f.document_name else f.document_id,
            "rule": f.rule_id,
            "where": f.where,
            "lines": ",".join(map(str, f.source_lines)),
            "left": f"{f.left_label} = {_amount(f.left)}" if f.left is not None else None,
            "right": f"{f.right_label} = {_amount(f.right)}" if f.right is not None else None,
            "difference": _amount(f.difference),
            "tolerance": _amount(f.tolerance),
        }
    )


def _markdown(findings: list[Finding]) -> str:
    blocks = []
    for f in findings[:MAX_MARKDOWN_ROWS]:
        text = "\n".join(f"    {line}" for line in f.render_text().splitlines())
        blocks.append(text)
    more = len(findings) - MAX_MARKDOWN_ROWS
    if more > 0:
        blocks.append(f"… and {more} more (query dq_check_result where status = 'fail')")
    return "\n\n".join(blocks)


def family_result(family: str, results: QualityResults | None, warehouse: Path) -> AssetCheckResult:
    name = check_name(family)
    if results is None:
        return AssetCheckResult(
            check_name=name,
            asset_key=QUALITY_ASSET,
            passed=False,
            severity=AssetCheckSeverity.WARN,
            description="no quality results",
            metadata={"problem": f"{warehouse} holds no {CHECK_RESULT_TABLE}: the quality suites have not run on it"},
        )
    counts = {(sev, status): n for (fam, sev, status), n in results.counts.items() if fam == family}
    failing = [f for f in results.findings if f.family == family]
    errors = sum(f.severity == "ERROR" for f in failing)
    metadata: dict[str, Any] = {
        "quality_run": results.run_id or "",
        "evaluated": sum(counts.values()),
        "passed": sum(n for (_, status), n in counts.items() if status == "pass"),
        "passed_within_tolerance": sum(n for (_, status), n in counts.items() if status == "pass_within_tolerance"),
        "failed_error": errors,
        "failed_warn": len(failing) - errors,
        "documents_failing": len({f.document_id for f in failing}),
    }
    if failing:
        metadata["failing_instances"] = MetadataValue.table(
            [_record(f) for f in failing[:MAX_TABLE_ROWS]], schema=TableSchema(columns=_COLUMNS)
        )
        metadata["evidence"] = MetadataValue.md(_markdown(failing))
    return AssetCheckResult(
        check_name=name,
        asset_key=QUALITY_ASSET,
        passed=not failing,
        severity=AssetCheckSeverity.ERROR if errors or not failing else AssetCheckSeverity.WARN,
        description=f"{len(failing)} failing instance(s) of {metadata['evaluated']}" if failing else None,
        metadata=metadata,
    )


@multi_asset_check(
    specs=[
        AssetCheckSpec(check_name(family), asset=QUALITY_ASSET, description=FAMILY_DESCRIPTIONS.get(family, family))
        for family in FAMILIES
    ],
    can_subset=True,
    name="accounting_identities",
)
def accounting_identities(context: AssetCheckExecutionContext, budget: BudgetWarehouseResource) -> Iterator[AssetCheckResult]:
    """One result per rule family from the published warehouse's dq_check_result (read-only)."""
    warehouse = budget.layout.warehouse
    results = read_findings(warehouse, [budget.raw_path])
    selected = {key.name for key in context.selected_asset_check_keys}
    for family in FAMILIES:
        if check_name(family) in selected:
            yield family_result(family, results, warehouse)
