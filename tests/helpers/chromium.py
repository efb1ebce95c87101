"""Headless Chromium driven over the DevTools protocol (websockets), with no outside network.

Debian's `chromium` package provides the browser (.ci/run installs it). Every host name but
127.0.0.1 and localhost fails to resolve, and each request the page makes is recorded, so a test
can show that nothing left the machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests import databases

BINARIES = ("chromium", "chromium-browser", "google-chrome")


def chromium_binary() -> str:
    """The browser, or a skip (outside CI) / failure (under CI) when it is missing."""
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    message = "headless Chromium is needed (apt-get install chromium)"
    if databases.in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class Page:
    """One browser tab."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        self.console: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if "id" in message and message["id"] in self.pending:
                self.pending.pop(message["id"]).set_result(message)
            elif message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"])
            elif message.get("method") == "Runtime.consoleAPICalled":
                args = message["params"].get("args", [])
                self.console.append(" ".join(str(a.get("value", "")) for a in args))

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        await self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        answer = await asyncio.wait_for(future, 60)
        if "error" in answer:
            raise AssertionError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def goto(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def wait_for(self, expression: str, seconds: float = 30) -> Any:
        """Poll `expression` until it is truthy; its value."""
        deadline = time.monotonic() + seconds
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                body = await self.evaluate("document.body ? document.body.innerText : ''")
                raise AssertionError(
                    f"timed out waiting for {expression}; page text: {body[:2000]!r}; "
                    f"console: {self.console[-10:]}"
                )
            await asyncio.sleep(0.2)

    def hosts(self) -> set[str]:
        """Every host the page sent a request to."""
        return {httpx.URL(r["url"]).host for r in self.requests if r["url"].startswith("http")}


@asynccontextmanager
async def browser_page() -> AsyncIterator[Page]:
    """A fresh headless Chromium (own profile) and one page in it."""
    binary = chromium_binary()
    profile = Path(tempfile.mkdtemp(prefix="partnergraph-chromium-"))
    process = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and len(active.read_text().splitlines()) >= 2):
            assert process.poll() is None, "chromium stopped"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            await asyncio.sleep(0.1)
        port = active.read_text().splitlines()[0]
        async with httpx.AsyncClient() as client:
            targets = (await client.get(f"http://127.0.0.1:{port}/json/list")).json()
        target = next(t for t in targets if t["type"] == "page")
        async with websockets.connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
            page = Page(socket)
            for domain in ("Page", "Runtime", "Network"):
                await page.call(f"{domain}.enable")
            try:
                yield page
            finally:
                page.reader.cancel()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
