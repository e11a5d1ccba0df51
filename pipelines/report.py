"""The report asset: the static site of the published warehouse, written after every publish (thin: the
library's ``budget_warehouse.report.write_report`` does the work)."""

from __future__ import annotations

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from budget_warehouse.quality.published import QUALITY_TABLE
from budget_warehouse.report import default_report_dir, write_report
from pipelines.resources import BudgetWarehouseResource


@asset(deps=[AssetKey([QUALITY_TABLE])], group_name="report", kinds={"html"})
def report_site(context, budget: BudgetWarehouseResource) -> MaterializeResult:
    """index.html and one page per document of the published warehouse, next to it (``report/``); the pages
    of documents whose inputs did not change are kept."""
    warehouse = budget.layout.warehouse
    result = write_report(warehouse, default_report_dir(warehouse), [budget.raw_path])
    for problem in result.problems:
        context.log.warning(problem)
    return MaterializeResult(
        metadata={
            "index": MetadataValue.path(str(result.index)),
            "documents": result.documents,
            "pages_written": result.pages_written,
            "seconds": round(result.seconds, 2),
        }
    )
