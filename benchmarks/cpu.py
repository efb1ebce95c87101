"""Benchmark: server CPU per uncached dashboard request, in process, at several concurrencies.

Usage: `python -m benchmarks.cpu --requests 50 --repeat 5 --connections 1 8` (`make bench`).
Loads a throwaway PostgreSQL database like issue 14's (50 partners, 150 agreements, 250
referrals with commissions), or uses `--url` (a migrated database with the programs and the
data already loaded), builds the app as a server worker does (GC tuned as in `serve_app`) and
calls it as an ASGI app directly, so no HTTP client or server shares the process. Prints the
CPU milliseconds per request (time.process_time; PostgreSQL's own CPU is not counted), best
and median of `--repeat` runs at each concurrency (the runs alternate; on a shared machine the
best run is the least disturbed), the median wall milliseconds, and the cyclic garbage
collections during the runs (none when requests leave no reference cycles). `--dump FILE`
writes the dashboard's response body, to compare bytes before and after a change on the same
database.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.app import create_app, tune_garbage_collector
from api.settings import Settings
from benchmarks import dataset
from benchmarks.common import load_average, load_programs, run_on_worker_loop, seeded_database
from benchmarks.dashboard import DASHBOARD
from benchmarks.versus import admin_key
from models.db import make_async_engine

App = Any


async def call(
    app: App, body: bytes, token: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> tuple[int, bytes]:
    """POST /graphql straight through the ASGI interface (with any further `headers`); status
    and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {token}".encode()),
            *headers,
        ],
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


class Collections:
    """The cyclic garbage collections, and the time they took, while it is installed (a
    request that leaves reference cycles shows here: issue 14)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._seen)

    def _seen(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._started


async def measure(
    app: App, body: bytes, token: str, requests: int, connections: int
) -> tuple[float, float]:
    """CPU and wall milliseconds per request with `connections` requests in flight."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            status, raw = await call(app, body, token)
            if status != 200 or b'"errors"' in raw:
                raise RuntimeError(raw[:500].decode("utf-8", "replace"))

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    cpu_ms = (time.process_time() - cpu) * 1000 / requests
    wall_ms = (time.perf_counter() - wall) * 1000 / requests
    return cpu_ms, wall_ms


async def run(url: str, args: argparse.Namespace) -> None:
    token = await admin_key(url)
    body = json.dumps(
        {"query": DASHBOARD, "variables": {"partners": 50, "referrals": args.referrals}}
    ).encode()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            database_url=url,
            PARTNERGRAPH_DATA_DIR=Path(data),
            PARTNERGRAPH_RATE_LIMIT_POINTS=10**9,
        )
        engine = make_async_engine(url)
        app = create_app(settings, engine=engine)
        tune_garbage_collector()
        async with app.router.lifespan_context(app):
            status, raw = await call(app, body, token)
            if status != 200 or b'"errors"' in raw:
                raise RuntimeError(raw[:500].decode("utf-8", "replace"))
            if args.dump:
                Path(args.dump).write_bytes(raw)  # noqa: ASYNC240 (once, before timing)
            for _ in range(args.warmup):
                await call(app, body, token)
            print(
                f"dashboard: 50 partners, page of {args.referrals} referrals each; "
                f"{args.repeat} runs of {args.requests} requests; response {len(raw)} bytes; "
                f"load average {load_average()}"
            )
            runs: dict[int, list[tuple[float, float]]] = {c: [] for c in args.connections}
            with Collections() as collections:
                for _ in range(args.repeat):
                    for c in args.connections:
                        runs[c].append(await measure(app, body, token, args.requests, c))
            for c, found in runs.items():
                cpu = sorted(r[0] for r in found)
                wall = statistics.median(r[1] for r in found)
                print(
                    f"uncached c={c:<3} cpu ms/request: best {cpu[0]:6.1f} median "
                    f"{statistics.median(cpu):6.1f}; wall ms/request median {wall:6.1f}"
                )
            served = args.requests * args.repeat * len(args.connections)
            print(
                f"cyclic garbage collections: {collections.count} in {served} requests "
                f"({collections.seconds * 1000 / served:.2f} ms per request)"
            )
            print(f"load average after: {load_average()}")


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    with seeded_database() as fresh:
        asyncio.run(load_programs(fresh))
        dataset.load(fresh, partners=50, referrals=250, agreements=3)
        yield fresh


def main() -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a loaded database (default: a throwaway one)")
    parser.add_argument("--requests", type=int, default=50, help="requests per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per concurrency")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--referrals", type=int, default=5, help="referrals per partner page")
    parser.add_argument("--dump", help="write the dashboard's response body to this file")
    args = parser.parse_args()
    with database(args.url) as url:
        run_on_worker_loop(run(url, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
