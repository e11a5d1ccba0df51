"""Alerting: findings, state diffing, channels against real local servers, dispatch, config."""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
import threading
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from budget_warehouse.alerts import (
    AlertConfigError,
    AlertEvent,
    AlertState,
    AlertStateError,
    EmailChannel,
    Finding,
    JsonLinesChannel,
    LogChannel,
    WebhookChannel,
    diff_findings,
    dispatch,
    load_alert_config,
    load_alert_settings,
    run_alerts,
)
from budget_warehouse.alerts import messages

REPO = Path(__file__).resolve().parents[1]
DOC_ID = "fujian-jinjiang-gongxin-2019-预算"
DOC_NAME = "晋江市工信部门 2019 年度部门预算"
RULE = "within_table.expenditure_by_unit.project_total"
LINE_235 = "\t合计\t\t\t8599.56\t669.12\t12.06\t53.38\t\t7865.00\t8599.56\t8121.56\t\t\t\t\t\t478.00"


def project_total_finding(**overrides) -> Finding:
    """支出预算总表: the 项目支出 detail rows add up to 7845.00, the printed 合计 says 7865.00."""
    values = dict(
        instance_key=f"{RULE}|{DOC_ID}|t03|合计|project",
        rule_id=RULE,
        family="within_table",
        severity="ERROR",
        status="fail",
        document_id=DOC_ID,
        document_name=DOC_NAME,
        description="支出预算总表：项目支出明细行之和应等于合计行",
        table_kind="expenditure_by_unit",
        table_id="t03",
        row_label="合计",
        source_lines=(235,),
        line_texts=(LINE_235,),
        left=Decimal("7845.00"),
        left_label="明细行项目支出之和",
        right=Decimal("7865.00"),
        right_label="合计行项目支出",
        difference=Decimal("-20.00"),
        tolerance=Decimal("0.00"),
    )
    values.update(overrides)
    return Finding(**values)


def revenue_total_finding(**overrides) -> Finding:
    """收入预算总表: the unit rows sum to 8599.56 but a WARN-level rounding check differs by 0.02."""
    values = dict(
        instance_key=f"cross_table.revenue_vs_summary|{DOC_ID}|t02|合计",
        rule_id="cross_table.revenue_vs_summary",
        family="cross_table",
        severity="WARN",
        status="fail",
        document_id=DOC_ID,
        document_name=DOC_NAME,
        description="收入预算总表合计 = 收支预算总表收入总计",
        table_kind="revenue_by_unit",
        table_id="t02",
        row_label="合计",
        unit_code=None,
        source_lines=(224, 214),
        line_texts=("\t合计\t8,599.56\t8,121.56\t\t\t\t\t\t478.00", "收入总计\t8,599.56\t支出总计\t8,599.56"),
        left=Decimal("8599.56"),
        left_label="收入预算总表 合计/总计",
        right=Decimal("8599.54"),
        right_label="收支预算总表 收入总计",
        tolerance=Decimal("0.01"),
    )
    values.update(overrides)
    return Finding(**values)


# -- local servers ------------------------------------------------------------


class RecordingHTTPServer(ThreadingHTTPServer):
    """Records every POST (headers + JSON body); answers with the scripted statuses, then 200."""

    def __init__(self, statuses=()):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/budget"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: RecordingHTTPServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
            status = server.statuses.pop(0) if server.statuses else 200
        payload = b"ok" if status == 200 else b"temporarily broken"
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def http_server():
    servers = []

    def start(statuses=()):
        server = RecordingHTTPServer(statuses)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CollectingSMTPHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    handler = CollectingSMTPHandler()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data == (b"budget-bot", b"s3cret-pw")
        logins.append((mechanism, auth_data.login if isinstance(auth_data, LoginPassword) else None, ok))
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    controller.logins = logins
    yield controller
    controller.stop()


# -- findings -----------------------------------------------------------------


