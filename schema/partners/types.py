"""Partners, memberships and tier history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable

import strawberry
from strawberry.scalars import JSON

from models import TierChange as TierChangeRow
from models.partners.records import AnyMembership, AnyPartner
from models.tiers.queries import evidence_of, notifications_of
from rules.enums import MembershipStatus
from schema.agreements.types import Agreement
from schema.commissions.types import Commission
from schema.common import Node, present
from schema.context import Info
from schema.ids import encode_id, expect_id
from schema.lookahead import CONNECTION_NODES, selects
from schema.pagination import Connection
from schema.partners.activity import partner_commissions, partner_referrals
from schema.programs.types import Benefit, Program, Tier
from schema.referrals.queries import ReferralOrder
from schema.referrals.types import Referral, ReferralStatusEnum, read_ahead
from schema.support.types import SupportSettings
from schema.tiers.types import Certification, Evidence, Notification
from services.agreements.membership_state import membership_status_on
from services.partners.memberships import program_today
from services.tiers.certification import certification_on
from services.tiers.entitlements import entitlements

MembershipStatusEnum = strawberry.enum(
    MembershipStatus, name="MembershipStatus", description="Where a partner stands in a program."
)


async def membership_benefits(
    info: Info, row: AnyMembership, as_of: dt.date | None
) -> list[Benefit]:
    """The benefits a membership gives on a day (today in the program's time zone)."""
    program = present(await info.context.loaders.program.load(row.program_id))
    on = as_of or program_today(program)
    rows = await info.context.loaders.benefits_of_tier.load(row.tier_id)
    granted = await info.context.loaders.read(lambda s: entitlements(s, row, program, on))
    return [Benefit.from_row(r) for r in rows if r.key in granted]


@strawberry.type(description="One entry of a membership's tier history (SEG-TIER-06).")
class TierChange(Node):
    row: strawberry.Private[TierChangeRow]
    reason: str
    effective_on: dt.date = strawberry.field(description="Date in the program's time zone.")
    changed_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")

    @classmethod
    def from_row(cls, row: TierChangeRow) -> TierChange:
        return cls(
            id=strawberry.ID(encode_id("TierChange", row.id)),
            row=row,
            reason=row.reason,
            effective_on=row.effective_on,
            changed_at=row.changed_at,
        )

    @strawberry.field(
        description="The tier evaluation the change was based on, when one was "
        "asked for (SEG-TIER-06): window, figures and thresholds per tier."
    )
    def basis(self) -> JSON | None:
        return None if self.row.basis is None else JSON(self.row.basis)

    @strawberry.field(description="The tier before the change; null for the entry at enrolment.")
    async def from_tier(self, info: Info) -> Tier | None:
        if self.row.from_tier_id is None:
            return None
        return Tier.from_row(present(await info.context.loaders.tier.load(self.row.from_tier_id)))

    @strawberry.field(description="The tier after the change.")
    async def to_tier(self, info: Info) -> Tier:
        return Tier.from_row(present(await info.context.loaders.tier.load(self.row.to_tier_id)))


@strawberry.type(description="A partner's membership in one program.")
class Membership(Node):
    row: strawberry.Private[AnyMembership]
    joined_on: dt.date = strawberry.field(description="Enrolment date in the program's time zone.")
    version: int = strawberry.field(description="Increases with every change.")

    @classmethod
    def from_row(cls, row: AnyMembership) -> Membership:
        return cls(
            id=strawberry.ID(encode_id("Membership", row.id)),
            row=row,
            joined_on=row.joined_on,
            version=row.version,
        )

    @strawberry.field(description="Status in the program.")
    def status(self) -> MembershipStatusEnum:  # type: ignore[valid-type]
        return self.row.status

    @strawberry.field(
        description="The status on a date (null before enrolment), derived from dated facts: "
        "active while a membership agreement is in effect, terminated once they have ended, "
        "deactivated from the deactivation's own day (effectiveOn; issue 11)."
    )
    async def status_as_of(self, info: Info, date: dt.date) -> MembershipStatusEnum | None:  # type: ignore[valid-type]
        program = present(await info.context.loaders.program.load(self.row.program_id))
        row = self.row
        return await info.context.loaders.read(
            lambda s: membership_status_on(s, program, row, date)
        )

    @strawberry.field(description="The program.")
    async def program(self, info: Info) -> Program:
        return Program.from_row(
            present(await info.context.loaders.program.load(self.row.program_id))
        )

    @strawberry.field(description="The current tier.", graphql_type=Tier)
    def tier(self, info: Info) -> Tier | Awaitable[Tier]:
        found = info.context.loaders.tier.settled(self.row.tier_id)
        if found is None:
            return self._tier_later(info)
        return Tier.from_row(present(found.result()))

    async def _tier_later(self, info: Info) -> Tier:
        return Tier.from_row(present(await info.context.loaders.tier.load(self.row.tier_id)))

    @strawberry.field(
        description="The tier on a date, from the tier history's effective dates (null before "
        "enrolment); changes effective after `date` never change the answer."
    )
    async def tier_as_of(self, info: Info, date: dt.date) -> Tier | None:
        rows = await info.context.loaders.tier_history_of_membership.load(self.row.id)
        earlier = [r for r in rows if r.effective_on <= date]
        if not earlier:
            return None
        last = max(earlier, key=lambda r: (r.effective_on, r.changed_at))
        return Tier.from_row(present(await info.context.loaders.tier.load(last.to_tier_id)))

    @strawberry.field(description="Every tier change, oldest first, starting with enrolment.")
    async def tier_history(self, info: Info) -> list[TierChange]:
        rows = await info.context.loaders.tier_history_of_membership.load(self.row.id)
        return [TierChange.from_row(r) for r in rows]

    @strawberry.field(
        description="Benefits the membership gives as of a date: those of its tier, less "
        "invite-only ones without an invitation, less those whose agreement is not in effect "
        "(SEG-TIER-03, SEG-AGR-10), less those needing certification while not certified "
        "(CS-AGR-04)."
    )
    async def benefits(self, info: Info, as_of: dt.date | None = None) -> list[Benefit]:
        return await membership_benefits(info, self.row, as_of)

    @strawberry.field(
        description="Certification as of a date (default today, program time zone; CS-AGR-04): "
        "certified while active and meeting every requirement of the tier held that day, "
        "training included, with the missing requirements listed."
    )
    async def certification(self, info: Info, as_of: dt.date | None = None) -> Certification:
        program = present(await info.context.loaders.program.load(self.row.program_id))
        on = as_of or program_today(program)
        row = self.row
        found = await info.context.loaders.read(lambda s: certification_on(s, row, program, on))
        return Certification.of(found)

    @strawberry.field(description="The partner.")
    async def partner(self, info: Info) -> Partner:
        return Partner.from_row(
            present(await info.context.loaders.partner.load(self.row.partner_id))
        )


@strawberry.type(description="An organisation taking part in partner programs.")
class Partner(Node):
    row: strawberry.Private[AnyPartner]
    legal_name: str
    display_name: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    notice_address: str = strawberry.field(description="Address for formal notices.")
    website_domain: str | None = strawberry.field(description="Bare domain, e.g. example.com.")
    version: int = strawberry.field(description="Increases with every change.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: AnyPartner) -> Partner:
        return cls(
            id=strawberry.ID(encode_id("Partner", row.id)),
            row=row,
            legal_name=row.legal_name,
            display_name=row.display_name,
            country=row.country,
            notice_address=row.notice_address,
            website_domain=row.website_domain,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(
        description="Capacities the partner acts in, as the programs' files spell them "
        "(`membership.capacities`, e.g. referrer; CS-AGR-02)."
    )
    def capacities(self) -> list[str]:
        return list(self.row.capacities)

    @strawberry.field(
        description="Agreements with programs, oldest first.", graphql_type=list[Agreement]
    )
    def agreements(self, info: Info) -> list[Agreement] | Awaitable[list[Agreement]]:
        loaders = info.context.loaders
        found = loaders.agreements_of_partner.settled(self.row.id)
        if found is None or (
            found.result()
            and loaders.loaded_program(found.result()[0].program_id) is None
            and selects(info, ("status",))
        ):
            return self._agreements_later(info)
        return [Agreement.from_row(r) for r in found.result()]

    async def _agreements_later(self, info: Info) -> list[Agreement]:
        rows = await info.context.loaders.agreements_of_partner.load(self.row.id)
        if rows and selects(info, ("status",)):
            await info.context.loaders.all_programs()  # `status` then answers without awaiting
        return [Agreement.from_row(r) for r in rows]

    @strawberry.field(
        description="Support hours, support list and primary contact in a program (SUP-01/02/05)."
    )
    def support(self, program: strawberry.ID) -> SupportSettings:
        return SupportSettings(partner_id=self.row.id, program_id=expect_id(program, "Program"))

    @strawberry.field(
        description="Benefits the partner has in a program today or as of a "
        "date (SEG-TIER-03, SEG-AGR-10); empty without a membership."
    )
    async def benefits(
        self, info: Info, program: strawberry.ID, as_of: dt.date | None = None
    ) -> list[Benefit]:
        program_id = expect_id(program, "Program")
        memberships = await info.context.loaders.memberships_of_partner.load(self.row.id)
        membership = next((m for m in memberships if m.program_id == program_id), None)
        if membership is None:
            return []
        return await membership_benefits(info, membership, as_of)

    @strawberry.field(description="Recorded evidence in a program, newest first.")
    async def evidence(
        self, info: Info, program: strawberry.ID, kind: str | None = None
    ) -> list[Evidence]:
        program_id = expect_id(program, "Program")
        rows = await info.context.loaders.read(
            lambda s: evidence_of(s, self.row.id, program_id, kind)
        )
        return [Evidence.from_row(r) for r in rows]

    @strawberry.field(description="Events addressed to the partner, newest first.")
    async def notifications(self, info: Info, first: int = 50) -> list[Notification]:
        rows = await info.context.loaders.read(
            lambda s: notifications_of(s, self.row.id, max(1, min(first, 100)))
        )
        return [Notification.from_row(r) for r in rows]

    @strawberry.field(
        description="The partner's referrals, newest first by default (forward pages); "
        "`status` filters use each program's today.",
        graphql_type=Connection[Referral],
    )
    def referrals(
        self,
        info: Info,
        status: list[ReferralStatusEnum] | None = None,  # type: ignore[valid-type]
        order_by: ReferralOrder | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Referral] | Awaitable[Connection[Referral]]:
        return partner_referrals(
            info,
            self.row.id,
            status,
            order_by,
            first,
            after,
            Referral.from_row,
            lambda rows: read_ahead(info, rows, CONNECTION_NODES),
        )

    @strawberry.field(
        description="The partner's commissions, most recently computed first (forward pages)."
    )
    async def commissions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Commission]:
        return await partner_commissions(info, self.row.id, first, after, Commission.from_row)

    @strawberry.field(
        description="Memberships in programs, oldest first.", graphql_type=list[Membership]
    )
    def memberships(self, info: Info) -> list[Membership] | Awaitable[list[Membership]]:
        found = info.context.loaders.memberships_of_partner.settled(self.row.id)
        if found is None:
            return self._memberships_later(info)
        return [Membership.from_row(r) for r in found.result()]

    async def _memberships_later(self, info: Info) -> list[Membership]:
        rows = await info.context.loaders.memberships_of_partner.load(self.row.id)
        return [Membership.from_row(r) for r in rows]
