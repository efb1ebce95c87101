"""History import (issue 11): agreement_notices.csv brings non-renewal, termination and breach
notices with their dispatch, method, receipt and cure, checked as the notice mutations check
them on the notice's own dates (SEG-AGR-07/08/09/13, CS-AGR-06); and the CS-REF-11 window of
the qualified agreements of an import reads the terminations of the same import (both DBs)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Agreement, AgreementNotice, Program
from models.documents.blobs import BlobStore
from services.errors import ImportErrorCode as Code
from services.imports.export import export_history
from services.imports.history import ImportRefusedError
from tests.imports.test_history import SLUG, _generated, _import

pytestmark = pytest.mark.anyio

MEMBERSHIP = "contentsquare-membership-agreement"
REFERRER = "contentsquare-referrer-schedule"
HEADER = (
    "externalId,partner,agreementKind,kind,reason,party,cause,dispatchedOn,method,receivedOn,"
    "curedOn\n"
)


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


async def test_bad_notice_rows_are_coded_and_nothing_is_written(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    joined = {r["partner"]: r["effectiveOn"] for r in _rows(files, "agreements.csv")}
    p0 = "P0000000"
    day = date.fromisoformat(joined[p0]) + timedelta(days=200)
    before = date.fromisoformat(joined[p0]) - timedelta(days=1)
    files["agreement_notices.csv"] += (
        f"B1,{p0},{REFERRER},termination,breach,operator,x,{day},,,\n"
        f"B2,{p0},{REFERRER},termination,immediate,operator,bankrupt,{day},,,\n"
        f"B3,{p0},{REFERRER},non_renewal,,operator,,{day},,,\n"
        f"B4,{p0},{MEMBERSHIP},termination,convenience,partner,,{before},,,\n"
        f"B5,{p0},nda,termination,convenience,partner,,{day},,,\n"
        f"B6,P0000002,{MEMBERSHIP},breach,breach,operator,late,{day},,,{day + timedelta(days=30)}\n"
        f"B7,P0000002,{REFERRER},termination,convenience,partner,,{day},,,{day}\n"
        f"B8,P0000002,{REFERRER},termination,convenience,partner,,{day},courier,,\n"
    ).encode()
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = {(e.line, e.column, e.code) for e in refused.value.report.errors}
    assert [e for e in refused.value.report.errors if e.file != "agreement_notices.csv"] == []
    offset = len(_rows(files, "agreement_notices.csv")) - 8 + 1
    assert found == {
        (offset + 1, "reason", Code.INVALID),
        (offset + 2, "cause", Code.INVALID),
        (offset + 3, "kind", Code.INVALID),  # Contentsquare's agreements do not renew
        (offset + 4, "dispatchedOn", Code.NOT_IN_EFFECT),
        (offset + 5, "agreementKind", Code.UNKNOWN_KIND),
        (offset + 6, "curedOn", Code.OUT_OF_ORDER),  # after the 10-day cure period
        (offset + 7, "curedOn", Code.INVALID),
        (offset + 8, "method", Code.INVALID),
    }
    async with sessionmaker() as session:
        assert await session.scalar(select(AgreementNotice.id)) is None


async def test_a_second_notice_while_one_is_open_is_refused(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    await _import(sessionmaker, store, files)
    day = date.fromisoformat(_rows(files, "agreements.csv")[0]["effectiveOn"]) + timedelta(400)
    p0 = "P0000000"
    again = {
        "agreement_notices.csv": (
            HEADER + f"O1,{p0},{MEMBERSHIP},termination,convenience,partner,,{day},,,\n"
            f"O2,{p0},{MEMBERSHIP},breach,breach,operator,late fees,{day + timedelta(1)},,,\n"
        ).encode()
    }
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, again)
    found = {(e.line, e.column, e.code) for e in refused.value.report.errors}
    assert found == {(3, "dispatchedOn", Code.NOTICE_ALREADY_GIVEN)}
    # alone, the first is recorded on the stored agreement, whose version moves on
    versions = await _versions(sessionmaker)
    first = again["agreement_notices.csv"].decode().splitlines(keepends=True)[:2]
    report = await _import(sessionmaker, store, {"agreement_notices.csv": "".join(first).encode()})
    assert [f.created for f in report.files] == [1]
    after = await _versions(sessionmaker)
    assert sum(after.values()) == sum(versions.values()) + 1
    async with sessionmaker() as session:
        notice = await session.scalar(select(AgreementNotice).where(AgreementNotice.sent_on == day))
    assert notice is not None and (notice.sent_on, notice.given_on) == (day, day)


async def _versions(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[object, int]:
    async with sessionmaker() as session:
        return {a.id: a.version for a in await session.scalars(select(Agreement))}


def _one_signing(files: dict[str, bytes], party: str) -> tuple[dict[str, bytes], date]:
    """The generated history with one qualified agreement (no money), and the referring
    partner's membership agreement ended at once (insolvency) by `party` on its signing day,
    in the same import files."""
    lines = files["qualified_agreements.csv"].decode().splitlines(keepends=True)
    row = next(csv.DictReader(io.StringIO(lines[0] + lines[1])))
    signed = date.fromisoformat(row["signedOn"])
    referral = next(r for r in _rows(files, "referrals.csv") if r["externalId"] == row["referral"])
    money = ("revenue_lines.csv", "revenue_corrections.csv", "client_payments.csv", "payouts.csv")
    out = {k: v for k, v in files.items() if k not in money}
    out["qualified_agreements.csv"] = (lines[0] + lines[1]).encode()
    # the partner's referrals after its membership ended are not eligible: left out
    kept = files["referrals.csv"].decode().splitlines(keepends=True)
    late = {
        r["externalId"]
        for r in _rows(files, "referrals.csv")
        if r["partner"] == referral["partner"] and r["submittedOn"] >= signed.isoformat()
    }
    out["referrals.csv"] = "".join(k for k in kept if k.split(",")[0] not in late).encode()
    out["agreement_notices.csv"] = (
        HEADER + f"T1,{referral['partner']},{MEMBERSHIP},termination,immediate,{party},"
        f"insolvency,{signed},,,\n"
    ).encode()
    return out, signed


async def test_the_cs_ref_11_tail_reads_terminations_of_the_same_import(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """CS-REF-11 (issue 11 lane 3): a client agreement signed the day the membership agreement
    ended for the partner's insolvency, both in one import: the operator's termination for
    cause leaves no tail (refused); the partner's own termination has the 6-month tail."""
    files = await _generated(sessionmaker)
    operator, signed = _one_signing(files, "operator")
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, operator)
    (error,) = refused.value.report.errors
    assert (error.file, error.line, error.column, error.code) == (
        "qualified_agreements.csv",
        2,
        "signedOn",
        Code.OUTSIDE_QUALIFICATION_WINDOW,
    )
    assert (signed - timedelta(days=1)).isoformat() in error.message
    partner, _ = _one_signing(files, "partner")
    report = await _import(sessionmaker, store, partner)
    created = {f.file: f.created for f in report.files}
    assert created["qualified_agreements.csv"] == 1 and created["agreement_notices.csv"] == 1
    async with sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        notice = await session.scalar(
            select(AgreementNotice).where(AgreementNotice.party == "partner")
        )
        exported = await export_history(session, store, program)
    assert notice is not None and (notice.given_on, notice.reason) == (signed, "immediate")
    assert exported["agreement_notices.csv"] == partner["agreement_notices.csv"]


