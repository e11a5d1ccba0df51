"""A static report of the warehouse people read: the documents, their figures and charts, their breaks next to
the source (``write_report``; ``budget-warehouse report``)."""

from budget_warehouse.report.site import ReportResult, default_report_dir, write_report

__all__ = ["ReportResult", "default_report_dir", "write_report"]
