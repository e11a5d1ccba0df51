"""Which rule instances were failing at the last run, what each channel was told, and what changed.

The state file is a small JSON document::

    {"version": 2, "updated_at": "2025-01-01T00:00:00+00:00",
     "failing":  {"<alert key>": {"first_seen": "...", "last_seen": "...", "finding": {<Finding.to_dict()>}}},
     "resolved": {"<alert key>": {... the last evidence of an instance that stopped failing ...}},
     "channels": {"<channel name>": ["<alert key>", ...]}}

``failing`` holds the last evidence of every instance failing at the last run.
``channels`` holds, per channel, the instances that channel was told are
failing: a key is added only after the channel accepted the "new" alert and
removed only after it accepted the "resolved" one, so a channel that was down
gets exactly the events it missed on the next run, and a channel that took
them never gets them twice. ``resolved`` keeps the last evidence of an
instance that stopped failing while some channel has not been told yet.

Alert keys are ``Finding.alert_key``: rule, document and what the location
means (table, row, code, unit), never source line numbers. A version-1 file
(one set of keys for all channels, keys with whatever the rule instance key
was) is read as "every channel was told": its findings are re-keyed.

The file is written to a temporary file in the same folder and renamed over
the old one (``os.replace``), so a reader sees the old state or the new one.
Only findings with status ``fail`` count as failing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from budget_warehouse.alerts.findings import AlertEvent, Finding

STATE_VERSION = 2


class AlertStateError(RuntimeError):
    """The state file exists but cannot be read."""


class FindingDiff(NamedTuple):
    new: list[Finding]  # failing now, not failing at the last run
    resolved: list[str]  # alert keys failing at the last run, not now
    still_failing: list[Finding]  # failing at both (not re-sent)


@dataclass(frozen=True)
class StateEntry:
    finding: Finding  # the latest evidence while failing
    first_seen: str  # ISO timestamps (UTC)
    last_seen: str


def _entries(data: dict) -> dict[str, StateEntry]:
    return {
        key: StateEntry(Finding.from_dict(item["finding"]), item["first_seen"], item["last_seen"])
        for key, item in data.items()
    }


class AlertState:
    """The failing instances of the last run and what each channel was told; loaded from and saved to ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        entries: dict[str, StateEntry] | None = None,
        *,
        resolved: dict[str, StateEntry] | None = None,
        channels: dict[str, set[str]] | None = None,
    ):
        self.path = Path(path)
        self.entries: dict[str, StateEntry] = dict(entries or {})
        self.resolved: dict[str, StateEntry] = dict(resolved or {})
        self.channels: dict[str, set[str]] = {name: set(keys) for name, keys in (channels or {}).items()}
        self._told_all: set[str] | None = None  # a version-1 file: every channel was told these

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
            version = data.get("version")
            if version == 1:
                state = cls(path, {e.finding.alert_key: e for e in _entries(data["failing"]).values()})
                state._told_all = set(state.entries)
                return state
            if version != STATE_VERSION:
                raise ValueError(f"unsupported version {version!r}")
            return cls(
                path,
                _entries(data["failing"]),
                resolved=_entries(data.get("resolved", {})),
                channels={name: set(keys) for name, keys in data.get("channels", {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AlertStateError(
                f"alert state file {path} is unreadable ({exc}); fix or delete it "
                "(deleting it re-sends every current failure as new)"
            ) from exc

    @property
    def failing_keys(self) -> set[str]:
        return set(self.entries)

    def last_evidence(self, key: str) -> Finding | None:
        entry = self.entries.get(key) or self.resolved.get(key)
        return entry.finding if entry else None

    def told(self, channel: str) -> set[str]:
        """The keys ``channel`` was told are failing (a channel new to the state was told nothing)."""
        if channel not in self.channels:
            return set(self._told_all or ())
        return self.channels[channel]

    def update(
        self,
        current: Iterable[Finding],
        *,
        documents: Collection[str] | None = None,
        now: datetime | None = None,
    ) -> FindingDiff:
        """Record this run's failures (evidence, first/last seen); return what changed since the last run.

        ``documents``: the document ids this run checked. When given, only
        instances of those documents can be resolved; the others are left as
        they are (for runs that check some documents only). What each channel
        is sent comes from ``events_for``; call ``save()`` afterwards.
        """
        diff = diff_findings(self, current, documents=documents)
        stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        for key in diff.resolved:
            self.resolved[key] = self.entries.pop(key)
        for finding in diff.still_failing:
            key = finding.alert_key
            self.entries[key] = StateEntry(finding, self.entries[key].first_seen, stamp)
        for finding in diff.new:
            self.resolved.pop(finding.alert_key, None)  # failing again before every channel heard it stopped
            self.entries[finding.alert_key] = StateEntry(finding, stamp, stamp)
        return diff

    def events_for(self, channel: str) -> list[AlertEvent]:
        """What ``channel`` has not been told: "new" for failing instances, "resolved" for those that stopped."""
        told = self.told(channel)
        events = [AlertEvent("new", e.finding) for key, e in self.entries.items() if key not in told]
        events += [AlertEvent("resolved", self.resolved[key].finding) for key in sorted(told) if key in self.resolved]
        return events

    def delivered(self, channel: str, events: Sequence[AlertEvent]) -> None:
        """``channel`` accepted ``events``: mark them."""
        told = set(self.told(channel))
        for event in events:
            if event.kind == "new":
                told.add(event.finding.alert_key)
            else:
                told.discard(event.finding.alert_key)
        self.channels[channel] = told

    def keep_channels(self, names: Collection[str]) -> None:
        """Forget channels no longer configured, and resolved instances every remaining channel heard of."""
        for name in names:
            self.channels.setdefault(name, set(self.told(name)))
        self.channels = {name: keys for name, keys in self.channels.items() if name in names}
        self._told_all = None
        owed = set().union(*self.channels.values()) if self.channels else set()
        self.resolved = {key: e for key, e in self.resolved.items() if key in owed}

    def save(self) -> None:
        """Write the state atomically (temporary file in the same folder + ``os.replace``)."""

        def entries(items: dict[str, StateEntry]) -> dict:
            return {
                key: {"first_seen": e.first_seen, "last_seen": e.last_seen, "finding": e.finding.to_dict()}
                for key, e in sorted(items.items())
            }

        data = {
            "version": STATE_VERSION,
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "failing": entries(self.entries),
            "resolved": entries(self.resolved),
            "channels": {name: sorted(keys) for name, keys in sorted(self.channels.items())},
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
    alert keys (``Finding.alert_key``) that were failing. Findings whose
    status is not ``fail`` are ignored; an identical finding given twice
    counts once; two different findings with one alert key (two prose claims
    with the same words) are told apart by their order in the text (``… #2``).
    ``documents`` limits which previous instances can be resolved
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

    groups: dict[str, list[Finding]] = {}
    for finding in current_failing:
        if finding.status == "fail" and finding not in groups.setdefault(finding.alert_key, []):
            groups[finding.alert_key].append(finding)
    current: dict[str, Finding] = {}
    for key, group in groups.items():
        # two instances that mean the same place (two prose claims with the same words): in text order
        for n, finding in enumerate(sorted(group, key=lambda f: f.source_lines), start=1):
            current[key if n == 1 else f"{key} #{n}"] = finding if n == 1 else dataclasses.replace(finding, alert_key=f"{key} #{n}")

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