async def test_referrals_after_a_termination_of_the_same_import_are_not_eligible(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """As agreement_in_force for submitReferral (issue 12): the membership agreement ended at
    once by the partner's notice in the same import ends the referrer schedule it supplements,
    so the partner's later referrals are NOT_ELIGIBLE; the earlier ones are imported."""
    files = await _generated(sessionmaker)
    kept = ("partners.csv", "memberships.csv", "agreements.csv", "referrals.csv")
    only = {k: v for k, v in files.items() if k in kept or not k.endswith(".csv")}
    referrals = [r for r in _rows(files, "referrals.csv") if r["partner"] == "P0000000"]
    days = sorted(date.fromisoformat(r["submittedOn"]) for r in referrals)
    end = days[len(days) // 2] + timedelta(days=1)
    while end in days:
        end += timedelta(days=1)
    only["agreement_notices.csv"] = (
        HEADER + f"T1,P0000000,{MEMBERSHIP},termination,immediate,partner,insolvency,{end},,,\n"
    ).encode()
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, only)
    found = {(e.file, e.column, e.code) for e in refused.value.report.errors}
    assert found == {("referrals.csv", "submittedOn", Code.NOT_ELIGIBLE)}
    lines = files["referrals.csv"].decode().splitlines()
    late = {r["externalId"] for r in referrals if date.fromisoformat(r["submittedOn"]) > end}
    assert late
    assert {lines[e.line - 1].split(",")[0] for e in refused.value.report.errors} == late
