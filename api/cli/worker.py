"""`partnergraph worker`: deliver webhook events (several workers may run at once)."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.common import database
from api.settings import get_settings
from api.tracing import traced_client


async def _worker(args: argparse.Namespace) -> int:
    import httpx

    from services.webhooks.delivery import run_once

    policy = get_settings().delivery_policy()
    total: dict[str, int] = {}
    async with database() as sessionmaker, httpx.AsyncClient(follow_redirects=False) as client:
        traced_client(client)
        while True:
            counts = await run_once(sessionmaker, client, policy)
            for status, count in counts.items():
                total[status] = total.get(status, 0) + count
            if counts:
                print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), flush=True)
            if args.once:
                break
            if not counts:
                await asyncio.sleep(args.interval)
    print(f"worker done: {', '.join(f'{k}: {v}' for k, v in sorted(total.items())) or 'idle'}")
    return 0


def _worker_cmd(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_worker(args))
    except KeyboardInterrupt:
        return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `worker` command."""
    worker = sub.add_parser(
        "worker",
        help="deliver webhook events (run one or more)",
        description="Deliver due webhook events with Standard Webhooks signatures, up to "
        "PARTNERGRAPH_WEBHOOK_CONCURRENCY at once, each with PARTNERGRAPH_WEBHOOK_TIMEOUT, "
        "retrying with exponential backoff and jitter for PARTNERGRAPH_WEBHOOK_RETRY_HOURS. "
        "Several workers may run at once: each leases its deliveries, so no event is sent to "
        "an endpoint twice at the same time.",
    )
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.add_argument(
        "--interval", type=float, default=2.0, help="seconds to sleep when idle (default 2)"
    )
    worker.set_defaults(func=_worker_cmd)
