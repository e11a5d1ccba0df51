"""What one quality run produced: per-suite outcomes, the findings, where things were written.

Plain dataclasses (no Great Expectations import), so callers can type against
them cheaply. ``QualityReport.findings`` holds one dict per failing rule
instance of the documents the run checked row by row (those the last build
recomputed: all of them after a full build); each converts directly with ``budget_warehouse.alerts.Finding.from_row``
(``QualityReport.to_findings()`` does it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# The table the run writes into the warehouse: one row per rule instance evaluated.
CHECK_RESULT_TABLE = "dq_check_result"
# One row per expectation evaluated (rule expectations and the marts' shape expectations).
EXPECTATION_RESULT_TABLE = "dq_expectation_result"


@dataclass(slots=True)
class SuiteOutcome:
    """One suite's result. A family suite counts its rules; the shape suite its expectations.

    ``errors``/``warnings``: failed expectations of severity ERROR / WARN.
    ``instances``/``failed_instances``: rule instances (rows of dq_rule_instance)
    the suite evaluated, and how many of them have status 'fail' (0 for the shape suite);
    ``within_tolerance_instances``: how many pass only within the rounding tolerance.
    """

    name: str
    evaluated: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    warnings: int = 0
    instances: int = 0
    failed_instances: int = 0
    within_tolerance_instances: int = 0
    gx_suites: list[str] = field(default_factory=list)  # the GX suite name(s) run for it
    failed_expectations: list[str] = field(default_factory=list)  # names of the failed expectations

    @property
    def success(self) -> bool:
        return self.errors == 0

    def count(self, name: str, success: bool, severity: str) -> None:
        """One more expectation evaluated."""
        self.evaluated += 1
        if success:
            self.passed += 1
            return
        self.failed += 1
        self.failed_expectations.append(name)
        if severity == "ERROR":
            self.errors += 1
        else:
            self.warnings += 1


@dataclass(slots=True)
class QualityReport:
    run_id: str
    checked_at: datetime
    warehouse: Path | None
    suites: dict[str, SuiteOutcome] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    docs_index: Path | None = None
    history_path: Path | None = None
    # Something kept the run from checking everything (a missing table, a rule
    # without a family, GX disagreeing with the statuses …): never silent.
    problems: list[str] = field(default_factory=list)
    # Harmless remarks (e.g. a rule of the catalogue the suite files do not list yet).
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """No failed ERROR expectation in any suite, and nothing kept the run from checking."""
        return not self.problems and all(s.errors == 0 for s in self.suites.values())

    @property
    def failing_instances(self) -> int:
        """Failing rule instances in the whole warehouse (``findings`` has those of the recomputed documents)."""
        return sum(s.failed_instances for s in self.suites.values())

    @property
    def error_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "ERROR"]

    @property
    def warn_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "WARN"]

    def to_findings(self) -> list:
        """The findings as ``budget_warehouse.alerts.Finding`` objects (amounts exact)."""
        from budget_warehouse.alerts.findings import Finding

        return [Finding.from_row(f) for f in self.findings]

    def summary(self) -> str:
        lines = [f"Quality run {self.run_id}: {'PASSED' if self.passed else 'FAILED'}"]
        for s in self.suites.values():
            lines.append(
                f"  {s.name}: {s.evaluated} expectations, {s.passed} passed, {s.failed} failed "
                f"({s.errors} ERROR, {s.warnings} WARN); {s.instances} rule instances, {s.failed_instances} failing, "
                f"{s.within_tolerance_instances} passing only within rounding tolerance"
            )
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        if self.docs_index:
            lines.append(f"  Data Docs: {self.docs_index}")
        return "\n".join(lines)