def test_from_row_makes_exact_decimals_from_floats_strings_and_decimals():
    # As from duckdb .df(): DECIMAL(20,6) read as float64, list columns as numpy arrays, NULL as NaN.
    row = {
        "instance_key": "k1",
        "rule_id": RULE,
        "family": "within_table",
        "severity": "error",
        "status": "fail",
        "document_id": DOC_ID,
        "document_name": DOC_NAME,
        "table_id": "t03",
        "code": 2010499.0,
        "unit_code": float("nan"),
        "source_lines": np.array([235, 236], dtype=np.int32),
        "line_texts": np.array([LINE_235, "x"], dtype=object),
        "left": 7845.0,
        "right": "7,865.00",
        "difference": Decimal("-20.000000"),
        "tolerance": np.float64(0.01),
        "extra_column": "ignored",
    }
    f = Finding.from_row(row)
    assert (f.left, f.right, f.difference, f.tolerance) == (
        Decimal("7845.00"), Decimal("7865.00"), Decimal("-20.00"), Decimal("0.01")
    )
    assert [str(v) for v in (f.left, f.right, f.difference, f.tolerance)] == ["7845.00", "7865.00", "-20.00", "0.01"]
    assert f.severity == "ERROR" and f.code == "2010499" and f.unit_code is None
    assert f.source_lines == (235, 236) and f.line_texts == (LINE_235, "x")
    # 6 significant decimals (a 元 table in 万元) are kept; float noise is not invented
    g = Finding.from_row({**row, "left": 0.123456, "right": Decimal("0.100000"), "difference": None})
    assert str(g.left) == "0.123456" and str(g.right) == "0.10" and g.difference == Decimal("0.023456")
    # missing sides, no difference: a presence rule
    h = Finding.from_row({**row, "left": None, "right": float("nan"), "difference": None, "tolerance": None})
    assert h.left is None and h.difference is None and h.tolerance == Decimal("0")


def test_finding_round_trips_through_json_exactly():
    f = project_total_finding(left=Decimal("7845.000000"), difference=Decimal("-2E+1"))
    data = json.loads(f.to_json())
    assert data["left"] == "7845.000000" and data["difference"] == "-20" and data["right"] == "7865.00"
    assert data["source_lines"] == [235] and data["line_texts"] == [LINE_235]
    back = Finding.from_dict(data)
    assert back == f and str(back.left) == "7845.000000"


def test_finding_validation_names_the_field():
    with pytest.raises(ValueError, match="severity"):
        project_total_finding(severity="CRITICAL")
    with pytest.raises(ValueError, match="family"):
        project_total_finding(family="misc")
    with pytest.raises(TypeError, match="left"):
        project_total_finding(left=7845.0)
    with pytest.raises(KeyError, match="rule_id"):
        Finding.from_row({"instance_key": "k", "family": "sanity", "severity": "WARN", "status": "fail",
                          "document_id": "d"})
    with pytest.raises(ValueError, match="left"):
        Finding.from_row({**project_total_finding().to_dict(), "left": "seven"})


def test_render_text_has_document_rule_location_sides_difference_and_line_text():
    text = project_total_finding().render_text()
    for expected in (DOC_NAME, DOC_ID, RULE, "table t03 (expenditure_by_unit)", "row 合计", "line 235",
                     "7845.00", "明细行项目支出之和", "7865.00", "合计行项目支出", "-20.00",
                     "L235:  | 合计 |  |  | 8599.56 | 669.12"):
        assert expected in text
    # a revenue finding with no explicit difference computes left - right
    assert "Difference: 0.02" in revenue_total_finding().render_text()


# -- webhook ------------------------------------------------------------------


