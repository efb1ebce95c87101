"""History import (issue 11): revenue line corrections and voids (a superseding dated fact, the
old line kept, CS-REF-12/13) and tax documents (CS-REF-08) come in their own files, are checked
with coded row errors, and are read by the ledger (both databases)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Commission, ExternalId, RevenueLine, TaxDocument
from models.documents.blobs import BlobStore
from services.errors import ImportErrorCode as Code
from services.imports.history import ImportRefusedError
from tests.imports.test_history import _generated, _import

pytestmark = pytest.mark.anyio

HEADER = "externalId,revenueLine,action,effectiveOn,kind,amount,occurredOn,description\n"


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


async def _commission(sessionmaker: async_sessionmaker[AsyncSession], q: str) -> Any:
    async with sessionmaker() as session:
        return await session.scalar(
            select(Commission)
            .join(ExternalId, ExternalId.entity_id == Commission.qualified_agreement_id)
            .where(ExternalId.kind == "qualified_agreements", ExternalId.external_id == q)
        )


def _fees(files: dict[str, bytes], q: str, replace: dict[str, Decimal | None]) -> Decimal:
    """The qualified agreement's fees, with lines corrected (a new amount) or voided (None)."""
    total = Decimal(0)
    for line in _rows(files, "revenue_lines.csv"):
        if line["qualifiedAgreement"] == q:
            amount = replace.get(line["externalId"], Decimal(line["amount"]))
            total += amount or 0
    return total


async def test_corrections_and_voids_supersede_lines_and_the_ledger_reads_them(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    corrections = _rows(files, "revenue_corrections.csv")
    voided = {r["revenueLine"] for r in corrections if r["action"] == "void"}
    only = [r for r in corrections if r["action"] == "correct" and r["revenueLine"] not in voided]
    assert voided and only
    await _import(sessionmaker, store, files)
    for row in only:
        q = "Q" + row["revenueLine"][2:]
        fees = _fees(files, q, {row["revenueLine"]: Decimal(row["amount"])})
        assert (await _commission(sessionmaker, q)).amount == fees * Decimal("0.10")
    line = sorted(voided)[0]
    q = "Q" + line[2:]
    assert (await _commission(sessionmaker, q)).amount == _fees(files, q, {line: None}) / 10
    async with sessionmaker() as session:
        # the superseded lines stay on record: one line more per correction and void
        lines = await session.scalar(select(func.count()).select_from(RevenueLine))
        tax = list(await session.scalars(select(TaxDocument)))
    assert lines == len(_rows(files, "revenue_lines.csv")) + len(corrections)
    rates = sorted(Decimal(r["withholdingRate"]) for r in _rows(files, "tax_documents.csv"))
    assert sorted(Decimal(t.withholding_rate) for t in tax) == rates
    assert Decimal("0.1") in rates and len(rates) == 6


async def test_bad_correction_and_tax_rows_are_coded_and_later_corrections_chain(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    files = await _generated(sessionmaker)
    corrections = _rows(files, "revenue_corrections.csv")
    voided = next(r for r in corrections if r["action"] == "void")
    corrected = next(r for r in corrections if r["revenueLine"] != voided["revenueLine"])
    await _import(sessionmaker, store, files)
    day = corrected["effectiveOn"]
    other = next(
        r
        for r in _rows(files, "revenue_lines.csv")
        if r["externalId"] not in {c["revenueLine"] for c in corrections}
    )
    later = {
        **files,
        "revenue_corrections.csv": files["revenue_corrections.csv"]
        + (
            f"X1,{voided['revenueLine']},correct,{day},invoiced_fee,10.00,{day},after a void\n"
            f"X2,{corrected['revenueLine']},void,2000-01-01,,,,before the correction\n"
            f"X3,{other['externalId']},void,{day},invoiced_fee,,,a void with its own kind\n"
            f"X4,{other['externalId']},correct,{day},gift,10.00,{day},unknown kind\n"
            f"X5,{other['externalId']},refund,{day},,,,no such action\n"
        ).encode(),
        "tax_documents.csv": files["tax_documents.csv"] + b"T9,P0000001,2024-01-02,1.5,\n",
    }
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, later)
    found = {(e.file, e.column, e.code) for e in refused.value.report.errors}
    assert found == {
        ("revenue_corrections.csv", "revenueLine", Code.ALREADY_SUPERSEDED),
        ("revenue_corrections.csv", "effectiveOn", Code.OUT_OF_ORDER),
        ("revenue_corrections.csv", "kind", Code.INVALID),
        ("revenue_corrections.csv", "kind", Code.UNKNOWN_KIND),
        ("revenue_corrections.csv", "action", Code.INVALID),
        ("tax_documents.csv", "withholdingRate", Code.INVALID_AMOUNT),
    }
    # a correction in a later import supersedes the latest line of the stored chain
    amount = Decimal(corrected["amount"]) + 1
    again = {
        "revenue_corrections.csv": (
            HEADER + f"X6,{corrected['revenueLine']},correct,{day},invoiced_fee,{amount},"
            f"{corrected['occurredOn']},second correction\n"
        ).encode()
    }
    await _import(sessionmaker, store, again)
    q = "Q" + corrected["revenueLine"][2:]
    fees = _fees(files, q, {corrected["revenueLine"]: amount})
    assert (await _commission(sessionmaker, q)).amount == fees * Decimal("0.10")
    async with sessionmaker() as session:
        chain = await session.scalar(
            select(func.count())
            .select_from(RevenueLine)
            .join(ExternalId, ExternalId.entity_id == RevenueLine.supersedes_id)
            .where(ExternalId.external_id == corrected["externalId"])
        )
    assert chain == 1


async def test_payouts_follow_the_tax_documentation_on_file(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """CS-REF-08, as recordPayout reads it: a payout needs the partner's tax documentation on
    file on its day (the program requires it) and withholds at the rate of the latest one."""
    files = await _generated(sessionmaker)
    payouts = _rows(files, "payouts.csv")
    qualified = {r["externalId"]: r["referral"] for r in _rows(files, "qualified_agreements.csv")}
    referrals = {r["externalId"]: r["partner"] for r in _rows(files, "referrals.csv")}
    paid_by = {referrals[qualified[p["qualifiedAgreement"]]] for p in payouts}
    taxed = [r for r in _rows(files, "tax_documents.csv") if r["partner"] in paid_by]
    assert len(taxed) >= 2
    untaxed, other = taxed[0], taxed[1]
    kept = [
        line
        for line in files["tax_documents.csv"].decode().splitlines(keepends=True)
        if not line.startswith(untaxed["externalId"] + ",")
    ]
    # an older document of the second partner does not replace its later one; a newer one
    # before its payouts sets another rate
    newer = date.fromisoformat(other["receivedOn"]) + timedelta(days=1)
    files["tax_documents.csv"] = (
        "".join(kept).encode()
        + (f"T8,{other['partner']},2000-01-01,0.5,\nT9,{other['partner']},{newer},0.25,\n").encode()
    )
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = {(e.file, e.column, e.code) for e in refused.value.report.errors}
    assert found == {
        ("payouts.csv", "paidOn", Code.TAX_DOCUMENTATION_MISSING),
        ("payouts.csv", "withholdingRate", Code.AMOUNTS_DISAGREE),
    }
    rates = {e.message for e in refused.value.report.errors if e.column == "withholdingRate"}
    assert all("0.25" in m for m in rates)
