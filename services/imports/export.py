"""Export: the imported records of a program as import files (the same columns and spelling),
so an export of an import gives back its files, attachments included.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Acceptance,
    Agreement,
    ClientPayment,
    Commission,
    Document,
    Evidence,
    ExternalId,
    Membership,
    Partner,
    Payout,
    Program,
    QualifiedAgreement,
    Referral,
    RevenueLine,
    Tier,
    TierChange,
)
from models.documents.blobs import BlobStore
from services.imports.columns import FILES, filename
from services.imports.reading import render_file

ATTACHED = "importAttached"
"""The event of an acceptance document attached by an import (the original file)."""

Rows = dict[str, dict[str, Any]]
Names = dict[str, dict[uuid.UUID, str]]


def _imported(entity_id: Any, program: Program, kind: str) -> tuple[Any, Any]:
    """The join of a kind's table with its imported external ids."""
    return ExternalId, and_(
        ExternalId.entity_id == entity_id,
        ExternalId.program_id == program.id,
        ExternalId.kind == kind,
    )


async def _ids(session: AsyncSession, program: Program, kind: str) -> dict[uuid.UUID, str]:
    rows = await session.execute(
        select(ExternalId.entity_id, ExternalId.external_id).where(
            ExternalId.program_id == program.id, ExternalId.kind == kind
        )
    )
    return {entity: external for entity, external in rows}


async def _partners(session: AsyncSession, program: Program, names: Names) -> Rows:
    out: Rows = {}
    ids = names["partners"]
    for p in await session.scalars(
        select(Partner).join(*_imported(Partner.id, program, "partners"))
    ):
        out[ids[p.id]] = {
            "externalId": ids[p.id],
            "legalName": p.legal_name,
            "displayName": p.display_name,
            "country": p.country,
            "noticeAddress": p.notice_address,
            "websiteDomain": p.website_domain,
            "capacities": tuple(p.capacities),
        }
    return out


