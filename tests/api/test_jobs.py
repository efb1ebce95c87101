"""Periodic jobs: procrastinate periodic tasks on PostgreSQL, the same functions in-process on
SQLite (sweep and webhook event retention)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.jobs import PeriodicJob, periodic_jobs, procrastinate_app, run_in_process
from models import Agreement, Document, OutboxEvent, migrate
from models.base import utcnow
from models.documents.blobs import BlobStore
from schema.ids import decode_id
from services.webhooks.outbox import emit
from services.webhooks.policy import DeliveryPolicy
from tests.agreements.test_fact_dates import TERMINATE, state
from tests.conftest import ROOT, Api
from tests.helpers.agreements import segment_agreement
from tests.helpers.api import program_today_of

pytestmark = pytest.mark.anyio


async def _events(sessionmaker: async_sessionmaker[AsyncSession], *days_ago: int) -> None:
    async with sessionmaker.begin() as session:
        for days in days_ago:
            await emit(session, "tier.changed", None, {}, now=utcnow() - timedelta(days=days))


async def _count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxEvent)) or 0)


async def test_the_jobs_and_their_schedules(
    sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    jobs = {job.name: job for job in periodic_jobs(sessionmaker, DeliveryPolicy(), store)}
    assert (jobs["sweep"].cron, jobs["webhook_retention"].cron) == ("*/5 * * * *", "17 * * * *")
    app = procrastinate_app("postgresql://u@127.0.0.1:5432/d", list(jobs.values()))
    periodic = {key[1]: task.cron for key, task in app.periodic_registry.periodic_tasks.items()}
    assert periodic == {"sweep": "*/5 * * * *", "webhook_retention": "17 * * * *"}
    assert {"partnergraph.sweep", "partnergraph.webhook_retention"} <= set(app.tasks)


async def test_in_process_jobs_run_now_then_on_their_interval(
    sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """SQLite's way (and the same functions): retention purges events past 30 days."""
    await _events(sessionmaker, 45, 31, 29, 0)
    runs: list[str] = []
    stop = asyncio.Event()

    async def counted() -> None:
        runs.append("tick")
        if len(runs) == 3:
            stop.set()

    jobs = [
        *periodic_jobs(sessionmaker, DeliveryPolicy(), store),
        PeriodicJob("t", "", 0.01, counted),
    ]
    await asyncio.wait_for(run_in_process(jobs, stop), timeout=30)
    assert runs == ["tick"] * 3
    assert await _count(sessionmaker) == 2


async def test_procrastinate_runs_the_periodic_tasks_on_postgresql(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, store: BlobStore
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("procrastinate runs on PostgreSQL; SQLite runs the jobs in-process")
    await _events(sessionmaker, 40, 1)
    app = procrastinate_app(database_url, periodic_jobs(sessionmaker, DeliveryPolicy(), store))
    async with app.open_async():
        await app.tasks["partnergraph.webhook_retention"].defer_async(timestamp=0)
        await app.tasks["partnergraph.sweep"].defer_async(timestamp=0)
        await app.run_worker_async(
            wait=False, install_signal_handlers=False, listen_notify=False, delete_jobs="always"
        )
    assert await _count(sessionmaker) == 1


def test_worker_once_delivers_and_runs_each_job(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "worker", "--once"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": fresh_database_url},
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sweep: {") and "'breach_terminations': 0" in lines[0]
    assert lines[1] == "webhook_retention: 0"
    assert lines[-1] == "worker done: idle"


async def _lapsed_breach(api: Api) -> str:
    """A Segment agreement under a breach notice whose cure period (SEG-AGR-09) lapsed
    yesterday, its notice of termination not issued yet: the notice date is moved back in the
    database, as if the sweep had not run since."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=90), "Jobbed")
    breach = {"agreementId": agreement["id"], "reason": "BREACH", "cause": "no reports"}
    assert (await api.gql(TERMINATE, {"input": breach}))["terminateAgreement"]["userErrors"] == []
    async with api.sessionmaker.begin() as session:
        row = await session.get(Agreement, decode_id(agreement["id"])[1])
        assert row is not None
        [notice] = row.notices
        notice.given_on = notice.sent_on = today - timedelta(days=31)
    return str(agreement["id"])


def _lapse_notices(documents: list[dict[str, str]]) -> int:
    return [d["kind"] for d in documents].count("breach-termination-notice")


async def test_the_sweep_job_issues_the_uncured_breach_notice(api: Api, store: BlobStore) -> None:
    """The worker's sweep job runs what `partnergraph sweep` runs: an agreement whose cure
    period lapsed gets its notice of termination after an uncured breach (SEG-AGR-09), once,
    stored in the server's blob store."""
    agreement_id = await _lapsed_breach(api)
    jobs = {job.name: job for job in periodic_jobs(api.sessionmaker, DeliveryPolicy(), store)}
    first, again = await jobs["sweep"].run(), await jobs["sweep"].run()
    assert isinstance(first, dict) and isinstance(again, dict)
    assert (first["breach_terminations"], again["breach_terminations"]) == (1, 0)
    documents = (await state(api, agreement_id))["documents"]
    assert _lapse_notices(documents) == 1
    async with api.sessionmaker() as session:
        sha = await session.scalar(
            select(Document.sha256).where(Document.kind == "breach-termination-notice")
        )
    assert sha is not None and store.exists(sha)
