"""Benchmark: CPU instructions per uncached dashboard request, counted by valgrind.

Usage: `python -m benchmarks.instructions` (needs valgrind; a throwaway PostgreSQL database
like issue 14's, or `--url` a loaded one). Wall-clock CPU varies with whatever else the machine
runs; instructions do not, so this is the figure to compare a change by. It runs the in-process
app (as `benchmarks.cpu` builds it) under `valgrind --tool=callgrind` twice, serving `--low`
and then `--high` dashboards with PYTHONHASHSEED=0, and prints the difference divided by the
difference in requests: start-up, warm-up and shutdown cancel out. `--dump FILE` keeps the
last dashboard's body, to check a change answers the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import run_on_worker_loop
from benchmarks.cpu import call, database
from benchmarks.dashboard import DASHBOARD
from benchmarks.versus import admin_key

TOTALS = re.compile(rb"^(?:summary|totals): (\d+)", re.MULTILINE)


async def serve(url: str, requests: int, dump: str | None) -> None:
    """Answer `requests` uncached dashboards in process (what valgrind counts)."""
    from api.app import create_app, tune_garbage_collector
    from api.settings import Settings
    from models.db import make_async_engine

    token = await admin_key(url)
    body = json.dumps({"query": DASHBOARD, "variables": {"partners": 50, "referrals": 5}})
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            database_url=url,
            PARTNERGRAPH_DATA_DIR=Path(data),
            PARTNERGRAPH_RATE_LIMIT_POINTS=10**9,
        )
        app = create_app(settings, engine=make_async_engine(url))
        tune_garbage_collector()
        async with app.router.lifespan_context(app):
            raw = b""
            for _ in range(requests):
                status, raw = await call(app, body.encode(), token)
                if status != 200 or b'"errors"' in raw:
                    raise RuntimeError(raw[:500].decode("utf-8", "replace"))
            if dump:
                Path(dump).write_bytes(raw)  # noqa: ASYNC240 (once, after the run)


def count(url: str, requests: int, dump: str | None) -> int:
    """Instructions of a whole run serving `requests` dashboards."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--serve",
            str(requests),
            "--url",
            url,
        ]
        if dump:
            command += ["--dump", dump]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 (our own)
        found = TOTALS.search(out.read_bytes())
        if found is None:
            raise RuntimeError("callgrind wrote no totals")
        return int(found.group(1))


def main() -> int:
    """Count and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a loaded database (default: a throwaway one)")
    parser.add_argument("--low", type=int, default=10, help="dashboards in the first run")
    parser.add_argument("--high", type=int, default=30, help="dashboards in the second run")
    parser.add_argument("--dump", help="write the last dashboard's response body here")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the counted child
    args = parser.parse_args()
    if args.serve is not None:
        run_on_worker_loop(serve(args.url, args.serve, args.dump))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    if args.high <= args.low:
        parser.error("--high must be more than --low")
    with database(args.url) as url:
        low = count(url, args.low, None)
        high = count(url, args.high, args.dump)
    per = (high - low) / (args.high - args.low)
    print(
        f"dashboard: 50 partners, page of 5 referrals each; {per / 1e6:.1f} million "
        f"instructions per uncached request (callgrind: {args.low} and {args.high} requests)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
