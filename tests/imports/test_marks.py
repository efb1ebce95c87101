"""History import (issue 11, "a backfilled fact is marked in the audit log"): every imported
fact gets its own audit mark, as the dated mutations write one: the mutation's operation, the
importing key, the date the fact carries, backfilled; a second import adds none (both DBs)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AuditEvent, Program
from models.documents.blobs import BlobStore
from tests.imports.test_history import SLUG, _generated, _import

pytestmark = pytest.mark.anyio

# The dated columns of each file: one fact per non-empty cell; `once` columns are one fact
# per record the rows share (a membership's joinedOn, an agreement's appliedOn).
PER_ROW = {
    "memberships.csv": ("effectiveOn",),
    "agreements.csv": ("acceptedAt",),
    "referrals.csv": (
        "submittedOn",
        "approvedOn",
        "rejectedOn",
        "meetingOn",
        "notViableOn",
        "closedOn",
    ),
    "qualified_agreements.csv": ("signedOn",),
    "revenue_lines.csv": ("occurredOn",),
    "client_payments.csv": ("receivedOn",),
    "payouts.csv": ("paidOn",),
    "evidence.csv": ("occurredOn",),
    "revenue_corrections.csv": ("effectiveOn",),
    "tax_documents.csv": ("receivedOn",),
    "agreement_notices.csv": ("dispatchedOn", "curedOn"),
}
ONCE = {
    "memberships.csv": ("joinedOn", ("partner",)),
    "agreements.csv": ("appliedOn", ("partner", "kind")),
}


def _expected(files: dict[str, bytes], zone: str) -> Counter[tuple[str, str, str]]:
    facts: Counter[tuple[str, str, str]] = Counter()
    for name, columns in PER_ROW.items():
        rows = list(csv.DictReader(io.StringIO(files[name].decode())))
        for row in rows:
            for column in columns:
                value = row[column]
                if column == "acceptedAt":
                    value = (
                        datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).date().isoformat()
                    )
                if value:
                    facts[(name, column, value)] += 1
        if name in ONCE:
            column, keys = ONCE[name]
            shared = {tuple(row[k] for k in keys): row for row in rows}
            facts.update((name, column, r[column]) for r in shared.values() if r[column])
            if name == "agreements.csv":  # an application approved on the Effective Date
                approved = [r["effectiveOn"] for r in shared.values() if r["appliedOn"]]
                facts.update((name, "effectiveOn", day) for day in approved)
    return facts


async def _marks(sessionmaker: async_sessionmaker[AsyncSession]) -> list[AuditEvent]:
    async with sessionmaker() as session:
        found = await session.scalars(
            select(AuditEvent).where(AuditEvent.operation != "importProgramHistory")
        )
        return list(found)


async def test_every_imported_fact_has_its_backfill_mark_once(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    async with sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        zone = program.timezone
        before = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert before == 0
    await _import(sessionmaker, store, files)
    marks = await _marks(sessionmaker)
    found = Counter(
        (
            str(m.changes["imported"][1]).split(":")[0],
            next(k for k in m.changes if k != "imported"),
            m.fact_date.isoformat() if m.fact_date else "",
        )
        for m in marks
    )
    expected = _expected(files, zone)
    assert sum(expected.values()) > 100
    assert found == expected
    # the same way as the mutations: their operation, the importing key, the fact's own date
    operations = Counter(m.operation for m in marks)
    assert operations["submitReferral"] == 40
    assert {"changeTier", "acceptAgreement", "recordRevenue", "recordPayout"} <= set(operations)
    assert operations["decideApplication"] == operations["applyToProgram"] == 6
    assert all(m.backfilled and m.actor_role == "admin" and m.partner_id for m in marks)
    assert len({m.occurred_at for m in marks}) == 1
    # a referral's marks name the row it came from and the referral
    submitted = next(m for m in marks if m.operation == "submitReferral")
    assert submitted.object_type == "Referral"
    assert str(submitted.changes["imported"][1]).startswith("referrals.csv:")
    await _import(sessionmaker, store, files)
    assert len(await _marks(sessionmaker)) == len(marks)