async def _memberships(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids = names["memberships"]
    tiers = {t.id: t.key for t in await session.scalars(select(Tier))}
    out: Rows = {}
    rows = await session.execute(
        select(TierChange, Membership)
        .join(Membership, Membership.id == TierChange.membership_id)
        .join(*_imported(TierChange.id, program, "memberships"))
    )
    for change, membership in rows:
        out[ids[change.id]] = {
            "externalId": ids[change.id],
            "partner": names["partners"].get(membership.partner_id, ""),
            "status": membership.status.value,
            "joinedOn": membership.joined_on,
            "tier": tiers[change.to_tier_id],
            "effectiveOn": change.effective_on,
            "reason": change.reason,
        }
    return out


async def _agreements(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids = names["agreements"]
    out: Rows = {}
    rows = await session.execute(
        select(Acceptance, Agreement, Document)
        .join(Agreement, Agreement.id == Acceptance.agreement_id)
        .outerjoin(Document, Document.id == Acceptance.document_id)
        .join(*_imported(Acceptance.id, program, "agreements"))
    )
    for acceptance, agreement, document in rows:
        attached = document is not None and document.event == ATTACHED
        out[ids[acceptance.id]] = {
            "externalId": ids[acceptance.id],
            "partner": names["partners"].get(agreement.partner_id, ""),
            "kind": agreement.kind,
            "appliedOn": agreement.applied_on,
            "effectiveOn": agreement.effective_on,
            "acceptedAt": acceptance.accepted_at,
            "signerName": acceptance.signer_name,
            "signerTitle": acceptance.signer_title,
            "signerEmail": acceptance.signer_email,
            "templateVersion": acceptance.template_version,
            "documentFile": document.filename if attached else None,
            "_sha256": document.sha256 if attached else None,
        }
    return out


async def _referrals(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids = names["referrals"]
    out: Rows = {}
    for r in await session.scalars(
        select(Referral).join(*_imported(Referral.id, program, "referrals"))
    ):
        out[ids[r.id]] = {
            "externalId": ids[r.id],
            "partner": names["partners"].get(r.partner_id, ""),
            "clientName": r.client_name,
            "clientWebsite": r.client_website,
            "contactName": r.contact_name,
            "contactRole": r.contact_role,
            "contactEmail": r.contact_email,
            "contactPhone": r.contact_phone,
            "description": r.description,
            "opportunityKind": r.opportunity_kind,
            "submittedOn": r.submitted_on,
            "approvedOn": r.approved_on,
            "rejectedOn": r.rejected_on,
            "decisionReason": r.decision_reason,
            "meetingOn": r.meeting_on,
            "notViableOn": r.not_viable_on,
            "notViableReason": r.not_viable_reason,
            "closedOn": r.closed_on,
            "closeReason": r.close_reason,
        }
    return out


async def _qualified(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids = names["qualified_agreements"]
    out: Rows = {}
    for q in await session.scalars(
        select(QualifiedAgreement).join(
            *_imported(QualifiedAgreement.id, program, "qualified_agreements")
        )
    ):
        out[ids[q.id]] = {
            "externalId": ids[q.id],
            "referral": names["referrals"].get(q.referral_id, ""),
            "signedOn": q.signed_on,
            "products": tuple(q.products),
            "throughReseller": q.through_reseller,
            "paidUnderOtherProgram": q.paid_under_other_program,
            "orderReference": q.order_reference,
        }
    return out


async def _revenue(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids, qualified = names["revenue_lines"], names["qualified_agreements"]
    out: Rows = {}
    for r in await session.scalars(
        select(RevenueLine).join(*_imported(RevenueLine.id, program, "revenue_lines"))
    ):
        out[ids[r.id]] = {
            "externalId": ids[r.id],
            "qualifiedAgreement": qualified.get(r.qualified_agreement_id, ""),
            "kind": r.kind,
            "amount": r.amount,
            "occurredOn": r.occurred_on,
            "description": r.description,
        }
    return out


async def _payments(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids, qualified = names["client_payments"], names["qualified_agreements"]
    out: Rows = {}
    for p in await session.scalars(
        select(ClientPayment).join(*_imported(ClientPayment.id, program, "client_payments"))
    ):
        out[ids[p.id]] = {
            "externalId": ids[p.id],
            "qualifiedAgreement": qualified.get(p.qualified_agreement_id, ""),
            "receivedOn": p.received_on,
            "amount": p.amount,
            "reference": p.reference,
        }
    return out


async def _payouts(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids, qualified = names["payouts"], names["qualified_agreements"]
    out: Rows = {}
    rows = await session.execute(
        select(Payout, Commission.qualified_agreement_id)
        .join(Commission, Commission.id == Payout.commission_id)
        .join(*_imported(Payout.id, program, "payouts"))
    )
    for p, qualified_id in rows:
        out[ids[p.id]] = {
            "externalId": ids[p.id],
            "qualifiedAgreement": qualified.get(qualified_id, ""),
            "paidOn": p.paid_on,
            "gross": p.gross,
            "withholdingRate": p.withholding_rate,
            "withholding": p.withholding,
            "setOff": p.set_off,
            "setOffReason": p.set_off_reason,
            "net": p.net,
            "reference": p.reference,
        }
    return out


async def _evidence(session: AsyncSession, program: Program, names: Names) -> Rows:
    ids = names["evidence"]
    out: Rows = {}
    for e in await session.scalars(
        select(Evidence).join(*_imported(Evidence.id, program, "evidence"))
    ):
        out[ids[e.id]] = {
            "externalId": ids[e.id],
            "partner": names["partners"].get(e.partner_id, ""),
            "kind": e.kind,
            "title": e.title,
            "url": e.url,
            "customer": e.customer,
            "reference": e.reference,
            "amount": e.amount,
            "currency": e.currency,
            "occurredOn": e.occurred_on,
            "expiresOn": e.expires_on,
        }
    return out


EXPORTERS: dict[str, Callable[[AsyncSession, Program, Names], Awaitable[Rows]]] = {
    "partners": _partners,
    "memberships": _memberships,
    "agreements": _agreements,
    "referrals": _referrals,
    "qualified_agreements": _qualified,
    "revenue_lines": _revenue,
    "client_payments": _payments,
    "payouts": _payouts,
    "evidence": _evidence,
}
REFERS = {
    "memberships": ("partners",),
    "agreements": ("partners",),
    "referrals": ("partners",),
    "qualified_agreements": ("referrals",),
    "revenue_lines": ("qualified_agreements",),
    "client_payments": ("qualified_agreements",),
    "payouts": ("qualified_agreements",),
    "evidence": ("partners",),
}


async def stored_rows(session: AsyncSession, program: Program, kind: str) -> Rows:
    """The imported records of one kind as rows, by externalId."""
    names = {k: await _ids(session, program, k) for k in (kind, *REFERS.get(kind, ()))}
    return await EXPORTERS[kind](session, program, names)


async def export_history(
    session: AsyncSession, store: BlobStore, program: Program
) -> dict[str, bytes]:
    """Every import file of a program's imported records (rows in externalId order), and the
    attached acceptance documents, by file name."""
    files: dict[str, bytes] = {}
    for kind in FILES:
        rows = await stored_rows(session, program, kind)
        files[filename(kind)] = render_file(kind, [rows[k] for k in sorted(rows)])
        if kind == "agreements":
            for row in rows.values():
                if row["documentFile"]:
                    files[row["documentFile"]] = store.get(row["_sha256"])
    return files
