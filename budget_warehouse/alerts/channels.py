"""Alert channels. Each has a ``name`` and ``send(events)``, which raises when delivery fails.

``send`` raises ``PermanentChannelError`` for failures a retry cannot fix
(HTTP 4xx other than 408/425/429, SMTP authentication or refused
recipients); the dispatcher then stops retrying that channel. Channels never
put secrets (webhook URL, password) in their name, repr or error messages.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from budget_warehouse.alerts import messages
from budget_warehouse.alerts.findings import AlertEvent

DEFAULT_LOGGER = "budget_warehouse.alerts"
RETRYABLE_HTTP = {408, 425, 429}


class ChannelError(RuntimeError):
    """A delivery failed."""


class PermanentChannelError(ChannelError):
    """A delivery failed in a way retrying will not fix (bad credentials, rejected request)."""


@runtime_checkable
class Channel(Protocol):
    name: str

    def send(self, events: Sequence[AlertEvent]) -> None: ...


class LogChannel:
    """Python logging: new ERROR → ERROR, new WARN → WARNING, resolved → INFO; text = the evidence."""

    def __init__(self, logger: str | logging.Logger = DEFAULT_LOGGER, name: str = "log"):
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger
        self.name = name

    def send(self, events: Sequence[AlertEvent]) -> None:
        for event in events:
            if event.kind == "resolved":
                level = logging.INFO
            else:
                level = logging.ERROR if event.finding.severity == "ERROR" else logging.WARNING
            self.logger.log(level, "%s", event.render_text())

    def __repr__(self) -> str:
        return f"LogChannel(logger={self.logger.name!r})"


class JsonLinesChannel:
    """Appends one JSON object per event to ``path``: ``{"sent_at", "kind", "instance_key", "finding"}``."""

    def __init__(self, path: str | os.PathLike[str], name: str | None = None):
        self.path = Path(path)
        self.name = name or f"jsonl:{self.path.name}"

    def send(self, events: Sequence[AlertEvent]) -> None:
        if not events:
            return
        sent_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        lines = "".join(
            json.dumps({"sent_at": sent_at, **e.to_dict()}, ensure_ascii=False) + "\n" for e in events
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:  # one write per batch
            fh.write(lines)
            fh.flush()
            os.fsync(fh.fileno())

    def __repr__(self) -> str:
        return f"JsonLinesChannel({str(self.path)!r})"


class WebhookChannel:
    """POSTs the batch as JSON (one request per batch).

    ``format="generic"``: ``messages.generic_payload`` (full evidence, amounts as
    strings). ``format="slack"``: a Slack incoming-webhook message
    (``messages.slack_payload``). Any 2xx response is success.
    """

    def __init__(
        self,
        url: str,
        format: Literal["generic", "slack"] = "generic",
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        name: str | None = None,
    ):
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"webhook URL must be http(s), got scheme {scheme!r}")
        if format not in ("generic", "slack"):
            raise ValueError(f"webhook format must be 'generic' or 'slack', got {format!r}")
        self._url = url
        self.format = format
        self.headers = dict(headers or {})
        self.timeout = float(timeout)
        self.name = name or f"webhook:{format}"

    def payload(self, events: Sequence[AlertEvent]) -> dict:
        return messages.slack_payload(events) if self.format == "slack" else messages.generic_payload(events)

    def send(self, events: Sequence[AlertEvent]) -> None:
        if not events:
            return
        body = json.dumps(self.payload(events), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self._url, data=body, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("User-Agent", "budget-warehouse-alerts/1")
        for key, value in self.headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip() if exc.fp else ""
            message = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
            if 400 <= exc.code < 500 and exc.code not in RETRYABLE_HTTP:
                raise PermanentChannelError(message) from None
            raise ChannelError(message) from None
        except urllib.error.URLError as exc:
            raise ChannelError(f"cannot reach webhook: {exc.reason}") from None
        except (TimeoutError, OSError) as exc:
            raise ChannelError(f"webhook request failed: {exc!r}") from None

    def __repr__(self) -> str:  # the URL is a secret (Slack puts the token in it)
        return f"WebhookChannel(name={self.name!r}, format={self.format!r}, url=<hidden>)"


class EmailChannel:
    """One plain-text e-mail per batch: subject with the counts, body with every finding's evidence.

    ``starttls``: upgrade a plain connection (port 587); ``use_ssl``: TLS from
    the start (port 465). Login only when ``username`` is given.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30.0,
        subject_prefix: str = f"[{messages.SOURCE}]",
        name: str = "email",
    ):
        if isinstance(recipients, str):
            recipients = [recipients]
        if not recipients:
            raise ValueError("EmailChannel needs at least one recipient")
        if starttls and use_ssl:
            raise ValueError("EmailChannel: choose starttls or use_ssl, not both")
        if username and password is None:
            raise ValueError("EmailChannel: username given without a password")
        self.host, self.port, self.sender = host, int(port), sender
        self.recipients = list(recipients)
        self.username, self._password = username, password
        self.starttls, self.use_ssl = starttls, use_ssl
        self.timeout = float(timeout)
        self.subject_prefix = subject_prefix
        self.name = name

    def build_message(self, events: Sequence[AlertEvent]) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = messages.email_subject(events, self.subject_prefix)
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.recipients)
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(messages.email_body(events), charset="utf-8")
        return msg

    def send(self, events: Sequence[AlertEvent]) -> None:
        if not events:
            return
        msg = self.build_message(events)
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self._password or "")
                smtp.send_message(msg, from_addr=self.sender, to_addrs=self.recipients)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused,
                smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError) as exc:
            raise PermanentChannelError(f"SMTP {self.host}:{self.port}: {exc!r}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP {self.host}:{self.port}: {exc!r}") from None

    def __repr__(self) -> str:
        return f"EmailChannel(host={self.host!r}, port={self.port}, recipients={self.recipients!r})"
