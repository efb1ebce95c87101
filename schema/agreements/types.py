"""Agreements and their acceptances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Acceptance as AcceptanceRow
from models import Program as ProgramRow
from models.agreements.records import AnyAgreement
from rules.agreement_terms import AgreementStatus, State, TerminationReason
from schema.agreements.notices import AgreementNotice, TerminationReasonEnum, party_name
from schema.common import Money, Node, present
from schema.context import Info
from schema.documents.types import Document
from schema.ids import encode_id
from schema.programs.types import Program
from services.agreements.state import agreement_spec, latest_notice, state_of
from services.agreements.supplements import state_among
from services.commissions.liability import cap_on
from services.partners.memberships import program_today
from services.programs.sections.agreements import AgreementDef

if TYPE_CHECKING:
    from collections.abc import Sequence

    from schema.loaders import Loaders
    from schema.partners.types import Partner

AgreementStatusEnum = strawberry.enum(
    AgreementStatus, name="AgreementStatus", description="An agreement's status on a date."
)


@strawberry.type(
    description="A signature: who accepted which template version, and the "
    "document rendered for it (SEG-AGR-01, SEG-AGR-12)."
)
class Acceptance(Node):
    row: strawberry.Private[AcceptanceRow]
    signer_name: str
    signer_title: str
    signer_email: str
    accepted_at: dt.datetime = strawberry.field(description="UTC.")
    client_ip: str | None
    user_agent: str | None
    template_id: str
    template_version: int
    document_sha256: str

    @classmethod
    def from_row(cls, row: AcceptanceRow) -> Acceptance:
        return cls(
            id=strawberry.ID(encode_id("Acceptance", row.id)),
            row=row,
            signer_name=row.signer_name,
            signer_title=row.signer_title,
            signer_email=row.signer_email,
            accepted_at=row.accepted_at,
            client_ip=row.client_ip,
            user_agent=row.user_agent,
            template_id=row.template_id,
            template_version=row.template_version,
            document_sha256=row.document_sha256,
        )

    @strawberry.field(description="The document rendered for this acceptance.")
    async def document(self, info: Info) -> Document | None:
        if self.row.document_id is None:
            return None
        return Document.from_row(
            present(await info.context.loaders.document.load(self.row.document_id))
        )

    @strawberry.field(description="The agreement accepted.")
    async def agreement(self, info: Info) -> Annotated[Agreement, strawberry.lazy(__name__)]:
        row = present(await info.context.loaders.agreement.load(self.row.agreement_id))
        return Agreement.from_row(row)


@strawberry.type(description="One amount counted in a liability cap's basis.")
class LiabilityBasisLine:
    on: dt.date | None
    amount: Money
    text: str


@strawberry.type(description="The liability cap as money, with the rule it follows.")
class LiabilityCap:
    amount: Money
    floor: Money
    explanation: str
    rule_ids: list[str]
    event_on: dt.date = strawberry.field(description="The event day the cap is taken on.")
    basis: Money = strawberry.field(description="The basis amount, the sum of `basisLines`.")
    basis_lines: list[LiabilityBasisLine] = strawberry.field(
        description="Line by line: commissions paid or payable (SEG-AGR-11) or the partner's "
        "payments in the months before the event (CS-AGR-08)."
    )


@strawberry.type(description="An agreement's computed state on one date (program time zone).")
class AgreementState:
    as_of: dt.date
    status: AgreementStatusEnum  # type: ignore[valid-type]
    effective_date: dt.date | None
    renewal_count: int | None = strawberry.field(
        description="Renewals so far (0 in the initial term); null without a fixed term."
    )
    current_term_start: dt.date | None
    current_term_end: dt.date | None = strawberry.field(description="Last day of the term.")
    non_renewal_deadline: dt.date | None = strawberry.field(
        description="Last day a non-renewal notice can be given for this term (SEG-AGR-07)."
    )
    ends_on: dt.date | None = strawberry.field(
        description="The day the agreement stops, once a notice fixes it."
    )


def status_among(
    loaders: Loaders, row: AnyAgreement, siblings: Sequence[AnyAgreement]
) -> AgreementStatus:
    """`Agreement.status` once the program, its today and the partner's agreements
    (`siblings`) are loaded: `state_among` as of the program's today."""
    program = present(loaders.loaded_program(row.program_id))
    present(agreement_spec(program, row.kind))  # an undefined kind: the field's error
    today = present(loaders.loaded_today(row.program_id))
    return state_among(program, row, siblings, today, loaders.states_today).status


