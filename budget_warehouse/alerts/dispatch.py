"""Send events to every channel, retrying each with backoff; never raise for a channel that is down.

``run_alerts`` is the one call for a scheduler (e.g. the Dagster sensor): load
the state, diff, dispatch, save.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from budget_warehouse.alerts.channels import Channel, PermanentChannelError
from budget_warehouse.alerts.findings import AlertEvent, Finding
from budget_warehouse.alerts.state import AlertState, FindingDiff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelDelivery:
    channel: str
    attempts: int


@dataclass(frozen=True)
class ChannelFailure:
    channel: str
    error: str  # the last error, e.g. "ChannelError: cannot reach webhook: [Errno 111] Connection refused"
    attempts: int
    permanent: bool  # True when the channel said a retry cannot help (retries were cut short)


@dataclass(frozen=True)
class DispatchReport:
    events: int
    delivered: list[ChannelDelivery] = field(default_factory=list)
    failed: list[ChannelFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [f"{self.events} event(s)"]
        if self.delivered:
            parts.append("delivered to " + ", ".join(d.channel for d in self.delivered))
        for f in self.failed:
            parts.append(f"FAILED {f.channel} after {f.attempts} attempt(s): {f.error}")
        return "; ".join(parts)


def dispatch(
    events: Sequence[AlertEvent],
    channels: Iterable[Channel],
    retries: int = 3,
    backoff_seconds: float = 2.0,
    backoff_factor: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> DispatchReport:
    """Send ``events`` to each channel in turn; never raises for a channel's failure.

    A failing channel is tried again up to ``retries`` times (so at most
    ``retries + 1`` attempts), waiting ``backoff_seconds``, then that times
    ``backoff_factor``, and so on. A ``PermanentChannelError`` stops the
    retries at once. A channel still failing is listed in ``report.failed``;
    the other channels are still sent to. With no events no channel is called.
    """
    if retries < 0 or backoff_seconds < 0:
        raise ValueError("retries and backoff_seconds must be >= 0")
    events = list(events)
    report = DispatchReport(events=len(events))
    if not events:
        return report
    for channel in channels:
        name = getattr(channel, "name", type(channel).__name__)
        delay = backoff_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                channel.send(events)
            except Exception as exc:  # noqa: BLE001 - a channel must never stop the others
                error = f"{type(exc).__name__}: {exc}"
                permanent = isinstance(exc, PermanentChannelError)
                if permanent or attempt > retries:
                    log.error("alert channel %s failed after %d attempt(s): %s", name, attempt, error)
                    report.failed.append(ChannelFailure(name, error, attempt, permanent))
                    break
                log.warning("alert channel %s attempt %d failed (%s); retrying in %.3gs", name, attempt, error, delay)
                sleep(delay)
                delay *= backoff_factor
            else:
                report.delivered.append(ChannelDelivery(name, attempt))
                break
    return report


@dataclass(frozen=True)
class AlertRun:
    diff: FindingDiff
    events: list[AlertEvent]
    report: DispatchReport
    state_saved: bool


def run_alerts(
    findings: Iterable[Finding],
    *,
    state_path: str | os.PathLike[str],
    channels: Sequence[Channel],
    documents: Collection[str] | None = None,
    retries: int = 3,
    backoff_seconds: float = 2.0,
) -> AlertRun:
    """Load the state, diff ``findings`` against it, send the changes, save the state.

    ``findings``: this run's findings (only status ``fail`` counts as failing).
    ``documents``: the document ids this run checked, when not all (see
    ``AlertState.update``). The state is saved when at least one channel took
    the events (or there were none); when every channel failed it is not, so
    the next run sends the same changes again rather than losing them.
    """
    state = AlertState.load(state_path)
    diff, events = state.update(findings, documents=documents)
    report = dispatch(events, channels, retries=retries, backoff_seconds=backoff_seconds)
    save = not events or bool(report.delivered)
    if save:
        state.save()
    else:
        log.error("no alert channel took the %d event(s); state not saved, they will be sent again", len(events))
    return AlertRun(diff, events, report, save)
