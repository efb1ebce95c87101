"""Batch reads of agreements: each partner's agreements and each agreement's acceptances."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, Agreement, AgreementNotice
from models.agreements.records import (
    AGREEMENT_COLUMNS,
    NOTICE_COLUMNS,
    AgreementRecord,
    NoticeRecord,
)
from models.batch import dialect_of, grouped, keyed, keys_of
from models.records import read_rows

AGREEMENT_ORDER = (Agreement.created_at, Agreement.id)
"""A partner's agreements, oldest first."""


@cache
def _agreements_of_partners(dialect: str) -> Select[Any]:
    return (
        select(*AGREEMENT_COLUMNS.attributes, *NOTICE_COLUMNS.attributes)
        .select_from(Agreement)
        .outerjoin(AgreementNotice, AgreementNotice.agreement_id == Agreement.id)
        .where(keyed(Agreement.partner_id, dialect))
        .order_by(*AGREEMENT_ORDER, AgreementNotice.sent_on, AgreementNotice.created_at)
    )


async def agreements_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[AgreementRecord]]:
    """Each partner's agreements, oldest first, with their notices (in `Agreement.notices`
    order), as plain records in ONE statement (a join instead of the relationship's second
    SELECT, and no ORM objects: the dashboard's statements and CPU, issue 14)."""
    stmt = _agreements_of_partners(dialect_of(session))
    width = len(AGREEMENT_COLUMNS.names)
    make, notice = AGREEMENT_COLUMNS.make, NOTICE_COLUMNS.make
    rows: list[tuple[AgreementRecord, list[NoticeRecord]]] = []
    for row in await read_rows(session, stmt, keys_of(ids)):
        if not rows or rows[-1][0].id != row[0]:
            rows.append((make(row[:width]), []))
        if row[width] is not None:
            rows[-1][1].append(notice(row[width:]))
    groups: dict[uuid.UUID, list[AgreementRecord]] = defaultdict(list)
    for agreement, notices in rows:
        groups[agreement.partner_id].append(
            agreement._replace(notices=tuple(notices)) if notices else agreement
        )
    return [groups.get(i, []) for i in ids]


async def acceptances_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Acceptance]]:
    """Each agreement's acceptances, oldest first (old versions stay on record)."""
    return await grouped(
        session, Acceptance, Acceptance.agreement_id, ids, Acceptance.accepted_at, Acceptance.id
    )
