"""The invitation mutation: invite a partner to an invite-only tier or benefit."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invitation as InvitationRow
from schema.context import Info
from schema.payloads import attempt
from schema.tiers.mutations.errors import GovernanceUserError, governance_errors, governance_id
from services.actor import Actor
from services.tiers import entitlements


@strawberry.input(description="Invite a partner to an invite-only tier or benefit (admins).")
class InvitePartnerInput:
    partner_id: strawberry.ID
    tier_id: strawberry.ID
    benefit_key: str | None = strawberry.field(default=None, description="Omit for the tier.")
    expires_on: dt.date | None = strawberry.field(
        default=None, description="Last day the invitation holds; not before `invitedOn`."
    )
    note: str = ""
    invited_on: dt.date | None = strawberry.field(
        default=None,
        description="Day of the invitation (program time zone); default the program's today, "
        "never after it (DATE_IN_FUTURE); a past day is backfilled (audit log). Benefits and "
        "evaluations read invitations held on their own day.",
    )


@strawberry.type(description="Result of invitePartner.")
class InvitationPayload:
    invited: bool
    user_errors: list[GovernanceUserError]


async def _invite(session: AsyncSession, actor: Actor, data: InvitePartnerInput) -> InvitationRow:
    return await entitlements.invite(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        tier_id=governance_id(data.tier_id, "Tier", "tierId"),
        benefit_key=data.benefit_key,
        expires_on=data.expires_on,
        note=data.note,
        invited_on=data.invited_on,
    )


@strawberry.type
class InvitationMutations:
    """Invitations to invite-only tiers and benefits."""

    @strawberry.mutation(description="Invite a partner to an invite-only tier or benefit.")
    async def invite_partner(self, info: Info, input: InvitePartnerInput) -> InvitationPayload:
        row, errors = await attempt(info, _invite, input)
        return InvitationPayload(invited=row is not None, user_errors=governance_errors(errors))
