"""Headless Chromium (Debian's package) driven over the Chrome DevTools Protocol, for the report's browser test.

No browser download: ``/usr/bin/chromium`` from ``make setup``. The page's
network is switched off (``Network.emulateNetworkConditions offline``) and
every request the page makes is recorded, with every console error and
uncaught exception.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from websockets.sync.client import connect

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0", "--window-size=1280,900", "--hide-scrollbars",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    def __init__(self, ws, session: str):
        self.ws, self.session, self.ids = ws, session, itertools.count(1)
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.loaded = False

    def _event(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.console_errors.append(json.dumps(params.get("exceptionDetails", {}), ensure_ascii=False)[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Page.loadEventFired":
            self.loaded = True

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict[str, Any]:
        call = next(self.ids)
        self.ws.send(json.dumps({"id": call, "sessionId": self.session, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == call and msg.get("sessionId") == self.session:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if msg.get("sessionId") == self.session:
                self._event(msg)

    def open(self, url: str, timeout: float = 30) -> None:
        self.loaded = False
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self.loaded:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("sessionId") == self.session:
                self._event(msg)
        self.evaluate("1")  # let the events queued with the load arrive

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def fonts_of(self, selector: str) -> list[str]:
        """The platform fonts Chromium used to draw the text of the first element matching ``selector``."""
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return [f["familyName"] for f in self.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]

    def screenshot(self, path: Path, max_height: int = 6000) -> None:
        height = self.evaluate("document.documentElement.scrollHeight")
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": 1280, "height": min(height, max_height), "scale": 1}},
        )
        path.write_bytes(base64.b64decode(shot["data"]))


@contextmanager
def browser_page() -> Iterator[Page]:
    """One page of a fresh headless Chromium (own empty profile), offline, with its events recorded."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed: run `make setup` (apt-get install chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            url, seen = None, []
            deadline = time.monotonic() + 30
            while url is None and time.monotonic() < deadline:
                line = proc.stderr.readline()
                if not line and proc.poll() is not None:
                    break
                seen.append(line)
                found = re.search(r"DevTools listening on (ws://\S+)", line)
                url = found.group(1) if found else None
            if url is None:
                raise RuntimeError("chromium did not start: " + "".join(seen[-20:]))
            with connect(url, max_size=None, open_timeout=10) as ws:
                ws.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
                target = _reply(ws, 1)["targetId"]
                ws.send(json.dumps({"id": 2, "method": "Target.attachToTarget", "params": {"targetId": target, "flatten": True}}))
                page = Page(ws, _reply(ws, 2)["sessionId"])
                for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
                    page.send(f"{domain}.enable")
                page.send("Network.emulateNetworkConditions",
                          {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
                yield page
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _reply(ws, call: int) -> dict[str, Any]:
    while True:
        msg = json.loads(ws.recv(timeout=30))
        if msg.get("id") == call:
            if "error" in msg:
                raise RuntimeError(str(msg["error"]))
            return msg["result"]