def test_webhook_generic_payload_carries_full_evidence_as_exact_strings(http_server):
    server = http_server()
    channel = WebhookChannel(server.url, headers={"X-Source": "budget-warehouse"}, timeout=5)
    channel.send([AlertEvent("new", project_total_finding())])

    assert len(server.requests) == 1
    request = server.requests[0]
    assert request["path"] == "/hooks/budget"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["headers"]["X-Source"] == "budget-warehouse"
    body = request["body"]
    assert body["source"] == "budget-warehouse" and body["counts"] == {"new": 1, "resolved": 0}
    event = body["events"][0]
    assert event["kind"] == "new"
    finding = event["finding"]
    assert finding["document_id"] == DOC_ID
    assert finding["rule_id"] == RULE
    assert (finding["left"], finding["right"], finding["difference"], finding["tolerance"]) == (
        "7845.00", "7865.00", "-20.00", "0.00"
    )
    assert finding["source_lines"] == [235] and finding["line_texts"] == [LINE_235]
    assert "Difference: -20.00" in event["text"]


def test_webhook_slack_payload_has_text_and_blocks_with_evidence(http_server):
    server = http_server()
    WebhookChannel(server.url, format="slack").send(
        [AlertEvent("new", project_total_finding()), AlertEvent("resolved", revenue_total_finding())]
    )
    body = server.requests[0]["body"]
    assert set(body) == {"text", "blocks"}
    assert body["text"] == "budget-warehouse: 1 new failure (1 ERROR), 1 resolved"
    header, new, resolved = body["blocks"]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert new["type"] == "section" and new["text"]["type"] == "mrkdwn"
    text = new["text"]["text"]
    for expected in (DOC_ID, RULE, "`7845.00`", "`7865.00`", "`-20.00`", "row 合计", "L235:"):
        assert expected in text
    assert "RESOLVED" in resolved["text"]["text"] and "`8599.56`" in resolved["text"]["text"]


def test_slack_payload_respects_block_and_text_limits():
    long_line = "项目" * 5000
    events = [
        AlertEvent("new", project_total_finding(instance_key=f"k{i}", line_texts=(long_line,),
                                                description="<!channel> & co"))
        for i in range(60)
    ]
    payload = messages.slack_payload(events)
    assert len(payload["blocks"]) == 50
    assert payload["blocks"][-1]["type"] == "context" and "12 more events" in payload["blocks"][-1]["elements"][0]["text"]
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert "&lt;!channel&gt; &amp; co" in sections[0]["text"]["text"]


# -- dispatch: retries, down channels -------------------------------------------


