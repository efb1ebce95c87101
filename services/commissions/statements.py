"""Use case: the yearly commission statement of a partner, as a DOCX document."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, Document, Partner, Program, QualifiedAgreement, Referral
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.money import percent
from services.actor import Actor
from services.audit.log import record
from services.commissions.ledger import commission_status
from services.documents import templates
from services.documents.context import country_name, long_date, money_text, stamp
from services.documents.rendering import render_document, safe_filename
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.scope import partner_and_program

Code = ReferralErrorCode


async def statement_context(
    session: AsyncSession, partner: Partner, program: Program, year: int, today: date
) -> dict[str, Any]:
    """The `statement` variables: a row per explained slice, and totals."""
    rows = list(
        (
            await session.execute(
                select(Commission, QualifiedAgreement, Referral)
                .join(
                    QualifiedAgreement, QualifiedAgreement.id == Commission.qualified_agreement_id
                )
                .join(Referral, Referral.id == QualifiedAgreement.referral_id)
                .where(
                    Commission.partner_id == partner.id,
                    Commission.program_id == program.id,
                    Commission.year == year,
                )
                .order_by(QualifiedAgreement.signed_on, Commission.id)
            )
        ).all()
    )
    currency = program.currency
    table, notes = [], []
    totals = {
        "ncr": Decimal(0),
        "commission": Decimal(0),
        "paid": Decimal(0),
        "payable": Decimal(0),
    }
    for commission, qualified, referral in rows:
        status = commission_status(commission, today)
        totals["ncr"] += Decimal(commission.ncr)
        totals["commission"] += Decimal(commission.amount)
        if status in ("paid", "payable"):
            totals[status] += Decimal(commission.amount)
        for line in commission.lines or []:
            table.append(
                {
                    "client": referral.client_name,
                    "signed": long_date(qualified.signed_on),
                    "slice": f"{Decimal(line['slice_from']):,.2f} to "
                    f"{Decimal(line['slice_to']):,.2f}",
                    "rate": percent(Decimal(line["rate"])),
                    "amount": money_text(Decimal(line["amount"]), commission.currency),
                    "rule": f"{line['rule_id']} ({line['schedule_version']})",
                    "status": status,
                }
            )
            if not Decimal(line["base"]):
                notes.append(f"{referral.client_name}: {line['reason']}")
        if not commission.lines:
            notes.append(f"{referral.client_name}: no commissionable revenue recorded yet")
    return {
        "year": year,
        "currency": currency,
        "rows": table,
        "notes": notes,
        "total_ncr": money_text(totals["ncr"], currency),
        "total_commission": money_text(totals["commission"], currency),
        "total_paid": money_text(totals["paid"], currency),
        "total_payable": money_text(totals["payable"], currency),
    }


async def generate_commission_statement(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    year: int,
) -> Document:
    """Render the statement of a partner's commissions in one calendar year."""
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    today = program_today(program)
    if not 2000 <= year <= today.year:
        raise input_error("year", Code.INVALID_DATE, f"year must be between 2000 and {today.year}")
    template = await templates.current_for(session, program.slug, "commission-statement")
    if template is None:
        raise input_error("programId", Code.RENDER_FAILED, "no commission statement template")
    now = utcnow()
    context = {
        "partner": {
            "legal_name": partner.legal_name,
            "display_name": partner.display_name,
            "country": country_name(partner.country),
        },
        "program": {"name": program.name, "slug": program.slug},
        "statement": await statement_context(session, partner, program, year, today),
        "template": {"id": template.template_id, "version": template.version},
        "document": {"generated_at": stamp(now)},
    }
    document = await render_document(
        session,
        store,
        template=template,
        context=context,
        partner_id=partner.id,
        agreement_id=None,
        event="generateCommissionStatement",
        error_code=Code.RENDER_FAILED,
        filename=safe_filename(
            "commission-statement", program.slug, partner.display_name, str(year)
        ),
    )
    audit = await record(
        session,
        actor,
        "generateCommissionStatement",
        "Partner",
        partner.id,
        {"year": [None, year], "document_sha256": [None, document.sha256]},
    )
    document.audit_event_id = audit.id
    return document
