"""`partnergraph worker`: deliver webhook events and run the periodic jobs (several workers may
run at once)."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.common import database
from api.settings import get_settings
from api.tracing import traced_client
from models.documents.blobs import BlobStore


async def _worker(args: argparse.Namespace) -> int:
    from api.blob_stores import open_storage

    storage = open_storage(get_settings())
    try:
        return await _run(args, storage.blobs)
    finally:
        storage.close()


async def _run(args: argparse.Namespace, blobs: BlobStore) -> int:
    import httpx
    from sqlalchemy.engine import make_url

    from api.jobs import periodic_jobs, procrastinate_app, run_in_process
    from services.webhooks.delivery import run_once

    settings = get_settings()
    policy = settings.delivery_policy()
    total: dict[str, int] = {}
    async with database() as sessionmaker, httpx.AsyncClient(follow_redirects=False) as client:
        traced_client(client)
        jobs = periodic_jobs(sessionmaker, policy, blobs)

        async def deliver() -> None:
            while True:
                counts = await run_once(sessionmaker, client, policy)
                for status, count in counts.items():
                    total[status] = total.get(status, 0) + count
                if counts:
                    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), flush=True)
                if args.once:
                    return
                if not counts:
                    await asyncio.sleep(args.interval)

        if args.once:
            await deliver()
            for job in jobs:
                print(f"{job.name}: {await job.run()}", flush=True)
        elif make_url(settings.database_url).get_backend_name() == "postgresql":
            app = procrastinate_app(settings.database_url, jobs)
            async with app.open_async():
                await asyncio.gather(deliver(), app.run_worker_async(install_signal_handlers=False))
        else:
            await asyncio.gather(deliver(), run_in_process(jobs, asyncio.Event()))
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
        help="deliver webhook events and run the periodic jobs (run one or more)",
        description="Deliver due webhook events with Standard Webhooks signatures, up to "
        "PARTNERGRAPH_WEBHOOK_CONCURRENCY at once, each with PARTNERGRAPH_WEBHOOK_TIMEOUT, "
        "retrying with exponential backoff and jitter for PARTNERGRAPH_WEBHOOK_RETRY_HOURS. "
        "Several workers may run at once: each leases its deliveries, so no event is sent to "
        "an endpoint twice at the same time. The worker also runs the periodic jobs (the "
        "referral sweep every 5 minutes, webhook event retention hourly): on PostgreSQL as "
        "procrastinate periodic tasks (each tick runs once, whatever the number of workers), "
        "on SQLite in-process. The sweep also issues the notices of termination after an uncured "
        "breach into the configured blob store, as `partnergraph sweep` does.",
    )
    worker.add_argument(
        "--once", action="store_true", help="one delivery pass and one run of each job, then exit"
    )
    worker.add_argument(
        "--interval", type=float, default=2.0, help="seconds to sleep when idle (default 2)"
    )
    worker.set_defaults(func=_worker_cmd)
