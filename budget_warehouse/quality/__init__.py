"""Great Expectations layer: the accounting-rule suites and the marts' shape, run on a built warehouse.

``validate_warehouse(db_path)`` (in ``run``) is the pipeline's validate step;
suites live as JSON under ``expectations/`` (see ``suites``); the outcome is a
``QualityReport`` (``results``). Nothing here imports Great Expectations at
import time (it takes seconds): the run imports it when it runs.
"""

from budget_warehouse.quality.results import CHECK_RESULT_TABLE, EXPECTATION_RESULT_TABLE, QualityReport, SuiteOutcome

__all__ = [
    "CHECK_RESULT_TABLE",
    "EXPECTATION_RESULT_TABLE",
    "QualityReport",
    "SuiteOutcome",
    "validate_rule_frame",
    "validate_warehouse",
]


def __getattr__(name: str):
    # run imports pandas/pyarrow: load it only when asked for.
    if name in ("validate_warehouse", "validate_rule_frame"):
        from budget_warehouse.quality import run

        return getattr(run, name)
    raise AttributeError(name)
