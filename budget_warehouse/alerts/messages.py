"""What the channels send: JSON payloads, Slack blocks, e-mail subject and body.

Pure functions of the events, so the formats can be tested and reused without
any network.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from budget_warehouse.alerts.findings import AlertEvent, Finding, decimal_to_str

SOURCE = "budget-warehouse"

# Slack Block Kit limits: 50 blocks per message, 3000 characters per section
# text, 150 per header text.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150


def counts(events: Sequence[AlertEvent]) -> dict[str, int]:
    by_kind = Counter(e.kind for e in events)
    return {"new": by_kind["new"], "resolved": by_kind["resolved"]}


def summary_line(events: Sequence[AlertEvent]) -> str:
    """E.g. ``2 new failures (1 ERROR, 1 WARN), 1 resolved``."""
    new = [e.finding for e in events if e.kind == "new"]
    resolved = len(events) - len(new)
    by_severity = Counter(f.severity for f in new)
    detail = ", ".join(f"{by_severity[s]} {s}" for s in ("ERROR", "WARN") if by_severity[s])
    text = f"{len(new)} new failure{'' if len(new) == 1 else 's'}"
    if detail:
        text += f" ({detail})"
    return f"{text}, {resolved} resolved"


def batch_id(events: Sequence[AlertEvent]) -> str:
    """Same events → same id, so a receiver can drop a batch delivered twice by a retry."""
    digest = hashlib.sha256()
    for e in events:
        digest.update(f"{e.kind}\x1f{e.finding.instance_key}\x1e".encode())
    return digest.hexdigest()[:16]


def generic_payload(events: Sequence[AlertEvent]) -> dict[str, Any]:
    """``{"source", "batch_id", "sent_at", "counts", "events": [{kind, instance_key, text, finding}]}``.

    ``finding`` is ``Finding.to_dict()``: full evidence, amounts as exact strings.
    """
    return {
        "source": SOURCE,
        "batch_id": batch_id(events),
        "sent_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "counts": counts(events),
        "events": [{**e.to_dict(), "text": e.render_text()} for e in events],
    }


def slack_payload(events: Sequence[AlertEvent]) -> dict[str, Any]:
    """Slack incoming-webhook message: ``{"text": <fallback>, "blocks": [...]}``.

    One header block, one mrkdwn section per event; past Slack's 50-block
    limit the rest are counted in a closing context block (the other channels
    carry them in full).
    """
    summary = f"{SOURCE}: {summary_line(events)}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(summary, SLACK_HEADER_CHARS)}}
    ]
    room = SLACK_MAX_BLOCKS - 2  # header + a possible overflow note
    shown = events if len(events) <= room + 1 else events[:room]
    for event in shown:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_event_text(event)}})
    if len(shown) < len(events):
        rest = len(events) - len(shown)
        note = f"…and {rest} more event{'s' if rest != 1 else ''} not shown here (see the JSON-lines log or e-mail)."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return {"text": summary, "blocks": blocks}


def email_subject(events: Sequence[AlertEvent], prefix: str = f"[{SOURCE}]") -> str:
    return f"{prefix} {summary_line(events)}".strip()


def email_body(events: Sequence[AlertEvent]) -> str:
    new = [e for e in events if e.kind == "new"]
    resolved = [e for e in events if e.kind == "resolved"]
    parts = [f"{SOURCE} checks: {summary_line(events)}.", ""]
    for title, group in (("NEW FAILURES", new), ("RESOLVED (no longer failing; last evidence shown)", resolved)):
        if not group:
            continue
        parts += [f"=== {title}: {len(group)} ===", ""]
        for i, event in enumerate(group, 1):
            parts += [f"--- {i}/{len(group)}: {event.finding.instance_key}", event.finding.render_text(), ""]
    return "\n".join(parts)


# -- Slack helpers ----------------------------------------------------------


def _slack_event_text(event: AlertEvent) -> str:
    f: Finding = event.finding
    icon = ":white_check_mark: *RESOLVED*" if event.kind == "resolved" else (
        ":red_circle: *NEW ERROR*" if f.severity == "ERROR" else ":large_orange_circle: *NEW WARN*"
    )
    title = f"{f.document_name} (`{f.document_id}`)" if f.document_name else f"`{f.document_id}`"
    lines = [f"{icon} `{_esc(f.rule_id)}` ({f.family}) — {_esc(title)}"]
    if f.description:
        lines.append(_esc(f.description))
    lines.append(f"*Where:* {_esc(f.where)}")
    if f.left is not None or f.right is not None:
        lines.append(f"*Left* ({_esc(f.left_label)}): `{_num(f.left)}`")
        lines.append(f"*Right* ({_esc(f.right_label)}): `{_num(f.right)}`")
    if f.difference is not None:
        lines.append(f"*Difference:* `{_num(f.difference)}` (tolerance `{_num(f.tolerance)}`)")
    text = "\n".join(lines)
    excerpt = f.source_excerpt(max_chars=200)
    if excerpt:
        budget = SLACK_SECTION_CHARS - len(text) - 10  # room for the fences and newlines
        source = _cut(_esc("\n".join(excerpt)), max(budget, 0))
        if source:
            text += f"\n```{source}```"
    return _cut(text, SLACK_SECTION_CHARS)


def _esc(text: str) -> str:
    # Slack reads &, < and > as markup (<!channel> would ping everyone).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(value) -> str:
    return "—" if value is None else decimal_to_str(value)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
