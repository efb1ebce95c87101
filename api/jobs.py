"""Background jobs: one set of task functions, run by procrastinate on PostgreSQL and in-process
on SQLite.

- `sweep` (every 5 minutes): time-driven referral transitions (CS-REF-02, CS-REF-10) and the
  notices of termination after an uncured breach (SEG-AGR-09, CS-AGR-06), written to the blob
  store the server uses (`partnergraph sweep` runs the same function).
- `webhook_retention` (hourly): deletes webhook events past their retention (30 days).

On PostgreSQL they are procrastinate periodic tasks: procrastinate is maintained, keeps its
queue in the same PostgreSQL database (no broker to run), and defers each cron tick once however
many workers run (its tables come with `partnergraph db upgrade`, migration 0016b). On SQLite,
the embedded default, `partnergraph worker` runs the same functions in its own asyncio loop.
Webhook delivery is not a job: the worker leases due deliveries from the outbox table
continuously (services/webhooks/leases.py), which is already a PostgreSQL queue with SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import procrastinate
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Program
from models.base import utcnow
from models.documents.blobs import BlobStore
from services.webhooks.policy import Clock, DeliveryPolicy

log = logging.getLogger("partnergraph.jobs")


async def sweep_job(
    sessionmaker: async_sessionmaker[AsyncSession], blobs: BlobStore
) -> dict[str, int]:
    """As of each program's today: persist referrals deemed rejected and lapsed, then issue the
    notice of termination after an uncured breach for every agreement whose cure period lapsed
    (into `blobs`). Idempotent."""
    from services.agreements.lapses import issue_lapsed_breach_notices
    from services.partners.memberships import program_today
    from services.referrals.sweep import sweep

    async with sessionmaker.begin() as session:
        programs = list(await session.scalars(select(Program)))
        counts = await sweep(session, {p.id: program_today(p) for p in programs})
    counts["breach_terminations"] = 0
    async with sessionmaker.begin() as session:
        for program in await session.scalars(select(Program)):
            counts["breach_terminations"] += await issue_lapsed_breach_notices(
                session, blobs, program, program_today(program)
            )
    return counts


async def retention_job(
    sessionmaker: async_sessionmaker[AsyncSession], policy: DeliveryPolicy, clock: Clock = utcnow
) -> int:
    """Delete webhook events older than the retention period; how many."""
    from services.webhooks.replay import purge_expired

    async with sessionmaker.begin() as session:
        return await purge_expired(session, policy, clock())


@dataclass(frozen=True)
class PeriodicJob:
    """A job, its procrastinate cron and its in-process interval."""

    name: str
    cron: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


def periodic_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], policy: DeliveryPolicy, blobs: BlobStore
) -> list[PeriodicJob]:
    """The periodic jobs, bound to a database and the blob store documents go to."""
    return [
        PeriodicJob("sweep", "*/5 * * * *", 300, lambda: sweep_job(sessionmaker, blobs)),
        PeriodicJob(
            "webhook_retention", "17 * * * *", 3600, lambda: retention_job(sessionmaker, policy)
        ),
    ]


def libpq_url(database_url: str) -> str:
    """The libpq connection URI of a PostgreSQL SQLAlchemy URL (for procrastinate)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


def procrastinate_app(database_url: str, jobs: list[PeriodicJob]) -> procrastinate.App:
    """A procrastinate App with each job as a periodic task (`partnergraph.<name>`)."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url(database_url))
    )
    for job in jobs:
        _register(app, job)
    return app


def _register(app: procrastinate.App, job: PeriodicJob) -> None:
    async def task(timestamp: int) -> None:
        result = await job.run()
        log.info("job %s (tick %s): %s", job.name, timestamp, result)

    registered = app.task(name=f"partnergraph.{job.name}", queueing_lock=job.name)(task)
    app.periodic(cron=job.cron, periodic_id=job.name)(registered)


async def run_in_process(jobs: list[PeriodicJob], stop: asyncio.Event) -> None:
    """SQLite: run each job now and then every `every_seconds`, until `stop` is set. A failing
    run is logged and retried at its next interval."""
    due = dict.fromkeys((job.name for job in jobs), 0.0)
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        for job in jobs:
            if loop.time() >= due[job.name]:
                due[job.name] = loop.time() + job.every_seconds
                try:
                    log.info("job %s: %s", job.name, await job.run())
                except Exception:
                    log.exception("job %s failed", job.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, min(due.values()) - loop.time()))
