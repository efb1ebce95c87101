"""History import (issue 11, "a paid commission never changes"; CS-REF-07/14): an imported
payout settles and checks the adjustments carried to it as `recordPayout` does on its date
(both databases)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Commission, ExternalId, Payout, PayoutAdjustment, Program
from models.documents.blobs import BlobStore
from services.errors import ImportErrorCode as Code
from services.imports.export import export_history
from services.imports.history import ImportRefusedError
from tests.imports.test_history import _counts, _generated, _import

pytestmark = pytest.mark.anyio
EXTRA = Decimal("1000.00")


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _late_revenue(files: dict[str, bytes], carry: bool) -> tuple[dict[str, bytes], int, str]:
    """The generated history with a revenue line (paid by the client) on a paid commission,
    dated after its payout and before the same partner's next payout; that payout carries the
    adjustment when `carry`. Returns the files, the next payout's line and its externalId."""
    qualified = {q["externalId"]: q["referral"] for q in _rows(files, "qualified_agreements.csv")}
    partner = {r["externalId"]: r["partner"] for r in _rows(files, "referrals.csv")}
    payouts = _rows(files, "payouts.csv")
    paid = sorted(payouts, key=lambda p: p["paidOn"])
    first, nxt = next(
        (a, b)
        for a in paid
        for b in paid
        if partner[qualified[a["qualifiedAgreement"]]]
        == partner[qualified[b["qualifiedAgreement"]]]
        and date.fromisoformat(b["paidOn"]) > date.fromisoformat(a["paidOn"]) + timedelta(days=1)
    )
    day = (date.fromisoformat(first["paidOn"]) + timedelta(days=1)).isoformat()
    q = first["qualifiedAgreement"]
    if carry:
        rate = Decimal(nxt["withholdingRate"])
        carried = EXTRA / 10
        due = Decimal(nxt["gross"]) + carried
        withholding = (due * rate).quantize(Decimal("0.01"))
        nxt.update(
            adjustments=f"{carried:.2f}",
            withholding=f"{withholding:.2f}",
            net=f"{due - withholding:.2f}",
        )
    late = {
        **files,
        "revenue_lines.csv": files["revenue_lines.csv"]
        + f"LATE1,{q},invoiced_fee,{EXTRA},{day},extra seats\n".encode(),
        "client_payments.csv": files["client_payments.csv"]
        + f"CLATE1,{q},{day},{EXTRA},WIRE-LATE\n".encode(),
        "payouts.csv": _csv(payouts),
    }
    return late, payouts.index(nxt) + 2, nxt["externalId"]


async def _of(session: AsyncSession, kind: str, external_id: str) -> Any:
    return await session.scalar(
        select(ExternalId.entity_id).where(
            ExternalId.kind == kind, ExternalId.external_id == external_id
        )
    )


async def test_an_imported_payout_settles_the_adjustment_carried_to_it(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """Issue 11: revenue after a paid commission becomes an adjustment line, settled by the
    partner's next imported payout exactly as recordPayout would on that day (CS-REF-07)."""
    files, _line, payout_id = _late_revenue(await _generated(sessionmaker), carry=True)
    await _import(sessionmaker, store, files)
    async with sessionmaker() as session:
        payout = await session.get(Payout, await _of(session, "payouts", payout_id))
        assert payout is not None
        parts = list(await session.scalars(select(PayoutAdjustment)))
        adjusted = await session.get(Commission, parts[0].commission_id) if parts else None
        program = await session.scalar(select(Program).where(Program.slug == "contentsquare"))
        assert program is not None
        exported = await export_history(session, store, program)
    assert payout.adjustments == EXTRA / 10
    assert [(p.payout_id, p.amount) for p in parts] == [(payout.id, EXTRA / 10)]
    # the paid commission did not change: the adjustment is its own line
    assert adjusted is not None and adjusted.id != payout.commission_id
    assert adjusted.paid_on is not None
    assert exported == files
    # once settled, nothing is carried again: a second import is a no-op
    before = await _counts(sessionmaker)
    await _import(sessionmaker, store, files)
    assert await _counts(sessionmaker) == before


async def test_an_imported_payout_ignoring_the_adjustment_is_refused(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """Issue 11: the next payout's row declares no adjustment where the ledger carries one:
    refused with its file, line, column and code, nothing written."""
    files, line, _id = _late_revenue(await _generated(sessionmaker), carry=False)
    before = await _counts(sessionmaker)
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    found = [(e.file, e.line, e.column, e.code) for e in refused.value.report.errors]
    assert found == [("payouts.csv", line, "adjustments", Code.AMOUNTS_DISAGREE)]
    assert f"were {EXTRA / 10}" in refused.value.report.errors[0].message
    assert await _counts(sessionmaker) == before
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ExternalId)) == 0


async def test_payouts_without_the_adjustments_column_read_as_none_carried(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """Issue 11: `adjustments` may be left out of payouts.csv (a file written before the
    column); it reads as 0, so importing such files again is still a no-op."""
    files = await _generated(sessionmaker)
    await _import(sessionmaker, store, files)
    rows = _rows(files, "payouts.csv")
    for row in rows:
        assert row.pop("adjustments") == "0.00"
    before = await _counts(sessionmaker)
    report = await _import(sessionmaker, store, {**files, "payouts.csv": _csv(rows)})
    assert await _counts(sessionmaker) == before
    (payouts,) = [f for f in report.files if f.file == "payouts.csv"]
    assert (payouts.created, payouts.unchanged) == (0, len(rows))


async def test_a_set_off_larger_than_what_is_due_is_refused(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore
) -> None:
    """As recordPayout refuses it (SET_OFF_TOO_LARGE): a payout row whose set-off exceeds
    gross + adjustments - withholding, its net negative but consistent, is a bad row."""
    files = await _generated(sessionmaker)
    rows = _rows(files, "payouts.csv")
    row = rows[0]
    due = Decimal(row["gross"]) + Decimal(row["adjustments"] or "0")
    offset = due - Decimal(row["withholding"]) + Decimal("0.01")
    row.update(setOff=f"{offset:.2f}", setOffReason="unpaid invoice", net="-0.01")
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, {**files, "payouts.csv": _csv(rows)})
    found = [(e.file, e.line, e.column, e.code) for e in refused.value.report.errors]
    assert found == [("payouts.csv", 2, "setOff", Code.SET_OFF_TOO_LARGE)]
