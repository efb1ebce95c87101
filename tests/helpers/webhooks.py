"""Webhook test helpers: a loopback receiver that can be down or slow, and a fake clock."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    """A loopback HTTP receiver that records what it gets.

    `status` is what it answers; `delay` how long it takes. `accepted` counts the webhook-ids it
    answered 2xx per path; `overlaps` counts requests for a (path, webhook-id) that arrived while
    another one for the same pair was still being handled (a concurrent duplicate).
    """

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 204
    delay: float = 0.0
    accepted: Counter[tuple[str, str]] = field(default_factory=Counter)
    overlaps: int = 0
    max_in_flight: int = 0
    in_flight: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        key = (path, headers.get("webhook-id", ""))
        with self.lock:
            if key in self.in_flight:
                self.overlaps += 1
            self.in_flight.add(key)
            self.max_in_flight = max(self.max_in_flight, len(self.in_flight))
            self.received.append((headers, body))
            status = self.status
        time.sleep(self.delay)
        with self.lock:
            self.in_flight.discard(key)
            if 200 <= status < 300:
                self.accepted[key] += 1
        return status


@contextmanager
def serve_receiver() -> Iterator[Receiver]:
    """A receiver on 127.0.0.1 with an ephemeral port, for the duration of the block."""
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.send_response(box.handle(self.path, headers, body))
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


class FakeClock:
    """A clock the test moves by hand (tz-aware UTC)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
