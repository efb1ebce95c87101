"""Use cases: a partner's tax documentation and withholding rate on file (CS-REF-08/14)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, Program, TaxDocument
from models.base import utcnow
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import FactDate, check_not_future, program_today
from services.referrals.access import require_admin

Code = ReferralErrorCode


async def record_tax_documentation(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    received_on: date,
    withholding_rate: Decimal | str,
    reference: str,
) -> TaxDocument:
    """Put the partner's tax documentation on file, with its withholding rate (CS-REF-08/14)."""
    require_admin(actor, "record tax documentation", "partnerId")
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise input_error("partnerId", Code.PARTNER_NOT_FOUND, "no partner has that id")
    # A partner's tax documents serve every program: the latest of the programs' todays.
    programs = await session.scalars(select(Program))
    today = max((program_today(p) for p in programs), default=utcnow().date())
    check_not_future(received_on, today, "receivedOn", Code)
    rate = checked_amount(withholding_rate, "withholdingRate", allow_zero=True)
    if rate > 1:
        raise input_error("withholdingRate", Code.INVALID_AMOUNT, "a rate is between 0 and 1")
    document = TaxDocument(
        id=uuid.uuid4(),
        partner_id=partner.id,
        received_on=received_on,
        withholding_rate=rate,
        reference=limited(reference, "reference", 100, Code.TOO_LONG),
    )
    session.add(document)
    await session.flush()
    await record(
        session,
        actor,
        "recordTaxDocumentation",
        "Partner",
        partner.id,
        {"withholding_rate": [None, str(rate)], "received_on": [None, received_on.isoformat()]},
        dated=FactDate(received_on, today),
    )
    return document


async def tax_document_on(
    session: AsyncSession, partner_id: uuid.UUID, on: date
) -> TaxDocument | None:
    """The latest tax documentation on file on a date."""
    return await session.scalar(
        select(TaxDocument)
        .where(TaxDocument.partner_id == partner_id, TaxDocument.received_on <= on)
        .order_by(TaxDocument.received_on.desc(), TaxDocument.created_at.desc())
        .limit(1)
    )