def test_down_webhook_is_retried_reported_and_does_not_stop_other_channels(http_server, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    down = WebhookChannel(f"http://127.0.0.1:{closed_port}/hook", name="down-webhook", timeout=2)
    up = http_server()
    jsonl = JsonLinesChannel(tmp_path / "alerts.jsonl")
    waits = []

    report = dispatch(
        [AlertEvent("new", project_total_finding())],
        [down, WebhookChannel(up.url, name="up-webhook"), jsonl],
        retries=2,
        backoff_seconds=0.01,
        sleep=waits.append,
    )

    assert not report.ok
    [failure] = report.failed
    assert failure.channel == "down-webhook" and failure.attempts == 3 and not failure.permanent
    assert "cannot reach webhook" in failure.error and "refused" in failure.error.lower()
    assert waits == [0.01, 0.02]  # backoff doubles
    assert [(d.channel, d.attempts) for d in report.delivered] == [("up-webhook", 1), ("jsonl:alerts.jsonl", 1)]
    assert up.requests[0]["body"]["events"][0]["finding"]["difference"] == "-20.00"
    assert "down-webhook" in report.summary() and str(closed_port) not in failure.error


def test_server_failing_twice_with_500_then_succeeding_is_delivered(http_server):
    server = http_server(statuses=[500, 500])
    report = dispatch([AlertEvent("new", project_total_finding())], [WebhookChannel(server.url)],
                      retries=3, backoff_seconds=0.01)
    assert report.ok
    assert [(d.channel, d.attempts) for d in report.delivered] == [("webhook:generic", 3)]
    assert len(server.requests) == 3
    # the retried request is the same batch (receivers can deduplicate on batch_id)
    assert len({r["body"]["batch_id"] for r in server.requests}) == 1


def test_webhook_that_never_answers_times_out_and_is_reported():
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
        report = dispatch([AlertEvent("new", project_total_finding())], [WebhookChannel(url, timeout=0.2)],
                          retries=1, backoff_seconds=0)
    [failure] = report.failed
    assert failure.attempts == 2 and "timed out" in failure.error


def test_client_error_is_not_retried(http_server):
    server = http_server(statuses=[400])
    report = dispatch([AlertEvent("new", project_total_finding())], [WebhookChannel(server.url)],
                      retries=3, backoff_seconds=0.01)
    [failure] = report.failed
    assert failure.attempts == 1 and failure.permanent and "HTTP 400" in failure.error
    assert len(server.requests) == 1


def test_a_channel_raising_anything_is_contained():
    class Broken:
        name = "broken"

        def send(self, events):
            raise KeyError("bug in a channel")

    delivered = []

    class Good:
        name = "good"

        def send(self, events):
            delivered.extend(events)

    events = [AlertEvent("new", project_total_finding())]
    report = dispatch(events, [Broken(), Good()], retries=1, backoff_seconds=0)
    assert report.failed[0].channel == "broken" and report.failed[0].attempts == 2
    assert "KeyError" in report.failed[0].error
    assert delivered == events
    assert dispatch([], [Broken()]).ok  # nothing to send: no channel is called


# -- e-mail ---------------------------------------------------------------------


def test_email_one_message_per_batch_with_counts_and_evidence(smtp_server):
    channel = EmailChannel(
        host="127.0.0.1",
        port=smtp_server.port,
        sender="budget-warehouse@example.org",
        recipients=["budget-data@example.org", "auditor@example.org"],
        username="budget-bot",
        password="s3cret-pw",
        timeout=5,
    )
    report = dispatch(
        [AlertEvent("new", project_total_finding()), AlertEvent("new", revenue_total_finding()),
         AlertEvent("resolved", project_total_finding(instance_key="old", row_label="一、基本支出"))],
        [channel],
        retries=0,
    )
    assert report.ok, report.summary()
    assert [ok for _, _, ok in smtp_server.logins] == [True]

    [envelope] = smtp_server.handler.envelopes
    assert envelope.mail_from == "budget-warehouse@example.org"
    assert envelope.rcpt_tos == ["budget-data@example.org", "auditor@example.org"]
    msg = message_from_bytes(envelope.original_content, policy=default_policy)
    assert msg["Subject"] == "[budget-warehouse] 2 new failures (1 ERROR, 1 WARN), 1 resolved"
    assert msg["To"] == "budget-data@example.org, auditor@example.org"
    body = msg.get_content()
    for expected in (DOC_NAME, DOC_ID, RULE, "cross_table.revenue_vs_summary", "7845.00", "7865.00", "-20.00",
                     "8599.56", "8599.54", "Difference: 0.02", "L235:  | 合计", "RESOLVED", "row 一、基本支出"):
        assert expected in body


def test_email_wrong_password_is_permanent_and_not_retried(smtp_server):
    channel = EmailChannel("127.0.0.1", smtp_server.port, "a@example.org", ["b@example.org"],
                           username="budget-bot", password="wrong", timeout=5)
    report = dispatch([AlertEvent("new", project_total_finding())], [channel], retries=3, backoff_seconds=0.01)
    [failure] = report.failed
    assert failure.permanent and failure.attempts == 1 and "SMTPAuthenticationError" in failure.error
    assert "wrong" not in failure.error and smtp_server.handler.envelopes == []


# -- log and JSON lines -----------------------------------------------------------


def test_log_and_jsonl_channels(tmp_path, caplog):
    events = [AlertEvent("new", project_total_finding()), AlertEvent("new", revenue_total_finding()),
              AlertEvent("resolved", project_total_finding(instance_key="old"))]
    with caplog.at_level(logging.INFO, logger="budget_warehouse.alerts"):
        LogChannel().send(events)
    assert [r.levelno for r in caplog.records] == [logging.ERROR, logging.WARNING, logging.INFO]
    assert "-20.00" in caplog.records[0].getMessage()

    path = tmp_path / "nested" / "alerts.jsonl"
    channel = JsonLinesChannel(path)
    channel.send(events[:1])
    channel.send(events[1:])
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(l["kind"], l["instance_key"]) for l in lines] == [
        ("new", f"{RULE}|{DOC_ID}|t03|合计|project"), ("new", revenue_total_finding().instance_key), ("resolved", "old")
    ]
    assert lines[0]["finding"]["left"] == "7845.00" and lines[0]["finding"]["document_name"] == DOC_NAME


