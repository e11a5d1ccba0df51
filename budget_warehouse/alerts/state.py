"""Which rule instances were failing at the last run, and what changed since.

The state file is a small JSON document::

    {"version": 1, "updated_at": "2025-01-01T00:00:00+00:00",
     "failing": {"<instance_key>": {"first_seen": "...", "last_seen": "...",
                                    "finding": {<Finding.to_dict()>}}}}

It keeps the last evidence of every failing instance, so that when one stops
failing the "resolved" alert can still say what it was. It is written to a
temporary file in the same folder and renamed over the old one (``os.replace``),
so a reader sees the old state or the new one, never half of one.

Only findings with status ``fail`` count as failing: passing ones
(``pass``, ``pass_within_tolerance``) may be passed in and are ignored.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from budget_warehouse.alerts.findings import AlertEvent, Finding

STATE_VERSION = 1

log = logging.getLogger(__name__)


class AlertStateError(RuntimeError):
    """The state file exists but cannot be read."""


class FindingDiff(NamedTuple):
    new: list[Finding]  # failing now, not failing at the last run
    resolved: list[str]  # instance keys failing at the last run, not now
    still_failing: list[Finding]  # failing at both (not re-sent)


@dataclass(frozen=True)
class StateEntry:
    finding: Finding  # the latest evidence while failing
    first_seen: str  # ISO timestamps (UTC)
    last_seen: str


class AlertState:
    """The failing instances of the last run, loaded from and saved to ``path``."""

    def __init__(self, path: str | os.PathLike[str], entries: dict[str, StateEntry] | None = None):
        self.path = Path(path)
        self.entries: dict[str, StateEntry] = dict(entries or {})

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> AlertState:
        """Read the state file; a missing file is an empty state (first run)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        try:
            data = json.loads(text)
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}")
            entries = {
                key: StateEntry(Finding.from_dict(item["finding"]), item["first_seen"], item["last_seen"])
                for key, item in data["failing"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AlertStateError(
                f"alert state file {path} is unreadable ({exc}); fix or delete it "
                "(deleting it re-sends every current failure as new)"
            ) from exc
        return cls(path, entries)

    @property
    def failing_keys(self) -> set[str]:
        return set(self.entries)

    def last_evidence(self, instance_key: str) -> Finding | None:
        entry = self.entries.get(instance_key)
        return entry.finding if entry else None

    def update(
        self,
        current: Iterable[Finding],
        *,
        documents: Collection[str] | None = None,
        now: datetime | None = None,
    ) -> tuple[FindingDiff, list[AlertEvent]]:
        """Compare ``current`` with the state, update the state in memory, return the changes.

        ``documents``: the document ids this run checked. When given, only
        instances of those documents can be resolved; the others are left as
        they are (for runs that check some documents only). Events: one "new"
        per new failure, one "resolved" (with the last evidence) per resolved
        key. Call ``save()`` afterwards to persist.
        """
        diff = diff_findings(self, current, documents=documents)
        stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        events = [AlertEvent("new", f) for f in diff.new]
        events += [AlertEvent("resolved", self.entries[key].finding) for key in diff.resolved]
        for key in diff.resolved:
            del self.entries[key]
        for finding in diff.still_failing:
            self.entries[finding.instance_key] = StateEntry(
                finding, self.entries[finding.instance_key].first_seen, stamp
            )
        for finding in diff.new:
            self.entries[finding.instance_key] = StateEntry(finding, stamp, stamp)
        return diff, events

    def save(self) -> None:
        """Write the state atomically (temporary file in the same folder + ``os.replace``)."""
        data = {
            "version": STATE_VERSION,
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "failing": {
                key: {"first_seen": e.first_seen, "last_seen": e.last_seen, "finding": e.finding.to_dict()}
                for key, e in sorted(self.entries.items())
            },
        }
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def diff_findings(
    previous: AlertState | Collection[str] | str | os.PathLike[str],
    current_failing: Iterable[Finding],
    *,
    documents: Collection[str] | None = None,
) -> FindingDiff:
    """Split ``current_failing`` into new / still failing, and list the resolved keys.

    ``previous``: an ``AlertState``, the path of a state file, or the set of
    instance keys that were failing. Findings whose status is not ``fail``
    are ignored; a repeated instance key keeps its first finding (with a
    warning). ``documents`` limits which previous instances can be resolved
    (see ``AlertState.update``); it needs a state, since a bare key set does
    not say which document a key belongs to.
    """
    if isinstance(previous, (str, os.PathLike)):
        previous = AlertState.load(previous)
    if isinstance(previous, AlertState):
        previous_keys = previous.failing_keys
        document_of = {key: e.finding.document_id for key, e in previous.entries.items()}
    else:
        if documents is not None:
            raise ValueError("diff_findings(documents=...) needs an AlertState or state file, not a key set")
        previous_keys = set(previous)
        document_of = {}

    current: dict[str, Finding] = {}
    for finding in current_failing:
        if finding.status != "fail":
            continue
        if finding.instance_key in current:
            if current[finding.instance_key] != finding:
                log.warning("two different findings share instance key %r; keeping the first", finding.instance_key)
            continue
        current[finding.instance_key] = finding

    new = [f for key, f in current.items() if key not in previous_keys]
    still = [f for key, f in current.items() if key in previous_keys]
    in_scope = (lambda key: True) if documents is None else (lambda key: document_of.get(key) in documents)
    resolved = sorted(key for key in previous_keys if key not in current and in_scope(key))
    return FindingDiff(new, resolved, still)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old content or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
