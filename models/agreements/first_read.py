"""What a signature reads first, in one statement (issue 14): the partner and program, the
agreement of the kind (locked: FOR UPDATE in a WITH clause), the template version of the kind
now current, the partner's membership of the program and the webhook endpoints its events may go
to."""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from sqlalchemy import Select, String, Uuid, and_, bindparam, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, defer

from models import Agreement, Membership, Partner, Program, TemplateVersion, WebhookEndpoint
from models.documents.queries import newest_template
from models.programs import definitions


class FirstRows(NamedTuple):
    """The rows of a first read."""

    partner: Partner
    program: Program
    template: TemplateVersion | None
    agreement: Agreement | None
    membership: Membership | None
    endpoints: list[WebhookEndpoint]


PARTNER, PROGRAM, KIND = (
    bindparam("first_partner", type_=Uuid()),
    bindparam("first_program", type_=Uuid()),
    bindparam("first_kind", type_=String()),
)
_CURRENT_TEMPLATE = (
    newest_template(KIND, Program.slug)
    .with_only_columns(TemplateVersion.id)
    .correlate(Program)
    .scalar_subquery()
)
"""The id of the newest template version serving the kind in the joined program."""
_LOCKED = aliased(
    Agreement,
    select(Agreement)
    .where(Agreement.partner_id == PARTNER, Agreement.program_id == PROGRAM, Agreement.kind == KIND)
    .with_for_update()
    .cte("locked"),
)


def _first_read(dialect: str) -> Select[tuple[Any, ...]]:
    """The first read's statement for a dialect (the known definitions are bound as an array on
    PostgreSQL, expanded on SQLite)."""
    return (
        select(
            Partner,
            Program,
            TemplateVersion,
            WebhookEndpoint,
            _LOCKED,
            Membership,
            definitions.unless_known(dialect),
        )
        .select_from(Partner)
        .join(Program, true())
        .outerjoin(_LOCKED, true())
        .outerjoin(
            Membership,
            and_(Membership.partner_id == Partner.id, Membership.program_id == Program.id),
        )
        .outerjoin(TemplateVersion, TemplateVersion.id == _CURRENT_TEMPLATE)
        .outerjoin(
            WebhookEndpoint,
            or_(WebhookEndpoint.partner_id.is_(None), WebhookEndpoint.partner_id == Partner.id),
        )
        .where(and_(Partner.id == PARTNER, Program.id == PROGRAM))
        .options(defer(Program.definition))
    )


_FIRST_READS = {dialect: _first_read(dialect) for dialect in ("postgresql", "sqlite")}
"""Built once, their values bound at execution (building and hashing one cost CPU per request)."""


async def first_rows(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, kind: str
) -> FirstRows | None:
    """The partner, program, agreement of `kind` (locked), its current template, the membership
    (one at most: its key) and the webhook endpoints; None when the partner or the program is
    missing."""
    known = definitions.known()
    values = {
        "first_partner": partner_id,
        "first_program": program_id,
        "first_kind": kind,
        definitions.KNOWN: list(known),
    }
    statement = _FIRST_READS[session.get_bind().dialect.name]
    rows = (await session.execute(statement, values)).all()
    if not rows:
        return None
    partner, program, template, _, agreement, membership, definition = rows[0]
    definitions.settle(program, definition, known)
    endpoints = [row[3] for row in rows if row[3] is not None]
    return FirstRows(partner, program, template, agreement, membership, endpoints)