# -- state diffing ------------------------------------------------------------------


class Recorder:
    name = "recorder"

    def __init__(self):
        self.batches = []

    def send(self, events):
        self.batches.append(list(events))


def test_state_across_three_runs_new_then_quiet_then_resolved(tmp_path):
    state_path = tmp_path / "warehouse" / "alert_state.json"
    recorder = Recorder()
    a, b = project_total_finding(), revenue_total_finding()
    passing = project_total_finding(instance_key="passes", status="pass_within_tolerance")

    run1 = run_alerts([a, b, passing], state_path=state_path, channels=[recorder], backoff_seconds=0)
    assert [(e.kind, e.finding.alert_key) for e in run1.events] == [("new", a.alert_key), ("new", b.alert_key)]
    assert AlertState.load(state_path).failing_keys == {a.alert_key, b.alert_key}

    # run 2: same failures (b's evidence changed a little): nothing is sent
    b2 = revenue_total_finding(right=Decimal("8599.53"))
    run2 = run_alerts([a, b2], state_path=state_path, channels=[recorder], backoff_seconds=0)
    assert run2.events == [] and len(recorder.batches) == 1
    assert [f.alert_key for f in run2.diff.still_failing] == [a.alert_key, b.alert_key]
    assert AlertState.load(state_path).last_evidence(b.alert_key).right == Decimal("8599.53")

    # run 3: b no longer fails -> one "resolved" event carrying b's last evidence
    run3 = run_alerts([a], state_path=state_path, channels=[recorder], backoff_seconds=0)
    [event] = run3.events
    assert event.kind == "resolved" and event.finding == b2
    assert recorder.batches[-1] == [event]
    assert "8599.53" in event.render_text() and "no longer fails" in event.render_text()

    state = json.loads(state_path.read_text(encoding="utf-8"))
    assert list(state["failing"]) == [a.alert_key]
    assert state["failing"][a.alert_key]["finding"]["difference"] == "-20.00"
    assert [p.name for p in state_path.parent.iterdir()] == ["alert_state.json"]  # no temporary files left


def test_diff_findings_with_key_set_state_file_and_document_scope(tmp_path):
    a = project_total_finding()
    other_doc = project_total_finding(instance_key="other|k", document_id="another-doc-2019-预算")
    brand_new = project_total_finding(instance_key="brand-new", row_label="其他")
    diff = diff_findings({a.alert_key, "gone"}, [a, brand_new])
    assert [f.alert_key for f in diff.new] == [brand_new.alert_key]
    assert diff.resolved == ["gone"] and diff.still_failing == [a]

    state = AlertState(tmp_path / "state.json")
    state.update([a, other_doc])
    state.save()
    # this run checked only DOC_ID and found nothing: only DOC_ID's instance is resolved
    diff = diff_findings(tmp_path / "state.json", [], documents={DOC_ID})
    assert diff.resolved == [a.alert_key]
    with pytest.raises(ValueError, match="documents"):
        diff_findings({"k"}, [], documents={DOC_ID})


class Switchable(Recorder):
    """A channel that can be down (raises) or up (records)."""

    def __init__(self, name, up=True):
        super().__init__()
        self.name, self.up = name, up

    def send(self, events):
        if not self.up:
            raise ConnectionError(f"{self.name} is down")
        super().send(events)


