"""Benchmark: the dashboard query against PostGraphile 5 on the same PostgreSQL tables.

Usage: `python -m benchmarks.versus --seconds 10 --connections 1 8 32` (`make bench`). Loads a
throwaway database (50 partners, 150 agreements, 250 referrals with commissions), starts
`partnergraph serve --workers N` and PostGraphile 5.1.5 (installed from the npm registry into a
temporary folder; Node 20 gets a `Promise.withResolvers` polyfill), then loads both with the
same generator (benchmarks/load.py): the dashboard uncached, then as a persisted query served
from the response cache. Prints req/s, p50, p99 and the ratio to PostGraphile, our server's CPU
per request (`acceptAgreement`'s p50 end to end is `benchmarks.accept`), then the uncached
dashboard on N workers against one worker (`--scale-connections`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks import dataset
from benchmarks.common import ROOT, load_average, load_programs, seeded_database
from benchmarks.dashboard import DASHBOARD, FAST_PATH_DASHBOARD, POSTGRAPHILE_DASHBOARD
from benchmarks.load import Run, cpu_seconds, load

POSTGRAPHILE = "postgraphile@5.1.5"
POLYFILL = """if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
"""


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    """Until `url` answers a GraphQL POST (any status)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def running(
    command: list[str], env: dict[str, str], cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, stopped afterwards."""
    process = subprocess.Popen(  # noqa: S603 (our own commands)
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def postgraphile(folder: Path, url: str, port: int) -> list[str]:
    """Install PostGraphile into `folder` (npm registry) and return its command line."""
    npm = shutil.which("npm")
    node = shutil.which("node")
    if npm is None or node is None:
        raise SystemExit("make bench needs Node.js 20+ and npm for PostGraphile")
    (folder / "package.json").write_text('{"name": "bench", "private": true}\n')
    subprocess.run(  # noqa: S603
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", POSTGRAPHILE],
        cwd=folder,
        check=True,
    )
    (folder / "polyfill.cjs").write_text(POLYFILL)
    pg_url = url.replace("postgresql+psycopg://", "postgres://").replace(
        "postgresql://", "postgres://"
    )
    return [
        node, "-r", "./polyfill.cjs", "node_modules/.bin/postgraphile",
        "-P", "postgraphile/presets/amber", "-c", pg_url, "-s", "public",
        "-p", str(port), "-n", "127.0.0.1",
    ]  # fmt: skip


async def admin_key(url: str) -> str:
    """A new admin API key."""
    from models.db import make_async_engine, make_sessionmaker
    from rules.enums import ApiKeyRole
    from services.actor import SYSTEM
    from services.apikeys.keys import create_api_key

    engine = make_async_engine(url)
    async with make_sessionmaker(engine).begin() as session:
        key = await create_api_key(
            session, name="bench", role=ApiKeyRole.ADMIN, partner_id=None, actor=SYSTEM
        )
    await engine.dispose()
    return key.token


def line(name: str, ours: Run, theirs: Run | None, cpu_ms: float | None = None) -> str:
    """One row of the table; with failed requests the ratio is starred and the first failure
    of each server named."""
    failed = bool(ours.errors or (theirs and theirs.errors))
    ratio = f"{ours.rps / theirs.rps:6.2f}x" if theirs and theirs.rps else "      -"
    ratio += "*" if failed else " "
    ref = f"{theirs.rps:8.1f} {theirs.p50_ms:7.1f} {theirs.p99_ms:7.1f}" if theirs else " " * 24
    cpu = f"{cpu_ms:7.1f}" if cpu_ms is not None else "      -"
    row = f"{name:<24}{ours.rps:8.1f} {ours.p50_ms:7.1f} {ours.p99_ms:7.1f}  {ref}  {ratio}{cpu}"
    if not failed:
        return row
    row += f"  * failed: ours {ours.errors}"
    row += f" (first: {ours.first_error})" if ours.first_error else ""
    if theirs is not None:
        row += f", PostGraphile {theirs.errors}"
        row += f" (first: {theirs.first_error})" if theirs.first_error else ""
    return row


def scale(
    stack: ExitStack,
    env: dict[str, str],
    ours: tuple[int, int],
    bodies: dict[str, dict[str, Any]],
    auth: dict[str, str],
    args: argparse.Namespace,
) -> None:
    """The dashboard on `--workers` workers against the same on one worker (a second server on
    the same data), alternating twice: uncached (its statement's PostgreSQL CPU included),
    uncached on Python's fast path (mostly the server's own CPU) and persisted+cached. The
    ratio is the throughput the workers add (issue 14: `serve --workers N` grows with N);
    the load generator and PostgreSQL share the machine's cores."""
    port = free_port()
    single = stack.enter_context(
        running(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1"],
            env, ROOT,
        )
    )  # fmt: skip
    one_url = f"http://127.0.0.1:{port}/graphql"
    wait_for(one_url)
    many_url = f"http://127.0.0.1:{ours[1]}/graphql"
    c = args.scale_connections
    print(f"workers: {args.workers} against 1 (the reference columns), c={c}; the cores each "
          "server's processes kept busy")  # fmt: skip
    for round_ in (1, 2):
        for name, body in bodies.items():
            document = DASHBOARD if "extensions" in body else None
            before = cpu_seconds(single.pid)
            one = asyncio.run(load(one_url, body, auth, c, args.seconds, document))
            one_cores = (cpu_seconds(single.pid) - before) / args.seconds
            before = cpu_seconds(ours[0])
            many = asyncio.run(load(many_url, body, auth, c, args.seconds, document))
            many_cores = (cpu_seconds(ours[0]) - before) / args.seconds
            row = line(f"{name} {round_}", many, one)
            print(f"{row}  cores {many_cores:.2f} against {one_cores:.2f}")


def main() -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--referrals", type=int, default=5, help="referrals per partner page")
    parser.add_argument(
        "--scale-connections",
        type=int,
        default=8,
        help="connections for the workers' scaling rows (N workers against one; 0: none)",
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        url = stack.enter_context(seeded_database())
        asyncio.run(load_programs(url))
        dataset.load(url, partners=50, referrals=250, agreements=3)
        key = asyncio.run(admin_key(url))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="postgraphile-")))
        ours_port, theirs_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PARTNERGRAPH_DATA_DIR": str(folder / "data"),
            "PARTNERGRAPH_RATE_LIMIT_POINTS": str(10**9),
            # one key drives every connection: at c=32 a worker may hold more than the
            # default 20 of its requests at once, and would refuse the rest (429)
            "PARTNERGRAPH_RATE_LIMIT_IN_FLIGHT": str(10_000),
            "PARTNERGRAPH_LOG_LEVEL": "warning",
            "GRAPHILE_ENV": "production",
        }
        server = stack.enter_context(
            running(
                [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(ours_port), "--workers", str(args.workers)],
                env, ROOT,
            )
        )  # fmt: skip
        command = postgraphile(folder, url, theirs_port)
        stack.enter_context(running(command, env, folder))
        ours_url = f"http://127.0.0.1:{ours_port}/graphql"
        theirs_url = f"http://127.0.0.1:{theirs_port}/graphql"
        wait_for(ours_url)
        wait_for(theirs_url)
        variables = {"partners": 50, "referrals": args.referrals}
        auth = {"Authorization": f"Bearer {key}"}
        plain: dict[str, Any] = {"query": DASHBOARD, "variables": variables}
        sha = hashlib.sha256(DASHBOARD.encode()).hexdigest()
        apq = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
        persisted: dict[str, Any] = {"variables": variables, "extensions": apq}
        theirs_body = {"query": POSTGRAPHILE_DASHBOARD, "variables": variables}
        for body, url_ in ((plain, ours_url), ({**plain, "extensions": apq}, ours_url)):
            httpx.post(url_, json=body, headers=auth, timeout=60).raise_for_status()
        print(f"dashboard: 50 partners, page of {args.referrals} referrals each; "
              f"{args.workers} workers; {args.seconds:.0f} s per run; load average "
              f"{load_average()}")  # fmt: skip
        print(f"{'run':<24}{'req/s':>8} {'p50':>7} {'p99':>7}  {'PG req/s':>8} {'p50':>7} "
              f"{'p99':>7}  {'ratio':>7} {'cpu ms':>7}")  # fmt: skip
        for c in args.connections:
            theirs = asyncio.run(load(theirs_url, theirs_body, {}, c, args.seconds))
            before = cpu_seconds(server.pid)
            ours = asyncio.run(load(ours_url, plain, auth, c, args.seconds))
            handled = ours.requests + ours.errors  # refusals cost CPU too
            cpu = (cpu_seconds(server.pid) - before) * 1000 / max(1, handled)
            print(line(f"uncached c={c}", ours, theirs, cpu))
            cached = asyncio.run(load(ours_url, persisted, auth, c, args.seconds, DASHBOARD))
            print(line(f"persisted+cached c={c}", cached, theirs))
        if args.workers > 1 and args.scale_connections:
            bodies = {
                "uncached": plain,
                "fast path": {**plain, "query": FAST_PATH_DASHBOARD},
                "cached": persisted,
            }
            scale(stack, env, (server.pid, ours_port), bodies, auth, args)
        print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
