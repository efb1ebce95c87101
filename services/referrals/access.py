"""Loading a referral the caller may act on, and the admin-only guard of the use cases."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Program, Referral
from services.actor import Actor
from services.errors import ReferralErrorCode, input_error

Code = ReferralErrorCode


def require_admin(actor: Actor, what: str, field: str = "referralId") -> None:
    """Refuse a caller without an admin key, naming what it tried to do."""
    if not actor.is_admin:
        raise input_error(field, Code.FORBIDDEN, f"only an admin key can {what}")


async def load_referral(
    session: AsyncSession, actor: Actor, referral_id: uuid.UUID
) -> tuple[Referral, Program]:
    """A referral the caller may see, locked for change, with its program."""
    referral = await session.get(Referral, referral_id, with_for_update=True)
    if referral is None or not actor.may_see_partner(referral.partner_id):
        raise input_error("referralId", Code.REFERRAL_NOT_FOUND, "no referral has that id")
    program = await session.get(Program, referral.program_id)
    assert program is not None
    return referral, program
