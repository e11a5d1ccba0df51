"""Alert channels from a TOML file (see ``alerts.example.toml`` at the repository root).

Secrets never sit in the file: the webhook URL, SMTP password and secret
headers are read from environment variables the file names (``url_env``,
``password_env``, ``headers_env``). Writing ``url`` or ``password`` directly
is an error. Without a file the channels are: log + JSON lines at the path the
caller gives.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budget_warehouse.alerts.channels import Channel, EmailChannel, JsonLinesChannel, LogChannel, WebhookChannel

DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_SECONDS = 2.0
CONFIG_ENV = "BUDGET_ALERTS_CONFIG"
# Absolute, so a job started from any folder (cron) finds the same file: the repository's alerts.toml.
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "alerts.toml"


class AlertConfigError(ValueError):
    """The alert configuration is wrong; the message names the file, channel and key."""


@dataclass(frozen=True)
class AlertSettings:
    channels: list[Channel]
    retries: int = DEFAULT_RETRIES
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS


def resolve_config(
    explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """Which config file to read: ``explicit``, else ``$BUDGET_ALERTS_CONFIG``, else ``DEFAULT_CONFIG`` when it
    exists; None means the default channels. A file named explicitly or by the variable must exist (loading it
    raises ``AlertConfigError`` otherwise): a typo is an error, never a silent fall-back."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit).absolute()
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).absolute()
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def load_alert_config(
    path: str | os.PathLike[str] | None,
    *,
    default_jsonl_path: str | os.PathLike[str],
    environ: Mapping[str, str] | None = None,
) -> list[Channel]:
    """The channels configured in ``path``; with ``path=None``: log + JSON lines at ``default_jsonl_path``."""
    return load_alert_settings(path, default_jsonl_path=default_jsonl_path, environ=environ).channels


