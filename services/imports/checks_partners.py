"""Checking partners, memberships with their tier history, agreements with their acceptances,
and evidence rows, and planning their inserts (the same checks as the mutations).
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

import pycountry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Acceptance,
    Agreement,
    Document,
    Membership,
    Partner,
    TemplateVersion,
    Tier,
    TierChange,
)
from models.documents.queries import ANY_PROGRAM
from rules.enums import MembershipStatus
from services.agreements.state import agreement_spec
from services.errors import ImportErrorCode as Code
from services.imports.export import ATTACHED
from services.imports.plan import Plan, differs
from services.imports.reading import ParsedFile, Row
from services.programs.typed import spec_of


def check_partners(plan: Plan, parsed: ParsedFile, rows: list[Row]) -> None:
    """Partners: a known ISO country, capacities the program lists (CS-AGR-02, program data),
    and the rest as the columns say."""
    offered = set(spec_of(plan.program).membership.capacities)
    for row in rows:
        v = row.values
        if pycountry.countries.get(alpha_2=str(v["country"]).upper()) is None:
            parsed.error(row, "country", Code.INVALID, f"{v['country']!r} is not an ISO country")
            continue
        capacities = sorted({str(c).strip().lower() for c in v["capacities"] or ()})
        unknown = [c for c in capacities if c not in offered]
        if unknown:
            parsed.error(
                row,
                "capacities",
                Code.UNKNOWN_CAPACITY,
                f"{plan.program.slug} lists no capacity {', '.join(unknown)} "
                f"(it lists {', '.join(sorted(offered))})",
            )
            continue
        ident = uuid.uuid4()
        plan.adopt("partners", row, ident)
        plan.add(
            Partner.__table__,
            {
                "id": ident,
                "legal_name": v["legalName"],
                "display_name": v["displayName"],
                "country": v["country"],
                "notice_address": v["noticeAddress"],
                "website_domain": v["websiteDomain"],
                "capacities": capacities,
            },
        )


async def check_memberships(
    session: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Memberships: one row per tier history entry; a partner's rows share status and joinedOn,
    their tiers are the program's, their dates in order and not after today."""
    tiers = {
        t.key: t.id
        for t in await session.scalars(select(Tier).where(Tier.program_id == plan.program.id))
    }
    enrolled = set(
        await session.scalars(
            select(Membership.partner_id).where(Membership.program_id == plan.program.id)
        )
    )
    by_partner: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for row in rows:
        partner = plan.ref(parsed, row, "partner", "partners")
        ok = plan.not_after_today(parsed, row, "joinedOn", "effectiveOn")
        ok = plan.in_order(parsed, row, "joinedOn", "effectiveOn") and ok
        if row.values["status"] not in {s.value for s in MembershipStatus}:
            parsed.error(
                row, "status", Code.INVALID, f"status is one of {join_values(MembershipStatus)}"
            )
            ok = False
        if row.values["tier"] not in tiers:
            parsed.error(row, "tier", Code.UNKNOWN_TIER, f"no tier {row.values['tier']!r}")
            ok = False
        if partner in enrolled:
            parsed.error(
                row,
                "partner",
                Code.ALREADY_EXISTS,
                "this partner already has a membership: its history is imported whole",
            )
            ok = False
        if partner is not None and ok:
            by_partner[partner].append(row)
    for partner, group in by_partner.items():
        group.sort(key=lambda r: (r.values["effectiveOn"], r.external_id))
        first = group[0].values
        if any(differs(r, first, parsed, ("status", "joinedOn")) for r in group):
            continue
        membership = uuid.uuid4()
        plan.add(
            Membership.__table__,
            {
                "id": membership,
                "partner_id": partner,
                "program_id": plan.program.id,
                "tier_id": tiers[group[-1].values["tier"]],
                "status": MembershipStatus(first["status"]),
                "joined_on": first["joinedOn"],
                "status_reason": "imported",
            },
        )
        target = ("Membership", membership)
        plan.mark("memberships", group[0], "joinedOn", "enrollPartner", target, partner)
        before = None
        for row in group:
            change = uuid.uuid4()
            plan.adopt("memberships", row, change)
            plan.mark("memberships", row, "effectiveOn", "changeTier", target, partner)
            plan.add(
                TierChange.__table__,
                {
                    "id": change,
                    "membership_id": membership,
                    "from_tier_id": before,
                    "to_tier_id": tiers[row.values["tier"]],
                    "reason": row.values["reason"],
                    "effective_on": row.values["effectiveOn"],
                },
            )
            before = tiers[row.values["tier"]]


def join_values(values: object) -> str:
    """Values (enum members or text) as a comma-separated list for a message."""
    return ", ".join(str(getattr(v, "value", v)) for v in values)  # type: ignore[attr-defined]