def test_a_channel_that_was_down_gets_exactly_what_it_missed_and_the_other_nothing_twice(tmp_path):
    state_path = tmp_path / "state.json"
    webhook, email = Switchable("webhook", up=False), Switchable("email")
    a, b = project_total_finding(), revenue_total_finding()
    run1 = run_alerts([a, b], state_path=state_path, channels=[webhook, email], retries=1, backoff_seconds=0)
    assert [f.channel for f in run1.report.failed] == ["webhook"] and run1.report.failed[0].attempts == 2
    assert [[e.finding for e in batch] for batch in email.batches] == [[a, b]]
    assert webhook.batches == []

    # webhook back up, nothing changed in the warehouse: the webhook gets both, the e-mail nothing
    webhook.up = True
    run2 = run_alerts([a, b], state_path=state_path, channels=[webhook, email], backoff_seconds=0)
    assert run2.report.ok and run2.events == []
    [batch] = webhook.batches
    assert sorted((e.kind, e.finding.alert_key) for e in batch) == sorted([("new", a.alert_key), ("new", b.alert_key)])
    assert len(email.batches) == 1

    # b resolved while the e-mail is down: the webhook is told now, the e-mail on the run after
    email.up = False
    run_alerts([a], state_path=state_path, channels=[webhook, email], retries=0, backoff_seconds=0)
    assert [(e.kind, e.finding) for e in webhook.batches[-1]] == [("resolved", b)]
    email.up = True
    run_alerts([a], state_path=state_path, channels=[webhook, email], backoff_seconds=0)
    assert [(e.kind, e.finding) for e in email.batches[-1]] == [("resolved", b)]
    assert len(webhook.batches) == 2  # nothing twice
    run_alerts([a], state_path=state_path, channels=[webhook, email], backoff_seconds=0)
    assert (len(webhook.batches), len(email.batches)) == (2, 2)
    state = json.loads(state_path.read_text(encoding="utf-8"))
    assert state["resolved"] == {} and state["channels"] == {"email": [a.alert_key], "webhook": [a.alert_key]}


def test_nothing_is_marked_for_a_channel_that_never_took_the_events(tmp_path):
    state_path = tmp_path / "state.json"
    down = Switchable("down", up=False)
    run = run_alerts([project_total_finding()], state_path=state_path, channels=[down], retries=1, backoff_seconds=0)
    assert run.report.failed[0].events == 1 and "kept for the next run" in run.report.summary()
    assert json.loads(state_path.read_text(encoding="utf-8"))["channels"] == {"down": []}
    down.up = True
    rerun = run_alerts([project_total_finding()], state_path=state_path, channels=[down], backoff_seconds=0)
    assert [e.kind for e in down.batches[0]] == ["new"] and rerun.report.ok


def test_an_unchanged_break_in_a_document_that_gained_a_line_raises_nothing(tmp_path):
    state_path = tmp_path / "state.json"
    recorder = Recorder()
    # the prose claim's location names its line and claim ordinal; one line added above moves both
    claim = project_total_finding(
        instance_key=f"pr_project_total_vs_tables|{DOC_ID}|line 483 «共涉及财政拨款资金» (c053)",
        rule_id="pr_project_total_vs_tables", family="prose", table_id="t04",
        row_label="line 483 «共涉及财政拨款资金» (c053)", source_lines=(280, 483),
    )
    moved = project_total_finding(
        instance_key=f"pr_project_total_vs_tables|{DOC_ID}|line 484 «共涉及财政拨款资金» (c054)",
        rule_id="pr_project_total_vs_tables", family="prose", table_id="t04",
        row_label="line 484 «共涉及财政拨款资金» (c054)", source_lines=(281, 484),
    )
    assert claim.alert_key == moved.alert_key == f"pr_project_total_vs_tables|{DOC_ID}|t04|«共涉及财政拨款资金»||"
    run_alerts([claim], state_path=state_path, channels=[recorder], backoff_seconds=0)
    run2 = run_alerts([moved], state_path=state_path, channels=[recorder], backoff_seconds=0)
    assert run2.events == [] and len(recorder.batches) == 1
    assert AlertState.load(state_path).last_evidence(claim.alert_key).source_lines == (281, 484)
    # two claims with the same words are two findings, told apart by their order in the text
    twin = dataclasses.replace(moved, instance_key=moved.instance_key + "x", source_lines=(600,), alert_key="")
    run3 = run_alerts([twin, moved], state_path=state_path, channels=[recorder], backoff_seconds=0)
    assert [(e.kind, e.finding.alert_key) for e in run3.events] == [("new", claim.alert_key + " #2")]