def load_alert_settings(
    path: str | os.PathLike[str] | None,
    *,
    default_jsonl_path: str | os.PathLike[str],
    environ: Mapping[str, str] | None = None,
) -> AlertSettings:
    """Channels plus the dispatch settings (``retries``, ``backoff_seconds``) of the file.

    ``environ`` defaults to ``os.environ``. A jsonl channel without ``path``
    writes to ``default_jsonl_path``; a relative ``path`` is taken from the
    folder of the config file.
    """
    if path is None:
        return AlertSettings([LogChannel(), JsonLinesChannel(default_jsonl_path)])
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AlertConfigError(f"alert config {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise AlertConfigError(f"alert config {path} is not valid TOML: {exc}") from None
    return _Parser(path, os.environ if environ is None else environ, Path(default_jsonl_path)).settings(data)


_TOP_KEYS = {"retries", "backoff_seconds", "channels"}
_COMMON_KEYS = {"type", "name", "enabled"}
_CHANNEL_KEYS = {
    "log": {"logger"},
    "jsonl": {"path"},
    "webhook": {"url_env", "format", "timeout", "headers", "headers_env"},
    "email": {
        "host", "port", "sender", "recipients", "username", "username_env", "password_env",
        "starttls", "use_ssl", "timeout", "subject_prefix",
    },
}
_SECRET_KEYS = {"url": "url_env", "password": "password_env"}


class _Parser:
    def __init__(self, path: Path, environ: Mapping[str, str], default_jsonl: Path):
        self.path, self.environ, self.default_jsonl = path, environ, default_jsonl

    def error(self, where: str, message: str) -> AlertConfigError:
        return AlertConfigError(f"{self.path}: {where}: {message}")

    def settings(self, data: dict[str, Any]) -> AlertSettings:
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise self.error("top level", f"unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_TOP_KEYS))})")
        retries = self.get(data, "retries", int, "top level", DEFAULT_RETRIES)
        backoff = float(self.get(data, "backoff_seconds", (int, float), "top level", DEFAULT_BACKOFF_SECONDS))
        if retries < 0 or backoff < 0:
            raise self.error("top level", "retries and backoff_seconds must be >= 0")
        tables = data.get("channels")
        if not isinstance(tables, list) or not tables:
            raise self.error("channels", "no channels configured; add at least one [[channels]] table")
        channels = []
        for i, table in enumerate(tables):
            channel = self.channel(table, f"channels[{i}]")
            if channel is not None:
                channels.append(channel)
        if not channels:
            raise self.error("channels", "every channel is disabled (enabled = false)")
        names = [c.name for c in channels]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise self.error("channels", f"channel names must be unique; repeated: {', '.join(duplicates)} (set name = ...)")
        return AlertSettings(channels, retries, backoff)

    def channel(self, table: Any, where: str) -> Channel | None:
        if not isinstance(table, dict):
            raise self.error(where, "must be a table ([[channels]])")
        kind = table.get("type")
        if kind not in _CHANNEL_KEYS:
            raise self.error(f"{where}.type", f"unknown channel type {kind!r} (known: {', '.join(_CHANNEL_KEYS)})")
        if table.get("name") is not None:
            where = f"{where} ({kind} {table['name']!r})"
        for key, replacement in _SECRET_KEYS.items():
            if key in table:
                raise self.error(f"{where}.{key}", f"secrets must not be written in the file; use {replacement} = \"ENV_VAR_NAME\"")
        unknown = set(table) - _COMMON_KEYS - _CHANNEL_KEYS[kind]
        if unknown:
            known = ", ".join(sorted(_COMMON_KEYS | _CHANNEL_KEYS[kind]))
            raise self.error(where, f"unknown key(s) {', '.join(sorted(unknown))} for a {kind} channel (known: {known})")
        if not self.get(table, "enabled", bool, where, True):
            return None
        name = self.get(table, "name", str, where, None)
        named = {"name": name} if name else {}
        try:
            return getattr(self, f"_{kind}")(table, where, named)
        except (ValueError, TypeError) as exc:
            if isinstance(exc, AlertConfigError):
                raise
            raise self.error(where, str(exc)) from None

    def _log(self, table, where, named) -> Channel:
        return LogChannel(self.get(table, "logger", str, where, "budget_warehouse.alerts"), **named)

    def _jsonl(self, table, where, named) -> Channel:
        raw = self.get(table, "path", str, where, None)
        target = self.default_jsonl if raw is None else Path(raw)
        if raw is not None and not target.is_absolute():
            target = self.path.absolute().parent / target
        return JsonLinesChannel(target, **named)

    def _webhook(self, table, where, named) -> Channel:
        url = self.env(table, "url_env", where, required=True)
        headers = dict(self.get(table, "headers", dict, where, {}))
        for header, var in self.get(table, "headers_env", dict, where, {}).items():
            if not isinstance(var, str):
                raise self.error(f"{where}.headers_env.{header}", "must name an environment variable (a string)")
            headers[header] = self.lookup(var, f"{where}.headers_env.{header}")
        if not all(isinstance(v, str) for v in headers.values()):
            raise self.error(f"{where}.headers", "header values must be strings")
        return WebhookChannel(
            url,
            format=self.get(table, "format", str, where, "generic"),
            headers=headers,
            timeout=float(self.get(table, "timeout", (int, float), where, 10.0)),
            **named,
        )

    def _email(self, table, where, named) -> Channel:
        recipients = self.get(table, "recipients", (list, str), where, None, required=True)
        username = self.get(table, "username", str, where, None) or self.env(table, "username_env", where)
        password = self.env(table, "password_env", where, required=bool(username))
        return EmailChannel(
            host=self.get(table, "host", str, where, None, required=True),
            port=self.get(table, "port", int, where, 25),
            sender=self.get(table, "sender", str, where, None, required=True),
            recipients=[recipients] if isinstance(recipients, str) else recipients,
            username=username,
            password=password,
            starttls=self.get(table, "starttls", bool, where, False),
            use_ssl=self.get(table, "use_ssl", bool, where, False),
            timeout=float(self.get(table, "timeout", (int, float), where, 30.0)),
            subject_prefix=self.get(table, "subject_prefix", str, where, "[budget-warehouse]"),
            **named,
        )

    def get(self, table: dict, key: str, types, where: str, default: Any, required: bool = False) -> Any:
        if key not in table:
            if required:
                raise self.error(f"{where}.{key}", "is required")
            return default
        value = table[key]
        types_ = types if isinstance(types, tuple) else (types,)
        # bool is an int in Python; do not accept true for a port or false for a number
        if not isinstance(value, types_) or (isinstance(value, bool) and bool not in types_):
            expected = " or ".join(t.__name__ for t in types_)
            raise self.error(f"{where}.{key}", f"must be {expected}, got {type(value).__name__} {value!r}")
        return value

    def env(self, table: dict, key: str, where: str, required: bool = False) -> str | None:
        var = self.get(table, key, str, where, None, required=required)
        return None if var is None else self.lookup(var, f"{where}.{key}")

    def lookup(self, var: str, where: str) -> str:
        value = self.environ.get(var)
        if not value:
            raise self.error(where, f"environment variable {var} is not set (or empty)")
        return value