async def check_agreements(
    session: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Agreements: one row per acceptance, keeping its original dates; a known kind and
    template version; the document attached (documentFile, hashed) or generated later."""
    templates = {
        (t.kind, t.version): t
        for t in await session.scalars(
            select(TemplateVersion).where(
                TemplateVersion.program_slug.in_([plan.program.slug, ANY_PROGRAM])
            )
        )
    }
    existing = {
        (a.partner_id, a.kind): a
        for a in await session.scalars(
            select(Agreement).where(Agreement.program_id == plan.program.id)
        )
    }
    groups: dict[tuple[uuid.UUID, str], list[Row]] = defaultdict(list)
    for row in rows:
        v = row.values
        partner = plan.ref(parsed, row, "partner", "partners")
        ok = plan.not_after_today(parsed, row, "appliedOn", "effectiveOn", "acceptedAt")
        ok = plan.in_order(parsed, row, "appliedOn", "effectiveOn") and ok
        ok = plan.in_order(parsed, row, "appliedOn", "acceptedAt") and ok
        if agreement_spec(plan.program, v["kind"]) is None:
            parsed.error(row, "kind", Code.UNKNOWN_KIND, f"no agreement kind {v['kind']!r}")
            continue
        if (v["kind"], v["templateVersion"]) not in templates:
            parsed.error(
                row,
                "templateVersion",
                Code.UNKNOWN_TEMPLATE_VERSION,
                f"no version {v['templateVersion']} of a {v['kind']} template",
            )
            ok = False
        if v["documentFile"] and plan.attachments(v["documentFile"]) is None:
            parsed.error(
                row, "documentFile", Code.MISSING_DOCUMENT, f"no file {v['documentFile']!r}"
            )
            ok = False
        if partner is not None and ok:
            groups[(partner, v["kind"])].append(row)
    for (partner, kind), group in groups.items():
        first = group[0].values
        if any(differs(r, first, parsed, ("appliedOn", "effectiveOn")) for r in group):
            continue
        found = existing.get((partner, kind))
        if found is not None and (found.applied_on, found.effective_on) != (
            first["appliedOn"],
            first["effectiveOn"],
        ):
            parsed.error(
                group[0],
                "effectiveOn",
                Code.INCONSISTENT,
                f"the partner's {kind} is recorded with other dates ({found.effective_on})",
            )
            continue
        agreement = found.id if found is not None else uuid.uuid4()
        if found is None:
            plan.add(
                Agreement.__table__,
                {
                    "id": agreement,
                    "partner_id": partner,
                    "program_id": plan.program.id,
                    "kind": kind,
                    "applied_on": first["appliedOn"],
                    "effective_on": first["effectiveOn"],
                },
            )
            _mark_application(plan, group[0], agreement, partner)
        for row in group:
            _plan_acceptance(
                plan, row, partner, agreement, templates[(kind, row.values["templateVersion"])]
            )


def _mark_application(plan: Plan, row: Row, agreement: uuid.UUID, partner: uuid.UUID) -> None:
    """The backfill marks of an application and its approval on the Effective Date."""
    if row.values["appliedOn"] is not None:
        target = ("Agreement", agreement)
        plan.mark("agreements", row, "appliedOn", "applyToProgram", target, partner)
        plan.mark("agreements", row, "effectiveOn", "decideApplication", target, partner)


def _plan_acceptance(
    plan: Plan, row: Row, partner: uuid.UUID, agreement: uuid.UUID, template: TemplateVersion
) -> None:
    v = row.values
    ident = uuid.uuid4()
    plan.adopt("agreements", row, ident)
    accepted = v["acceptedAt"].astimezone(ZoneInfo(plan.program.timezone)).date()
    target = ("Agreement", agreement)
    plan.mark("agreements", row, "acceptedAt", "acceptAgreement", target, partner, accepted)
    values = {
        "id": ident,
        "agreement_id": agreement,
        "signer_name": v["signerName"],
        "signer_title": v["signerTitle"],
        "signer_email": v["signerEmail"],
        "accepted_at": v["acceptedAt"],
        "template_id": template.template_id,
        "template_version": template.version,
        "document_id": None,
        "document_sha256": "",
    }
    if v["documentFile"]:
        data = plan.attachments(v["documentFile"])
        assert data is not None
        document = uuid.uuid4()
        values["document_id"] = document
        values["document_sha256"] = hashlib.sha256(data).hexdigest()
        plan.blobs.append(data)
        plan.add(
            Document.__table__,
            {
                "id": document,
                "kind": template.kind,
                "filename": v["documentFile"],
                "content_type": mimetypes.guess_type(v["documentFile"])[0]
                or "application/octet-stream",
                "size": len(data),
                "sha256": values["document_sha256"],
                "partner_id": partner,
                "agreement_id": agreement,
                "template_id": template.template_id,
                "template_version": template.version,
                "event": ATTACHED,
            },
        )
    else:
        plan.to_render.append((row, values, template, partner, agreement))
    plan.add(Acceptance.__table__, values)
