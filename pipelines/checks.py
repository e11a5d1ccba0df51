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

``budget_warehouse.quality.published.read_findings`` is also what ``alert_sensor`` sends.
"""

from collections.abc import Iterator
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
from budget_warehouse.quality.published import CHECK_RESULT_TABLE, QUALITY_TABLE, QualityResults, read_findings
from pipelines.assets import budget_dbt
from pipelines.resources import BudgetWarehouseResource

MAX_TABLE_ROWS = 500  # failing instances listed per check (the count is always complete)
MAX_MARKDOWN_ROWS = 50

FAMILY_DESCRIPTIONS = {
    "within_table": "Every printed total (合计/总计 rows and columns) and parent line equals the sum of its parts.",
    "cross_table": "The tables agree with each other (tables 1–4, table 5 vs 3, 5 vs 7 vs 8, 三公 vs economic 款, units).",
    "prose": "Every amount stated in the prose matches the table value it restates.",
    "sanity": "Sanity rules: impossible decreases, negative amounts, malformed or unknown codes, unit slips, months > 12.",
    "presence": "The required tables are present (a table printed as 无 counts as present).",
    "year_over_year": "Year-on-year claims agree with the previous year's document of the same department.",
    "text": "The reviewer's text checks: direction words, stated % and totals against their numbers, placeholders, years, 目录 and table notes.",
}

# The checks hang on dq_rule_instance; if the dbt project has no such model, on dim_document.
_dbt_keys = set(budget_dbt.keys)
QUALITY_ASSET = AssetKey([QUALITY_TABLE]) if AssetKey([QUALITY_TABLE]) in _dbt_keys else AssetKey(["dim_document"])


def check_name(family: str) -> str:
    return f"{family}_identities"


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
    results = read_findings(warehouse)
    selected = {key.name for key in context.selected_asset_check_keys}
    for family in FAMILIES:
        if check_name(family) in selected:
            yield family_result(family, results, warehouse)
