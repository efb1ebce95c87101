"""Benchmark: `referrals(first: 20)` at 1,000 and at 1,000,000 rows, each filter and sort.

Usage: `python -m benchmarks.lists --small 1000 --large 1000000 --runs 15` (PostgreSQL at
PARTNERGRAPH_BENCH_DATABASE_URL, else PARTNERGRAPH_TEST_DATABASE_URL, else the local server).
Prints the p50 of each list at both sizes and their ratio (goal: at most 1.5x), and how long
the generator took to load the large set.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from contextlib import ExitStack

from benchmarks import dataset
from benchmarks.common import client, load_average, load_programs, p50_ms, seeded_database

QUERY = """query($filter: ReferralFilterInput, $order: ReferralOrder, $count: Boolean!) {
  referrals(first: 20, filter: $filter, orderBy: $order) {
    totalCount @include(if: $count)
    nodes { id clientName status submittedAt }
  } }"""
STATUSES = (None, "SUBMITTED", "APPROVED", "NOT_LIVE", "REJECTED", "QUALIFIED", "CLOSED")


def cases() -> list[tuple[str, dict[str, object]]]:
    """Each sort with each status filter (None: no filter)."""
    out = []
    for direction in ("DESC", "ASC"):
        for status in STATUSES:
            variables: dict[str, object] = {"order": {"direction": direction}, "count": False}
            if status:
                variables["filter"] = {"status": [status]}
            out.append((f"{status or 'any':<10} {direction.lower()}", variables))
    return out


async def measure(url: str, runs: int) -> dict[str, float]:
    """p50 of every case against the database at `url`."""
    async with client(url) as (http, key):
        return {name: await p50_ms(http, key, QUERY, v, runs) for name, v in cases()}


def main() -> int:
    """Load both sizes, time the lists, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {}
    with ExitStack() as stack:
        for size in (args.small, args.large):
            url = stack.enter_context(seeded_database())
            asyncio.run(load_programs(url))
            started = time.perf_counter()
            dataset.load(url, partners=50, referrals=size)
            print(f"generator: {size:,} referrals in {time.perf_counter() - started:.1f} s")
            results[size] = asyncio.run(measure(url, args.runs))
    print(f"referrals(first: 20) p50 ms (load average {load_average()})")
    print(f"{'case':<16}{args.small:>12,}{args.large:>12,}{'ratio':>8}")
    for name, _ in cases():
        small, large = results[args.small][name], results[args.large][name]
        print(f"{name:<16}{small:>12.1f}{large:>12.1f}{large / small:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
