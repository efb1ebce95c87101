"""Programs, tiers, benefits and requirements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Benefit as BenefitRow
from models import Program as ProgramRow
from models import Requirement as RequirementRow
from models.programs.records import AnyTier
from rules.enums import Measure, RequirementKind
from schema.common import Money, Node, present
from schema.context import Info
from schema.ids import encode_id
from schema.programs.policy import (
    BusinessCalendar,
    CommissionPolicy,
    ReferralPolicy,
    commission_policy_of,
    referral_policy_of,
)
from schema.programs.years import ProgramYearView
from services.fact_dates import program_today
from services.programs.typed import spec_of
from services.referrals.policy import calendar_of, policy_of

if TYPE_CHECKING:
    from schema.support.types import IncidentClassification, SupportWindow

RequirementKindEnum = strawberry.enum(
    RequirementKind, name="RequirementKind", description="What a tier requirement measures."
)
MeasureEnum = strawberry.enum(
    Measure, name="RequirementMeasure", description="How a requirement's threshold is read."
)


@strawberry.type(description="A benefit as granted at one tier (SEG-TIER-03).")
class Benefit(Node):
    row: strawberry.Private[BenefitRow]
    key: str = strawberry.field(description="Stable key from the program file.")
    name: str
    description: str
    invite_only: bool = strawberry.field(
        description="At this tier the benefit needs an invitation from the program."
    )
    requires_active_agreement: bool = strawberry.field(
        description="Withdrawn when the partner's agreement ends (SEG-AGR-10)."
    )

    @classmethod
    def from_row(cls, row: BenefitRow) -> Benefit:
        return cls(
            id=strawberry.ID(encode_id("Benefit", row.id)),
            row=row,
            key=row.key,
            name=row.name,
            description=row.description,
            invite_only=row.invite_only,
            requires_active_agreement=row.requires_active_agreement,
        )

    @strawberry.field(description="The tier this grant belongs to.")
    async def tier(self, info: Info) -> Tier:
        row = present(await info.context.loaders.tier.load(self.row.tier_id))
        return Tier.from_row(row)


@strawberry.type(description="A requirement of one tier and its threshold (SEG-TIER-04).")
class Requirement(Node):
    row: strawberry.Private[RequirementRow]
    key: str = strawberry.field(description="Stable key from the program file.")
    description: str
    invited_only: bool = strawberry.field(
        description="Applies at this tier only to partners invited to it."
    )
    rule_ids: list[str] = strawberry.field(description="Program rule ids this requirement cites.")

    @classmethod
    def from_row(cls, row: RequirementRow) -> Requirement:
        return cls(
            id=strawberry.ID(encode_id("Requirement", row.id)),
            row=row,
            key=row.key,
            description=row.description,
            invited_only=row.invited_only,
            rule_ids=list(row.rule_ids),
        )

    @strawberry.field(description="What the requirement measures.")
    def kind(self) -> RequirementKindEnum:  # type: ignore[valid-type]
        return RequirementKind(self.row.kind)

    @strawberry.field(description="Whether the threshold is a count, money, or a yes/no flag.")
    def measure(self) -> MeasureEnum:  # type: ignore[valid-type]
        return RequirementKind(self.row.kind).measure

    @strawberry.field(description="The count to reach, for COUNT requirements.")
    def count(self) -> int | None:
        if RequirementKind(self.row.kind).measure is not Measure.COUNT:
            return None
        return int(self.row.threshold or 0)

    @strawberry.field(description="The amount to reach, for MONEY requirements.")
    def amount(self) -> Money | None:
        if self.row.currency is None or self.row.threshold is None:
            return None
        return Money.of(Decimal(self.row.threshold), self.row.currency)

    @strawberry.field(description="The tier this requirement belongs to.")
    async def tier(self, info: Info) -> Tier:
        row = present(await info.context.loaders.tier.load(self.row.tier_id))
        return Tier.from_row(row)


@strawberry.type(description="A tier (membership level) of a program; `rank` 0 is the lowest.")
class Tier(Node):
    row: strawberry.Private[AnyTier]
    key: str = strawberry.field(description="Stable key from the program file.")
    name: str
    description: str
    rank: int = strawberry.field(description="Position in the program's order, 0 = entry tier.")
    invite_only: bool = strawberry.field(description="Reached only by invitation.")

    @classmethod
    def from_row(cls, row: AnyTier) -> Tier:
        return cls(
            id=strawberry.ID(encode_id("Tier", row.id)),
            row=row,
            key=row.key,
            name=row.name,
            description=row.description,
            rank=row.rank,
            invite_only=row.invite_only,
        )

    @strawberry.field(description="Benefits granted at this tier, in the program's order.")
    async def benefits(self, info: Info) -> list[Benefit]:
        rows = await info.context.loaders.benefits_of_tier.load(self.row.id)
        return [Benefit.from_row(r) for r in rows]

    @strawberry.field(description="Requirements of this tier, in the program's order.")
    async def requirements(self, info: Info) -> list[Requirement]:
        rows = await info.context.loaders.requirements_of_tier.load(self.row.id)
        return [Requirement.from_row(r) for r in rows]

    @strawberry.field(description="The program this tier belongs to.")
    async def program(self, info: Info) -> Annotated[Program, strawberry.lazy(__name__)]:
        row = present(await info.context.loaders.program.load(self.row.program_id))
        return Program.from_row(row)


@strawberry.type(description="A partner program, as defined by its program file.")
class Program(Node):
    row: strawberry.Private[ProgramRow]
    slug: str = strawberry.field(description="Stable, URL-safe name, e.g. `segment-technology`.")
    name: str
    description: str
    currency: str = strawberry.field(description="ISO 4217 currency of the program's money.")
    timezone: str = strawberry.field(
        description="IANA time zone in which the program's dates and business days are taken."
    )
    definition_sha256: str = strawberry.field(
        description="SHA-256 of the loaded program definition (canonical JSON)."
    )

    @classmethod
    def from_row(cls, row: ProgramRow) -> Program:
        return cls(
            id=strawberry.ID(encode_id("Program", row.id)),
            row=row,
            slug=row.slug,
            name=row.name,
            description=row.description,
            currency=row.currency,
            timezone=row.timezone,
            definition_sha256=row.definition_sha256,
        )

    @strawberry.field(
        description="Today's date in the program's time zone: facts default to it, none may be "
        "dated after it, and partner keys always record it (issue 11)."
    )
    def today(self) -> dt.date:
        return program_today(self.row)

    @strawberry.field(
        description="The program year containing a date (default the program's today; issue 12)."
    )
    def program_year(self, containing: dt.date | None = None) -> ProgramYearView:
        day = containing or program_today(self.row)
        return ProgramYearView.of(spec_of(self.row).program_year.years, day)

    @strawberry.field(description="The program's business days (CS-AGR-10).")
    def business_calendar(self) -> BusinessCalendar:
        return BusinessCalendar.of(calendar_of(spec_of(self.row)))

    @strawberry.field(
        description="Referral windows: decision, conflict, meeting, qualification and tail "
        "(null when the program takes no referrals)."
    )
    def referral_policy(self) -> ReferralPolicy | None:
        policy = policy_of(self.row)
        return None if policy is None else referral_policy_of(policy)

    @strawberry.field(
        description="Commission terms: brackets per schedule version, commissionable months, "
        "payment period (null when the program pays no commission)."
    )
    def commission_policy(self) -> CommissionPolicy | None:
        policy = policy_of(self.row)
        return None if policy is None else commission_policy_of(policy)

    @strawberry.field(description="Tiers, lowest first (SEG-TIER-01).")
    async def tiers(self, info: Info) -> list[Tier]:
        rows = await info.context.loaders.tiers_of_program.load(self.row.id)
        return [Tier.from_row(r) for r in rows]

    @strawberry.field(
        description="What the program calls its tiers, e.g. 'tier' or 'membership level'."
    )
    def level_label(self) -> str:
        return spec_of(self.row).membership.level_label

    @strawberry.field(description="Capacities a partner can join this program in (CS-AGR-02).")
    def capacities(self) -> list[str]:
        return [str(c) for c in spec_of(self.row).membership.capacities]

    @strawberry.field(
        description="Values the source documents leave open, shipped as defaults, and why."
    )
    def documented_defaults(self) -> list[DocumentedDefault]:
        return [
            DocumentedDefault(path=d.path, reason=d.reason)
            for d in spec_of(self.row).documented_defaults
        ]

    @strawberry.field(description="Support-hours windows a partner can choose (SUP-01).")
    def support_windows(
        self,
    ) -> list[Annotated[SupportWindow, strawberry.lazy("schema.support.types")]]:
        from schema.support.types import support_windows

        return support_windows(spec_of(self.row))

    @strawberry.field(
        description="Incident classifications and target response times "
        "(SUP-04; shipped defaults, see documentedDefaults)."
    )
    def incident_classifications(
        self,
    ) -> list[Annotated[IncidentClassification, strawberry.lazy("schema.support.types")]]:
        from schema.support.types import classifications

        return classifications(spec_of(self.row))


@strawberry.type(
    description="A program value the source documents leave open, and why we chose it."
)
class DocumentedDefault:
    path: str = strawberry.field(description="Dotted key path in the program file.")
    reason: str
