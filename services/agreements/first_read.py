"""What a signature reads first, in one statement (issue 14; models/agreements/first_read.py):
the partner and program, the agreement of the kind (locked), the template version of the kind
now current, the partner's membership of the program, and the webhook endpoints its events may
go to (kept for the transaction's events, services/webhooks/outbox.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Membership, Partner, Program, TemplateVersion
from models.agreements.first_read import first_rows
from services.webhooks.outbox import remember_endpoints


@dataclass(frozen=True)
class FirstRead:
    """The rows read (none at all when the partner or the program is missing)."""

    partner: Partner
    program: Program
    template: TemplateVersion | None
    agreement: Agreement | None
    membership: Membership | None


async def first_read(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, kind: str
) -> FirstRead | None:
    """The partner, program, agreement and current template of `kind` and the membership, with
    the endpoints remembered."""
    found = await first_rows(session, partner_id, program_id, kind)
    if found is None:
        return None
    remember_endpoints(session, found.partner.id, found.endpoints)
    return FirstRead(
        found.partner, found.program, found.template, found.agreement, found.membership
    )
