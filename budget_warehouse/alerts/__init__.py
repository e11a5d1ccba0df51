"""Alerting on broken accounting rules: findings, state diffing, channels, dispatch.

Plain Python, no Dagster. A scheduler calls, once per check run::

    settings = load_alert_settings(resolve_config(config_path_or_None), default_jsonl_path=warehouse / "alerts.jsonl")
    run = run_alerts(findings, state_path=warehouse / "alert_state.json", channels=settings.channels,
                     retries=settings.retries, backoff_seconds=settings.backoff_seconds)
    run.report.failed  # channels still down after retries (never raised)

Amounts are Decimals and are serialised as exact strings ("7845.00"); see
``findings``.

Modules: ``findings`` (Finding, AlertEvent), ``state`` (state file, diffing),
``messages`` (payload/e-mail formatting), ``channels`` (log, JSON lines,
webhook, e-mail), ``dispatch`` (retries, run_alerts), ``config`` (TOML).
"""

from budget_warehouse.alerts.channels import (
    Channel,
    ChannelError,
    EmailChannel,
    JsonLinesChannel,
    LogChannel,
    PermanentChannelError,
    WebhookChannel,
)
from budget_warehouse.alerts.config import (
    AlertConfigError,
    AlertSettings,
    load_alert_config,
    load_alert_settings,
    resolve_config,
)
from budget_warehouse.alerts.dispatch import (
    AlertRun,
    ChannelDelivery,
    ChannelFailure,
    DispatchReport,
    dispatch,
    run_alerts,
)
from budget_warehouse.alerts.findings import AlertEvent, Finding, decimal_to_str, normalize_decimal, to_decimal
from budget_warehouse.alerts.state import AlertState, AlertStateError, FindingDiff, diff_findings

__all__ = [
    "AlertConfigError",
    "AlertEvent",
    "AlertRun",
    "AlertSettings",
    "AlertState",
    "AlertStateError",
    "Channel",
    "ChannelDelivery",
    "ChannelError",
    "ChannelFailure",
    "DispatchReport",
    "EmailChannel",
    "Finding",
    "FindingDiff",
    "JsonLinesChannel",
    "LogChannel",
    "PermanentChannelError",
    "WebhookChannel",
    "decimal_to_str",
    "diff_findings",
    "dispatch",
    "load_alert_config",
    "load_alert_settings",
    "normalize_decimal",
    "resolve_config",
    "run_alerts",
    "to_decimal",
]