@strawberry.type(description="An agreement of one kind between a program and a partner.")
class Agreement(Node):
    row: strawberry.Private[AnyAgreement]
    kind: str
    version: int = strawberry.field(description="Increases with every change.")
    applied_on: dt.date | None = strawberry.field(description="Application date (CS-AGR-01).")
    decided_at: dt.datetime | None
    decision_reason: str | None
    non_renewal_notice_on: dt.date | None = strawberry.field(
        description="When the non-renewal notice is deemed given (see `notices`)."
    )
    termination_notice_on: dt.date | None = strawberry.field(
        description="When the last termination notice is deemed given (see `notices`)."
    )
    termination_cause: str | None
    termination_notice_sent_on: dt.date | None = strawberry.field(
        description="Day the last termination notice was sent (dispatch)."
    )
    termination_notice_method: str | None = strawberry.field(
        description="How it was delivered (SEG-AGR-13); null when not recorded."
    )
    termination_notice_received_on: dt.date | None = strawberry.field(
        description="Recorded day of receipt."
    )
    non_renewal_notice_sent_on: dt.date | None
    non_renewal_notice_method: str | None
    non_renewal_notice_received_on: dt.date | None
    cured_on: dt.date | None = strawberry.field(
        description="Day the breach under the last breach notice was cured (recordCure); "
        "earlier breaches and cures are in `notices`."
    )

    @classmethod
    def from_row(cls, row: AnyAgreement) -> Agreement:
        ending = latest_notice(row, non_renewal=False)
        expiry = latest_notice(row, non_renewal=True)
        return cls(
            id=strawberry.ID(encode_id("Agreement", row.id)),
            row=row,
            kind=row.kind,
            version=row.version,
            applied_on=row.applied_on,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            non_renewal_notice_on=None if expiry is None else expiry.given_on,
            termination_notice_on=None if ending is None else ending.given_on,
            termination_cause=None if ending is None else ending.cause,
            termination_notice_sent_on=None if ending is None else ending.sent_on,
            termination_notice_method=None if ending is None else ending.method,
            termination_notice_received_on=None if ending is None else ending.received_on,
            non_renewal_notice_sent_on=None if expiry is None else expiry.sent_on,
            non_renewal_notice_method=None if expiry is None else expiry.method,
            non_renewal_notice_received_on=None if expiry is None else expiry.received_on,
            cured_on=None if ending is None else ending.cured_on,
        )

    async def _program(self, info: Info) -> ProgramRow:
        return present(await info.context.loaders.program.load(self.row.program_id))

    def _spec(self, program: ProgramRow) -> AgreementDef:
        return present(agreement_spec(program, self.row.kind))

    @strawberry.field(description="The agreement's name from the program file.")
    async def name(self, info: Info) -> str:
        return self._spec(await self._program(info)).name

    @strawberry.field(description="CLICK_ACCEPT (SEG-AGR-01) or APPLY_THEN_APPROVE (CS-AGR-01).")
    async def acceptance_mode(self, info: Info) -> str:
        return self._spec(await self._program(info)).acceptance_mode.upper()

    @strawberry.field(description="The program.")
    async def program(self, info: Info) -> Program:
        return Program.from_row(await self._program(info))

    @strawberry.field(description="The partner.")
    async def partner(
        self, info: Info
    ) -> Annotated[Partner, strawberry.lazy("schema.partners.types")]:
        from schema.partners.types import Partner

        row = present(await info.context.loaders.partner.load(self.row.partner_id))
        return Partner.from_row(row)

    @strawberry.field(description="Effective Date: acceptance (click) or approval day.")
    def effective_date(self) -> dt.date | None:
        return self.row.effective_on

    @strawberry.field(description="Reason of the last termination notice, if one was given.")
    def termination_reason(self) -> TerminationReasonEnum | None:  # type: ignore[valid-type]
        ending = latest_notice(self.row, non_renewal=False)
        return TerminationReason(ending.reason) if ending and ending.reason else None

    @strawberry.field(
        description="Who gave the last termination notice: OPERATOR or PARTNER (null: none)."
    )
    def terminated_by(self) -> str | None:
        ending = latest_notice(self.row, non_renewal=False)
        return None if ending is None else party_name(ending.party)

    @strawberry.field(
        description="Every notice given under the agreement, oldest dispatch first: "
        "non-renewal, termination and breach notices with their own dates and cures."
    )
    async def notices(self, info: Info) -> list[AgreementNotice]:
        program = await self._program(info)
        return [
            AgreementNotice.from_row(n, program, self.row.kind, self.row.effective_on)
            for n in self.row.notices
        ]

    async def _state(self, info: Info, on: dt.date) -> State:
        program = await self._program(info)
        if not self._spec(program).supplements:
            return state_of(program, self.row, on)
        # The partner's agreements through the request's DataLoader: no statement per row.
        siblings = await info.context.loaders.agreements_of_partner.load(self.row.partner_id)
        return state_among(program, self.row, siblings, on)

    @strawberry.field(
        description="The state as of a date (default: today, program time zone); "
        "computed from stored facts, never from a background job. A supplementary agreement "
        "ends no later than the agreement it supplements. A past date's answer changes only "
        "when a fact dated on or before it is recorded."
    )
    async def state(self, info: Info, as_of: dt.date | None = None) -> AgreementState:
        program = await self._program(info)
        on = as_of or program_today(program)
        state = await self._state(info, on)
        return AgreementState(
            as_of=on,
            status=state.status,
            effective_date=state.effective_on,
            renewal_count=state.renewal_count,
            current_term_start=state.current_term_start,
            current_term_end=state.current_term_end,
            non_renewal_deadline=state.non_renewal_deadline,
            ends_on=state.ends_on,
        )

    @strawberry.field(
        description="Status today (program time zone); see `state(asOf:)`.",
        graphql_type=AgreementStatusEnum,
    )
    def status(self, info: Info) -> AgreementStatus | Awaitable[AgreementStatus]:
        loaders = info.context.loaders
        program = loaders.loaded_program(self.row.program_id)
        today = loaders.loaded_today(self.row.program_id)
        if program is None or today is None:
            return self._status_later(info)
        siblings = loaders.agreements_of_partner.settled(self.row.partner_id)
        if siblings is None:
            if not self._spec(program).supplements:
                return state_of(program, self.row, today).status
            return self._status_later(info)
        return status_among(loaders, self.row, siblings.result())

    async def _status_later(self, info: Info) -> AgreementStatus:
        program = await self._program(info)
        return (await self._state(info, program_today(program))).status

    @strawberry.field(
        description="Liability cap (SEG-AGR-11, CS-AGR-08) for an event on `eventOn` "
        "(default: today), its basis taken from recorded facts; null if none."
    )
    async def liability_cap(
        self, info: Info, event_on: dt.date | None = None
    ) -> LiabilityCap | None:
        program = await self._program(info)
        spec = self._spec(program)
        on = event_on or program_today(program)
        found = await info.context.loaders.read(lambda s: cap_on(s, program, self.row, spec, on))
        if found is None:
            return None
        cap, lines = found
        return LiabilityCap(
            amount=Money.of(cap.amount, cap.currency),
            floor=Money.of(cap.floor, cap.currency),
            explanation=cap.explanation,
            rule_ids=list(spec.liability_cap.rule_ids if spec.liability_cap else []),
            event_on=on,
            basis=Money.of(cap.basis_amount, cap.currency),
            basis_lines=[
                LiabilityBasisLine(
                    on=line.on, amount=Money.of(line.amount, cap.currency), text=line.text
                )
                for line in lines
            ],
        )

    @strawberry.field(description="Every acceptance, oldest first; old versions stay on record.")
    async def acceptances(self, info: Info) -> list[Acceptance]:
        rows = await info.context.loaders.acceptances_of_agreement.load(self.row.id)
        return [Acceptance.from_row(r) for r in rows]

    @strawberry.field(description="Every document generated for this agreement, oldest first.")
    async def documents(self, info: Info) -> list[Document]:
        rows = await info.context.loaders.documents_of_agreement.load(self.row.id)
        return [Document.from_row(r) for r in rows]

    @strawberry.field(description="The newest published template version for this kind.")
    async def current_template_version(self, info: Info) -> int | None:
        program = await self._program(info)
        row = await info.context.loaders.current_template.load((program.slug, self.row.kind))
        return None if row is None else row.version

    @strawberry.field(
        description="True when a newer template version needs a fresh acceptance (SEG-AGR-12)."
    )
    async def requires_new_acceptance(self, info: Info) -> bool:
        program = await self._program(info)
        current = await info.context.loaders.current_template.load((program.slug, self.row.kind))
        accepted = await info.context.loaders.acceptances_of_agreement.load(self.row.id)
        if current is None or not accepted or self.row.effective_on is None:
            return False
        return not any(
            a.template_id == current.template_id and a.template_version == current.version
            for a in accepted
        )
