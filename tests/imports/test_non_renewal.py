"""History import (issue 11, SEG-AGR-07/13): non-renewal notices in agreement_notices.csv, on a
program whose agreement renews (Segment: 12-month terms, 30 days' notice, notices by certified
mail given on receipt): given by the term's deadline, once; received after it, too late (both
databases)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AgreementNotice, Partner, Program, TemplateVersion
from models.documents.blobs import BlobStore
from services.actor import SYSTEM
from services.errors import ImportErrorCode as Code
from services.imports.history import ImportRefusedError, ImportReport, import_history
from services.partners.memberships import program_today

pytestmark = pytest.mark.anyio
SLUG = "segment-technology"
KIND = "segment-program-agreement"
NOTICES = (
    "externalId,partner,agreementKind,kind,reason,party,cause,dispatchedOn,method,receivedOn,"
    "curedOn\n"
)


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore, files: dict[str, str]
) -> ImportReport:
    async with sessionmaker.begin() as session:
        return await import_history(
            session,
            SYSTEM,
            store,
            program_slug=SLUG,
            files={k: v.encode() for k, v in files.items()},
            attachments=lambda _name: None,
        )


async def _history(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[dict[str, str], date]:
    """Two partners whose agreement took effect 400 days ago (in its second term)."""
    async with sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert program is not None
        version = await session.scalar(
            select(func.max(TemplateVersion.version)).where(TemplateVersion.kind == KIND)
        )
        today = program_today(program)
    effective = today - timedelta(days=400)
    partners = "externalId,legalName,displayName,country,noticeAddress,websiteDomain,capacities\n"
    memberships = "externalId,partner,status,joinedOn,tier,effectiveOn,reason\n"
    agreements = (
        "externalId,partner,kind,appliedOn,effectiveOn,acceptedAt,signerName,signerTitle,"
        "signerEmail,templateVersion,documentFile\n"
    )
    for p in ("S1", "S2"):
        partners += f"{p},{p} Inc,{p},US,1 Main St,{p.lower()}.example,technology\n"
        memberships += f"M{p},{p},active,{effective},registered,{effective},imported\n"
        agreements += (
            f"A{p},{p},{KIND},,{effective},{effective}T09:00:00Z,Ann Lee,CEO,"
            f"ceo@{p.lower()}.example,{version},\n"
        )
    files = {"partners.csv": partners, "memberships.csv": memberships, "agreements.csv": agreements}
    return files, effective


async def test_non_renewal_notices_by_the_deadline_once_and_too_late_after(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files, effective = await _history(sessionmaker)
    second_term_end = effective.replace(year=effective.year + 2) - timedelta(days=1)
    deadline = second_term_end - timedelta(days=30)
    first_term_late = effective.replace(year=effective.year + 1) - timedelta(days=10)
    on_time = effective.replace(year=effective.year + 1) + timedelta(days=5)
    refused_files = {
        **files,
        "agreement_notices.csv": NOTICES
        # sent in time for the first term but received after its deadline: too late
        + f"N1,S1,{KIND},non_renewal,,operator,,{first_term_late},certified_mail,"
        f"{first_term_late + timedelta(days=2)},\n"
        + f"N2,S2,{KIND},non_renewal,,partner,,{on_time},certified_mail,{on_time},\n"
        + f"N3,S2,{KIND},non_renewal,,operator,,{on_time + timedelta(days=1)},,,\n",
    }
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, refused_files)
    found = {(e.line, e.column, e.code) for e in refused.value.report.errors}
    assert found == {
        (2, "dispatchedOn", Code.NOTICE_TOO_LATE),
        (4, "kind", Code.NOTICE_ALREADY_GIVEN),
    }
    ok = {
        **files,
        "agreement_notices.csv": NOTICES
        + refused_files["agreement_notices.csv"].splitlines(keepends=True)[2],
    }
    report = await _import(sessionmaker, store, ok)
    assert {f.file: f.created for f in report.files}["agreement_notices.csv"] == 1
    async with sessionmaker() as session:
        notice = await session.scalar(select(AgreementNotice))
    assert notice is not None
    assert (notice.kind, notice.party, notice.method, notice.given_on) == (
        "non_renewal",
        "partner",
        "certified_mail",
        on_time,
    )
    assert on_time <= deadline


async def test_a_template_version_that_cannot_render_is_a_bad_row(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """An acceptance to generate from a template version whose variables the acceptance cannot
    fill (the first shipped version) is reported as a bad row (RENDER_FAILED), nothing written."""
    files, _ = await _history(sessionmaker)
    async with sessionmaker() as session:
        first = await session.scalar(
            select(func.min(TemplateVersion.version)).where(TemplateVersion.kind == KIND)
        )
        latest = await session.scalar(
            select(func.max(TemplateVersion.version)).where(TemplateVersion.kind == KIND)
        )
    assert first is not None and latest is not None and first < latest
    lines = files["agreements.csv"].splitlines(keepends=True)
    lines[2] = lines[2].replace(f",{latest},", f",{first},")
    files["agreements.csv"] = "".join(lines)
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    (error,) = refused.value.report.errors
    assert (error.file, error.line, error.column, error.code) == (
        "agreements.csv",
        3,
        "templateVersion",
        Code.RENDER_FAILED,
    )
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AgreementNotice)) == 0
        assert await session.scalar(select(func.count()).select_from(Partner)) == 0
