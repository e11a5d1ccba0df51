"""Send events to every channel, retrying each with backoff; never raise for a channel that is down.

``run_alerts`` is the one call for a scheduler (e.g. the Dagster sensor): load
the state, diff, send each channel what it has not been told, save.
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
    events: int = 0


@dataclass(frozen=True)
class ChannelFailure:
    channel: str
    error: str  # the last error, e.g. "ChannelError: cannot reach webhook: [Errno 111] Connection refused"
    attempts: int
    permanent: bool  # True when the channel said a retry cannot help (retries were cut short)
    events: int = 0  # kept for the next run


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
            parts.append("delivered to " + ", ".join(f"{d.channel} ({d.events})" for d in self.delivered))
        for f in self.failed:
            parts.append(f"FAILED {f.channel} after {f.attempts} attempt(s), {f.events} event(s) kept for the next run: {f.error}")
        return "; ".join(parts)


def deliver(
    channel: Channel,
    events: Sequence[AlertEvent],
    retries: int = 3,
    backoff_seconds: float = 2.0,
    backoff_factor: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ChannelDelivery | ChannelFailure:
    """Send ``events`` to one channel, retrying with backoff; never raises for the channel's failure.

    A failing channel is tried again up to ``retries`` times (so at most
    ``retries + 1`` attempts), waiting ``backoff_seconds``, then that times
    ``backoff_factor``, and so on. A ``PermanentChannelError`` stops the
    retries at once.
    """
    if retries < 0 or backoff_seconds < 0:
        raise ValueError("retries and backoff_seconds must be >= 0")
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
                return ChannelFailure(name, error, attempt, permanent, len(events))
            log.warning("alert channel %s attempt %d failed (%s); retrying in %.3gs", name, attempt, error, delay)
            sleep(delay)
            delay *= backoff_factor
        else:
            return ChannelDelivery(name, attempt, len(events))


def dispatch(
    events: Sequence[AlertEvent],
    channels: Iterable[Channel],
    retries: int = 3,
    backoff_seconds: float = 2.0,
    backoff_factor: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> DispatchReport:
    """Send the same ``events`` to each channel in turn (``deliver``); never raises for a channel's failure.

    A channel still failing is listed in ``report.failed``; the other channels
    are still sent to. With no events no channel is called.
    """
    if retries < 0 or backoff_seconds < 0:
        raise ValueError("retries and backoff_seconds must be >= 0")
    events = list(events)
    report = DispatchReport(events=len(events))
    if not events:
        return report
    for channel in channels:
        outcome = deliver(channel, events, retries, backoff_seconds, backoff_factor, sleep)
        (report.delivered if isinstance(outcome, ChannelDelivery) else report.failed).append(outcome)
    return report


@dataclass(frozen=True)
class AlertRun:
    diff: FindingDiff  # what changed since the last run
    events: list[AlertEvent]  # the changes (every channel that was up to date gets exactly these)
    report: DispatchReport  # per channel: what it was sent (its own backlog included), delivered or failed


def run_alerts(
    findings: Iterable[Finding],
    *,
    state_path: str | os.PathLike[str],
    channels: Sequence[Channel],
    documents: Collection[str] | None = None,
    retries: int = 3,
    backoff_seconds: float = 2.0,
) -> AlertRun:
    """Load the state, record ``findings``, send each channel what it has not been told, save the state.

    ``findings``: this run's findings (only status ``fail`` counts as failing).
    ``documents``: the document ids this run checked, when not all (see
    ``AlertState.update``). Each channel is marked only for the events it
    accepted: a channel that is down keeps its backlog and gets it on the next
    run; the others are not sent anything twice.
    """
    state = AlertState.load(state_path)
    diff = state.update(findings, documents=documents)
    events = [AlertEvent("new", f) for f in diff.new]
    events += [AlertEvent("resolved", state.resolved[key].finding) for key in diff.resolved]
    names = [getattr(channel, "name", type(channel).__name__) for channel in channels]
    state.keep_channels(names)
    report = DispatchReport(events=len(events))
    for name, channel in zip(names, channels):
        backlog = state.events_for(name)
        if not backlog:
            continue
        outcome = deliver(channel, backlog, retries, backoff_seconds)
        if isinstance(outcome, ChannelDelivery):
            state.delivered(name, backlog)
            state.save()  # at once: a run killed before the next channel does not re-send to this one
            report.delivered.append(outcome)
        else:
            report.failed.append(outcome)
    state.keep_channels(names)
    state.save()
    return AlertRun(diff, events, report)