def test_a_version_1_state_file_is_migrated_without_re_sending(tmp_path):
    state_path = tmp_path / "state.json"
    old = project_total_finding(
        instance_key=f"pr_project_total_vs_tables|{DOC_ID}|line 483 «共涉及财政拨款资金» (c053)",
        rule_id="pr_project_total_vs_tables", family="prose", table_id="t04",
        row_label="line 483 «共涉及财政拨款资金» (c053)",
    )
    v1 = old.to_dict()
    del v1["alert_key"]  # version 1 did not have it
    state_path.write_text(json.dumps({"version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "failing": {
        old.instance_key: {"first_seen": "2026-01-01T00:00:00+00:00", "last_seen": "2026-01-01T00:00:00+00:00",
                           "finding": v1}}}, ensure_ascii=False), encoding="utf-8")
    log_channel, jsonl = Recorder(), Switchable("jsonl")
    run = run_alerts([old], state_path=state_path, channels=[log_channel, jsonl], backoff_seconds=0)
    assert run.events == [] and log_channel.batches == [] and jsonl.batches == []  # v1 told every channel
    state = json.loads(state_path.read_text(encoding="utf-8"))
    assert state["version"] == 2 and state["failing"][old.alert_key]["first_seen"] == "2026-01-01T00:00:00+00:00"
    assert state["channels"] == {"jsonl": [old.alert_key], "recorder": [old.alert_key]}


def test_unreadable_state_file_is_a_clear_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AlertStateError, match="state.json"):
        AlertState.load(path)


# -- config ---------------------------------------------------------------------------


def test_default_config_is_log_and_jsonl(tmp_path):
    channels = load_alert_config(None, default_jsonl_path=tmp_path / "alerts.jsonl")
    assert isinstance(channels[0], LogChannel)
    assert isinstance(channels[1], JsonLinesChannel) and channels[1].path == tmp_path / "alerts.jsonl"


CONFIG = """
retries = 2
backoff_seconds = 0.01

[[channels]]
type = "jsonl"
path = "out/alerts.jsonl"

[[channels]]
type = "webhook"
name = "slack"
format = "slack"
url_env = "TEST_BUDGET_ALERT_SLACK_URL"
timeout = 5

[[channels]]
type = "email"
host = "127.0.0.1"
port = {smtp_port}
sender = "budget-warehouse@example.org"
recipients = ["budget-data@example.org"]
username = "budget-bot"
password_env = "TEST_BUDGET_ALERT_SMTP_PASSWORD"
"""


def test_config_from_toml_with_secrets_from_env_sends_for_real(tmp_path, http_server, smtp_server):
    server = http_server()
    config = tmp_path / "alerts.toml"
    config.write_text(CONFIG.replace("{smtp_port}", str(smtp_server.port)), encoding="utf-8")
    environ = {"TEST_BUDGET_ALERT_SLACK_URL": server.url, "TEST_BUDGET_ALERT_SMTP_PASSWORD": "s3cret-pw"}

    settings = load_alert_settings(config, default_jsonl_path=tmp_path / "unused.jsonl", environ=environ)
    assert (settings.retries, settings.backoff_seconds) == (2, 0.01)
    assert [c.name for c in settings.channels] == ["jsonl:alerts.jsonl", "slack", "email"]
    assert settings.channels[0].path == tmp_path / "out" / "alerts.jsonl"  # relative to the config file
    assert "127.0.0.1" not in repr(settings.channels[1])  # the URL is a secret

    report = dispatch([AlertEvent("new", project_total_finding())], settings.channels,
                      retries=settings.retries, backoff_seconds=settings.backoff_seconds)
    assert report.ok, report.summary()
    assert "`-20.00`" in server.requests[0]["body"]["blocks"][1]["text"]["text"]
    assert len(smtp_server.handler.envelopes) == 1
    assert (tmp_path / "out" / "alerts.jsonl").exists()


