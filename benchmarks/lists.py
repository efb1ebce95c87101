"""Benchmark: `referrals(first: 20)` at 1,000 and at 1,000,000 rows, each filter and sort.

Usage: `python -m benchmarks.lists --small 1000 --large 1000000 --runs 15` (PostgreSQL at
PARTNERGRAPH_BENCH_DATABASE_URL, else PARTNERGRAPH_TEST_DATABASE_URL, else the local server).
Loads two throwaway databases (or uses `--urls SMALL LARGE`, two databases already loaded with
`benchmarks.dataset`), then times each case on both sizes in rounds, requests alternating
between the sizes one by one, so both feel the same machine load. Both sizes get the
generator's same recent activity (`--recent-per-day` over its last 30 days), so every status
has a full page at both sizes and the two pages are like for like. Prints the p50 of each list
at both sizes, their ratio (goal: at most 1.5x) and how many referrals each page held (`short`
when the two differ: a shorter page is cheaper to answer, so that ratio is not like for like),
and how long the generator took to load each size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from contextlib import AsyncExitStack, ExitStack

import httpx

from benchmarks import dataset
from benchmarks.common import client, load_average, load_programs, seeded_database, timed_ms

QUERY = """query($filter: ReferralFilterInput, $order: ReferralOrder, $count: Boolean!) {
  referrals(first: 20, filter: $filter, orderBy: $order) {
    totalCount @include(if: $count)
    nodes { id clientName status submittedAt }
  } }"""
STATUSES = (
    None, "SUBMITTED", "APPROVED", "DEEMED_REJECTED", "NOT_LIVE", "REJECTED", "QUALIFIED", "CLOSED"
)  # fmt: skip
GOAL = 1.5


def cases() -> list[tuple[str, dict[str, object]]]:
    """Each sort with each status filter (None: no filter)."""
    out = []
    for direction in ("DESC", "ASC"):
        for status in STATUSES:
            variables: dict[str, object] = {"order": {"direction": direction}, "count": False}
            if status:
                variables["filter"] = {"status": [status]}
            out.append((f"{status or 'any':<15} {direction.lower()}", variables))
    return out


async def page_size(http: httpx.AsyncClient, key: str, variables: dict[str, object]) -> int:
    """How many referrals the page holds (at most 20)."""
    body = {"query": QUERY, "variables": variables}
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
    return len(response.json()["data"]["referrals"]["nodes"])


async def measure(
    urls: list[str], runs: int, rounds: int
) -> tuple[list[dict[str, float]], list[dict[str, int]]]:
    """p50 of every case on each database, and the size of each page. Requests alternate
    between the databases one by one (in turns of both orders), so both feel the same moment
    of a shared machine's load; each case's p50 is the median of its rounds' p50s."""
    async with AsyncExitStack() as stack:
        clients: list[tuple[httpx.AsyncClient, str]] = [
            await stack.enter_async_context(client(url)) for url in urls
        ]
        sizes = [{name: await page_size(*c, v) for name, v in cases()} for c in clients]
        samples: list[dict[str, list[float]]] = [{} for _ in urls]
        for _ in range(rounds):
            for name, variables in cases():
                times: list[list[float]] = [[] for _ in urls]
                for run in range(runs + 1):  # the first is a warm-up
                    turn = list(range(len(urls)))[:: 1 if run % 2 else -1]
                    for at in turn:
                        elapsed = await timed_ms(*clients[at], QUERY, variables)
                        if run:
                            times[at].append(elapsed)
                for found, timed in zip(samples, times, strict=True):
                    found.setdefault(name, []).append(statistics.median(timed))
    return [{name: statistics.median(v) for name, v in found.items()} for found in samples], sizes


def main() -> int:
    """Load both sizes, time the lists, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15, help="requests per case and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every case")
    parser.add_argument(
        "--recent-per-day",
        type=int,
        default=dataset.RECENT_PER_DAY,
        help="referrals a day over the generator's recent period, at both sizes",
    )
    parser.add_argument("--urls", nargs=2, metavar=("SMALL", "LARGE"), help="loaded databases")
    args = parser.parse_args()
    with ExitStack() as stack:
        urls = list(args.urls or [])
        for size in () if urls else (args.small, args.large):
            url = stack.enter_context(seeded_database())
            asyncio.run(load_programs(url))
            phases = dataset.load(url, 50, size, recent_per_day=args.recent_per_day)
            print(dataset.summary(size, phases, args.recent_per_day))
            urls.append(url)
        (small, large), (small_rows, large_rows) = asyncio.run(
            measure(urls, args.runs, args.rounds)
        )
    print(
        f"referrals(first: 20) p50 ms, median of {args.rounds} rounds of {args.runs} "
        f"requests alternating between the sizes (load average {load_average()}); "
        f"goal: ratio <= {GOAL}"
    )
    print(f"{'case':<20}{args.small:>12,}{args.large:>12,}{'ratio':>8}  rows on the page")
    for name, _ in cases():
        ratio = large[name] / small[name]
        flag = ("" if ratio <= GOAL else "  over") + (
            "" if small_rows[name] == large_rows[name] else "  short"
        )
        rows = f"{small_rows[name]:>4} {large_rows[name]:>4}"
        print(f"{name:<20}{small[name]:>12.1f}{large[name]:>12.1f}{ratio:>8.2f}  {rows}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
