"""History import (issue 11): round trip of a generated history, idempotence, bad rows refused
whole with a report and nothing written, bare CR line endings, dry runs (both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models
from benchmarks.history import history
from models import (
    Agreement,
    AgreementNotice,
    Commission,
    ExternalId,
    Payout,
    Program,
    Referral,
    RevenueLine,
)
from models.documents.blobs import BlobStore
from services.actor import SYSTEM
from services.commissions.ledger import recompute
from services.errors import ImportErrorCode as Code
from services.imports.export import export_history
from services.imports.history import ImportRefusedError, ImportReport, import_history
from services.partners.memberships import program_today

pytestmark = pytest.mark.anyio
SLUG = "contentsquare"


async def _today(sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    async with sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        return program_today(program)


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession],
    store: BlobStore,
    files: dict[str, bytes],
    dry_run: bool = False,
) -> ImportReport:
    csvs = {name: data for name, data in files.items() if name.endswith(".csv")}
    async with sessionmaker.begin() as session:
        return await import_history(
            session,
            SYSTEM,
            store,
            program_slug=SLUG,
            files=csvs,
            attachments=files.get,
            dry_run=dry_run,
        )


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as session:
        return {
            t.name: int((await session.execute(select(func.count()).select_from(t))).scalar_one())
            for t in models.Base.metadata.sorted_tables
            if t.name not in ("programs", "tiers", "benefits", "requirements", "template_versions")
        }


async def _ledger(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[Any, Any]:
    async with sessionmaker() as session:
        return {
            c.qualified_agreement_id: (
                c.year,
                c.amount,
                c.ncr,
                c.lines,
                c.payable_on,
                c.due_on,
                c.paid_on,
            )
            for c in await session.scalars(select(Commission))
        }


async def _corrected(sessionmaker: async_sessionmaker[AsyncSession]) -> set[Any]:
    async with sessionmaker() as session:
        found = await session.scalars(
            select(RevenueLine.qualified_agreement_id).where(RevenueLine.supersedes_id.is_not(None))
        )
        return set(found)


async def _generated(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, bytes]:
    today = await _today(sessionmaker)
    return history(partners=6, referrals=40, seed=3, until=today - timedelta(days=30), generated=1)


async def test_generated_history_round_trips_and_imports_once(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    report = await _import(sessionmaker, store, files)
    created = {f.file: f.created for f in report.files}
    assert created["partners.csv"] == 6 and created["referrals.csv"] == 40
    assert created["payouts.csv"] > 0 and created["revenue_lines.csv"] > 0
    async with sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        exported = await export_history(session, store, program)
        paid = await session.scalar(select(func.count()).select_from(Payout))
        commissions = list(await session.scalars(select(Commission)))
    assert exported == files
    # the ledger is derived from the imported facts: 10% of the fees, paid as imported
    assert paid == created["payouts.csv"]
    assert len(commissions) == created["qualified_agreements.csv"]
    assert created["revenue_corrections.csv"] > 0 and created["tax_documents.csv"] == 6
    corrected = await _corrected(sessionmaker)
    assert 0 < len(corrected) < len(commissions)
    assert all(
        c.amount > 0 and c.payable_on is not None
        for c in commissions
        if c.qualified_agreement_id not in corrected
    )
    # the batched recomputation leaves what the one-partner entry point computes
    snapshot = await _ledger(sessionmaker)
    async with sessionmaker.begin() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        for partner in {c.partner_id for c in commissions}:
            await recompute(session, program, partner)
    assert await _ledger(sessionmaker) == snapshot
    before = await _counts(sessionmaker)
    again = await _import(sessionmaker, store, files)
    assert all(f.created == 0 and f.unchanged == f.rows for f in again.files)
    assert await _counts(sessionmaker) == before


async def test_bad_rows_refuse_the_whole_import_with_a_report(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    today = await _today(sessionmaker)
    lines = files["referrals.csv"].decode().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    second = lines[2].split(",")
    second[header.index("submittedOn")] = (today + timedelta(days=3)).isoformat()
    third = lines[3].split(",")
    third[header.index("partner")] = "NOBODY"
    lines[2], lines[3] = ",".join(second), ",".join(third)
    files["referrals.csv"] = "".join(lines).encode()
    revenue = files["revenue_lines.csv"].decode().splitlines(keepends=True)
    revenue[1] = revenue[1].replace("invoiced_fee", "gift")
    files["revenue_lines.csv"] = "".join(revenue).encode()
    partners = files["partners.csv"].decode().splitlines(keepends=True)
    partners[2] = partners[2].replace(",referrer", ",Referrer;distributor")  # CS-AGR-02 data
    files["partners.csv"] = "".join(partners).encode()
    before = await _counts(sessionmaker)
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = {(e.file, e.line, e.column, e.code) for e in refused.value.report.errors}
    assert ("referrals.csv", 3, "submittedOn", Code.AFTER_TODAY) in found
    assert ("referrals.csv", 4, "partner", Code.UNKNOWN_REFERENCE) in found
    assert ("revenue_lines.csv", 2, "kind", Code.UNKNOWN_KIND) in found
    assert ("partners.csv", 3, "capacities", Code.UNKNOWN_CAPACITY) in found
    assert refused.value.errors[0].code is Code.ROWS_REFUSED
    assert await _counts(sessionmaker) == before


async def test_out_of_order_dates_and_bare_cr_are_coded(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    lines = files["referrals.csv"].decode().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("approvedOn")] = "2000-01-01"
    lines[1] = ",".join(row)
    files["referrals.csv"] = "\n".join(lines).encode()
    files["evidence.csv"] = files["evidence.csv"].replace(b"\n", b"\r")
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = {(e.file, e.line, e.column, e.code) for e in refused.value.report.errors}
    assert ("referrals.csv", 2, "approvedOn", Code.OUT_OF_ORDER) in found
    assert ("evidence.csv", 1, "", Code.BARE_CR) in found
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Referral)) == 0


async def test_dry_run_writes_nothing_and_a_changed_row_is_refused(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    before = await _counts(sessionmaker)
    report = await _import(sessionmaker, store, files, dry_run=True)
    assert {f.file: f.created for f in report.files}["referrals.csv"] == 40
    assert await _counts(sessionmaker) == before
    await _import(sessionmaker, store, files)
    files["partners.csv"] = files["partners.csv"].replace(b"Partner 2 SAS", b"Partner Two SAS")
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    (error,) = refused.value.report.errors
    assert (error.file, error.line, error.column, error.code) == (
        "partners.csv",
        4,
        "legalName",
        Code.CHANGED,
    )


async def test_payout_against_the_ledger(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    lines = files["payouts.csv"].decode().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    for column in ("gross", "net"):
        row[header.index(column)] = "1.00"
    lines[1] = ",".join(row) + "\n"
    files["payouts.csv"] = "".join(lines).encode()
    before = await _counts(sessionmaker)
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = {(e.file, e.line, e.column, e.code) for e in refused.value.report.errors}
    assert found == {("payouts.csv", 2, "gross", Code.AMOUNTS_DISAGREE)}
    assert await _counts(sessionmaker) == before
    async with sessionmaker() as session:
        assert (await session.execute(text("SELECT count(*) FROM external_ids"))).scalar() == 0


async def _terminate_membership(
    sessionmaker: async_sessionmaker[AsyncSession], referral_external_id: str, on: Any, by: str
) -> None:
    """The referring partner's membership agreement ends at once on `on` (insolvency), given
    by `by` ("operator" or "partner"), as recorded before the qualified agreement is imported."""
    async with sessionmaker.begin() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        referral_id = await session.scalar(
            select(ExternalId.entity_id).where(
                ExternalId.program_id == program.id,
                ExternalId.kind == "referrals",
                ExternalId.external_id == referral_external_id,
            )
        )
        referral = await session.get(Referral, referral_id)
        assert referral is not None
        membership = await session.scalar(
            select(Agreement).where(
                Agreement.partner_id == referral.partner_id,
                Agreement.kind == "contentsquare-membership-agreement",
            )
        )
        assert membership is not None
        # The only notice on record: a second call stands for the other party's case.
        membership.notices[:] = [
            AgreementNotice(
                kind="termination",
                reason="immediate",
                cause="insolvency",
                party=by,
                sent_on=on,
                given_on=on,
            )
        ]


async def test_import_qualification_window_has_the_cs_ref_11_tail(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """CS-REF-11 in the history import, as in recordQualifiedAgreement (rules/qualification.py):
    a client agreement signed the day the membership agreement ended for the partner's
    insolvency (operator's termination for cause: no tail) is refused; the same signing after
    the partner's own termination (the 6-month tail) is imported."""
    files = await _generated(sessionmaker)
    later = (
        "qualified_agreements.csv",
        "revenue_lines.csv",
        "revenue_corrections.csv",
        "client_payments.csv",
        "payouts.csv",
    )
    first = {k: v for k, v in files.items() if k not in later}
    await _import(sessionmaker, store, first)
    lines = files["qualified_agreements.csv"].decode().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    signed = date.fromisoformat(row[header.index("signedOn")])
    await _terminate_membership(sessionmaker, row[header.index("referral")], signed, "operator")
    one = {**first, "qualified_agreements.csv": (lines[0] + lines[1]).encode()}
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, one)
    found = {(e.file, e.line, e.column, e.code) for e in refused.value.report.errors}
    assert found == {("qualified_agreements.csv", 2, "signedOn", Code.OUTSIDE_QUALIFICATION_WINDOW)}
    last_day = (signed - timedelta(days=1)).isoformat()
    assert any(last_day in e.message for e in refused.value.report.errors)
    await _terminate_membership(sessionmaker, row[header.index("referral")], signed, "partner")
    report = await _import(sessionmaker, store, one)
    assert {f.file: f.created for f in report.files}["qualified_agreements.csv"] == 1