def test_config_missing_env_var_names_the_variable_and_key(tmp_path):
    config = tmp_path / "alerts.toml"
    config.write_text(CONFIG.replace("{smtp_port}", "25"), encoding="utf-8")
    with pytest.raises(AlertConfigError) as err:
        load_alert_config(config, default_jsonl_path=tmp_path / "a.jsonl",
                          environ={"TEST_BUDGET_ALERT_SMTP_PASSWORD": "x"})
    message = str(err.value)
    assert "TEST_BUDGET_ALERT_SLACK_URL" in message and "url_env" in message and "'slack'" in message
    with pytest.raises(AlertConfigError, match="password_env.*TEST_BUDGET_ALERT_SMTP_PASSWORD"):
        load_alert_config(config, default_jsonl_path=tmp_path / "a.jsonl",
                          environ={"TEST_BUDGET_ALERT_SLACK_URL": "http://127.0.0.1:9/x"})


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[[channels]]\ntype = "teams"\n', r"channels\[0\]\.type.*unknown channel type 'teams'"),
        ('[[channels]]\ntype = "webhook"\nurl = "https://hooks.example/T0/B0/xyz"\n', r"channels\[0\]\.url.*url_env"),
        ('[[channels]]\ntype = "email"\nhost = "h"\nsender = "a@b"\nrecipients = ["c@d"]\npasword_env = "X"\n',
         r"unknown key\(s\) pasword_env"),
        ('[[channels]]\ntype = "email"\nhost = "h"\nsender = "a@b"\nrecipients = ["c@d"]\nport = "25"\n',
         r"channels\[0\]\.port: must be int"),
        ('[[channels]]\ntype = "webhook"\nformat = "teams"\nurl_env = "U"\n', r"format must be 'generic' or 'slack'"),
        ("retries = 2\n", r"no channels configured"),
        ('[[channels]]\ntype = "log"\n[[channels]]\ntype = "log"\n', r"unique.*log"),
    ],
)
def test_config_errors_name_the_key(tmp_path, toml, expected):
    config = tmp_path / "alerts.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(AlertConfigError, match=expected):
        load_alert_config(config, default_jsonl_path=tmp_path / "a.jsonl", environ={"U": "http://127.0.0.1:9/"})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(AlertConfigError, match="does not exist"):
        load_alert_config(tmp_path / "nope.toml", default_jsonl_path=tmp_path / "a.jsonl")


def test_example_config_in_the_repository_loads(tmp_path):
    # Disabled channels are not built, so the example loads without any secret set...
    settings = load_alert_settings(REPO / "alerts.example.toml", default_jsonl_path=tmp_path / "a.jsonl", environ={})
    assert [type(c).__name__ for c in settings.channels] == ["LogChannel", "JsonLinesChannel"]
    assert settings.channels[1].path == REPO / "data" / "warehouse" / "alerts.jsonl"
    # ...and with every channel enabled and its variables set, every channel is built.
    text = (REPO / "alerts.example.toml").read_text(encoding="utf-8").replace("enabled = false", "enabled = true")
    config = tmp_path / "alerts.toml"
    config.write_text(text, encoding="utf-8")
    environ = {
        "BUDGET_ALERT_WEBHOOK_URL": "https://hooks.example.org/x",
        "BUDGET_ALERT_WEBHOOK_AUTH": "Bearer t",
        "BUDGET_ALERT_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x",
        "BUDGET_ALERT_SMTP_PASSWORD": "pw",
    }
    channels = load_alert_config(config, default_jsonl_path=tmp_path / "a.jsonl", environ=environ)
    assert [c.name for c in channels] == ["log", "jsonl:alerts.jsonl", "ops-webhook", "slack", "email"]
    assert channels[2].headers == {"X-Source": "budget-warehouse", "Authorization": "Bearer t"}
