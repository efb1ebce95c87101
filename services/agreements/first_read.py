"""What a signature reads first, in one statement (issue 14): the partner and program, the
agreement of the kind (locked: FOR UPDATE in a WITH clause), the template version of the kind
now current, and the webhook endpoints its events may go to (kept for the transaction's events,
services/webhooks/outbox.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ScalarSelect, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Agreement, Partner, Program, TemplateVersion, WebhookEndpoint
from services.documents.templates import ANY_PROGRAM
from services.webhooks.outbox import remember_endpoints


@dataclass(frozen=True)
class FirstRead:
    """The rows read (none at all when the partner or the program is missing)."""

    partner: Partner
    program: Program
    template: TemplateVersion | None
    agreement: Agreement | None


@dataclass(frozen=True)
class Read:
    """The partner and program read alone (no kind named: the agreement is read after)."""

    partner: Partner
    program: Program
    template: None = None


def _current_template(kind: str) -> ScalarSelect[uuid.UUID]:
    """The id of the newest template version serving `kind` in the joined program."""
    return (
        select(TemplateVersion.id)
        .where(
            TemplateVersion.kind == kind,
            or_(
                TemplateVersion.program_slug == Program.slug,
                TemplateVersion.program_slug == ANY_PROGRAM,
            ),
        )
        .order_by(TemplateVersion.published_at.desc(), TemplateVersion.version.desc())
        .limit(1)
        .correlate(Program)
        .scalar_subquery()
    )


async def first_read(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, kind: str
) -> FirstRead | None:
    """The partner, program, agreement and current template of `kind`, with the endpoints
    remembered."""
    locked = aliased(
        Agreement,
        select(Agreement)
        .where(
            Agreement.partner_id == partner_id,
            Agreement.program_id == program_id,
            Agreement.kind == kind,
        )
        .with_for_update()
        .cte("locked"),
    )
    audience = or_(WebhookEndpoint.partner_id.is_(None), WebhookEndpoint.partner_id == Partner.id)
    rows = (
        await session.execute(
            select(Partner, Program, TemplateVersion, WebhookEndpoint, locked)
            .select_from(Partner)
            .join(Program, true())
            .outerjoin(locked, true())
            .outerjoin(TemplateVersion, TemplateVersion.id == _current_template(kind))
            .outerjoin(WebhookEndpoint, audience)
            .where(and_(Partner.id == partner_id, Program.id == program_id))
        )
    ).all()
    if not rows:
        return None
    partner, program, template, _, agreement = rows[0]
    remember_endpoints(session, partner.id, [row[3] for row in rows if row[3] is not None])
    return FirstRead(partner, program, template, agreement)
