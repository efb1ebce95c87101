"""Referrals: the application form, its computed status and what it led to (CS-REF-*)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Annotated, Optional

import strawberry

from models.referrals.records import AnyReferral
from rules.referral_state import ReferralStatus
from schema.commissions.types import Commission, QualifiedAgreement
from schema.common import Node, present, program_today_of
from schema.context import Info
from schema.ids import encode_id
from schema.lookahead import Path, selects, under
from schema.programs.types import Program
from services.referrals.primacy import conflicts_on
from services.referrals.state import referral_status

if TYPE_CHECKING:
    from schema.partners.types import Partner

ReferralStatusEnum = strawberry.enum(
    ReferralStatus,
    name="ReferralStatus",
    description="SUBMITTED: awaiting a decision; APPROVED: a live opportunity; NOT_LIVE: no "
    "meeting in time, not viable or omitted (CS-REF-10); REJECTED; DEEMED_REJECTED: undecided "
    "in the window (CS-REF-02); QUALIFIED: a qualified agreement is signed; CLOSED.",
)


def _client_keys(self: Referral) -> list[str]:
    """Read from the row when asked: a list's records parse their JSON only then."""
    return list(self.row.client_keys)


@strawberry.type(description="A referral application form and what became of it (CS-REF-*).")
class Referral(Node):
    row: strawberry.Private[AnyReferral]
    client_name: str
    client_website: str | None
    client_keys: list[str] = strawberry.field(
        description="Normalised client identity keys (CS-REF-04).", resolver=_client_keys
    )
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    description: str
    opportunity_kind: str | None = strawberry.field(
        description="The program's kind of this opportunity (SEG-TIER-11: net_new_account, "
        "upsell_new_product); null where the program lists no kinds, or for a referral recorded "
        "before kinds were (history)."
    )
    submitted_at: dt.datetime
    submitted_on: dt.date = strawberry.field(description="Program time zone.")
    decision_deadline: dt.date | None = strawberry.field(
        description="Last business day for a decision (CS-REF-02, CS-AGR-10); null: none."
    )
    meeting_deadline: dt.date | None = strawberry.field(
        description="Last day to arrange a meeting (CS-REF-10); null: none."
    )
    approved_on: dt.date | None
    rejected_on: dt.date | None
    decision_reason: str | None
    meeting_on: dt.date | None
    not_viable_on: dt.date | None
    not_viable_reason: str | None
    closed_on: dt.date | None
    close_reason: str | None
    version: int

    @classmethod
    def from_row(cls, row: AnyReferral) -> Referral:
        return cls(
            id=strawberry.ID(encode_id("Referral", row.id)),
            row=row,
            client_name=row.client_name,
            client_website=row.client_website,
            contact_name=row.contact_name,
            contact_role=row.contact_role,
            contact_email=row.contact_email,
            contact_phone=row.contact_phone,
            description=row.description,
            opportunity_kind=row.opportunity_kind,
            submitted_at=row.submitted_at,
            submitted_on=row.submitted_on,
            decision_deadline=row.decision_deadline,
            meeting_deadline=row.meeting_deadline,
            approved_on=row.approved_on,
            rejected_on=row.rejected_on,
            decision_reason=row.decision_reason,
            meeting_on=row.meeting_on,
            not_viable_on=row.not_viable_on,
            not_viable_reason=row.not_viable_reason,
            closed_on=row.closed_on,
            close_reason=row.close_reason,
            version=row.version,
        )

    @strawberry.field(
        description="Status now (program time zone), computed from stored facts.",
        graphql_type=ReferralStatusEnum,
    )
    def status(self, info: Info) -> ReferralStatus | Awaitable[ReferralStatus]:
        today = info.context.loaders.loaded_today(self.row.program_id)
        if today is None:
            return self._status_later(info)
        return referral_status(self.row, today)

    async def _status_later(self, info: Info) -> ReferralStatus:
        return referral_status(self.row, await program_today_of(info, self.row.program_id))

    @strawberry.field(
        description="Status at the end of a past or future day; null before its submission "
        "day (the referral did not exist yet). Facts dated after the day do not change it."
    )
    def status_as_of(self, date: dt.date) -> ReferralStatusEnum | None:  # type: ignore[valid-type]
        if date < self.row.submitted_on:
            return None
        return referral_status(self.row, date)

    async def _holder_on(self, info: Info, on: dt.date) -> uuid.UUID | None:
        """The referral holding the client against this one at the end of `on` (CS-REF-04)."""
        program = present(await info.context.loaders.program.load(self.row.program_id))
        return await info.context.loaders.read(lambda s: conflicts_on(s, program, self.row, on))

    @strawberry.field(
        description="This referral holds the client today; false when another partner's "
        "referral holds it (CS-REF-04). Derived from the dated facts of every referral of the "
        "client: a first referral rejected, deemed rejected or closed for no sale releases it."
    )
    async def is_primary(self, info: Info) -> bool:
        return (
            await self._holder_on(info, await program_today_of(info, self.row.program_id)) is None
        )

    @strawberry.field(
        description="Whether this referral held the client at the end of a day (CS-REF-04); "
        "false before its submission. Facts dated after the day do not change the answer."
    )
    async def is_primary_as_of(self, info: Info, date: dt.date) -> bool:
        if date < self.row.submitted_on:
            return False
        return await self._holder_on(info, date) is None

    @strawberry.field(description="True when another partner's referral holds this client today.")
    async def is_conflicting(self, info: Info) -> bool:
        return not await self.is_primary(info)

    @strawberry.field(
        description="The referral holding the client against this one today; admin keys only "
        "(a partner learns only that its referral conflicts)."
    )
    async def conflicts_with(self, info: Info) -> Referral | None:
        if not info.context.actor.is_admin:
            return None
        holder = await self._holder_on(info, await program_today_of(info, self.row.program_id))
        if holder is None:
            return None
        row = await info.context.loaders.referral.load(holder)
        return None if row is None else Referral.from_row(row)

    @strawberry.field
    async def program(self, info: Info) -> Program:
        return Program.from_row(
            present(await info.context.loaders.program.load(self.row.program_id))
        )

    @strawberry.field
    async def partner(
        self, info: Info
    ) -> Annotated[Partner, strawberry.lazy("schema.partners.types")]:
        from schema.partners.types import Partner

        return Partner.from_row(
            present(await info.context.loaders.partner.load(self.row.partner_id))
        )

    @strawberry.field(description="The qualified agreement, once signed.")
    async def qualified_agreement(self, info: Info) -> QualifiedAgreement | None:
        row = await info.context.loaders.qualified_of_referral.load(self.row.id)
        return None if row is None else QualifiedAgreement.from_row(row)

    @strawberry.field(
        description="The commission, once a qualified agreement exists.",
        graphql_type=Optional[Commission],  # noqa: UP045 (a runtime value, not an annotation)
    )
    def commission(self, info: Info) -> Commission | Awaitable[Commission | None] | None:
        found = info.context.loaders.commission_of_referral.settled(self.row.id)
        if found is None:
            return self._commission_later(info)
        row = found.result()
        return None if row is None else Commission.from_row(row)

    async def _commission_later(self, info: Info) -> Commission | None:
        row = await info.context.loaders.commission_of_referral.load(self.row.id)
        return None if row is None else Commission.from_row(row)


async def read_ahead(info: Info, rows: Sequence[AnyReferral], at: Sequence[Path]) -> None:
    """Load, in this round of batches, what the selected fields of these referrals need (the
    programs for statuses, the commissions), so those fields answer without awaiting."""
    if not rows:
        return
    loaders = info.context.loaders
    if selects(info, *under(at, ("status",), ("commission", "status"))):
        await loaders.all_programs()
    if selects(info, *under(at, ("commission",))):
        await loaders.commission_of_referral.read_ahead([r.id for r in rows])
