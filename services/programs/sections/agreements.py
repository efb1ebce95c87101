"""Program file sections of the agreements domain: agreement kinds, their terms, notices and
liability caps (SEG-AGR-*, CS-AGR-*).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from services.programs.sections.fields import Days, Key, Money, Months, RuleId, Strict


class LiabilityCap(Strict):
    """The greater of a floor and an amount taken from the relationship (SEG-AGR-11, CS-AGR-08)."""

    floor: Money
    basis: Literal["commissions_paid_or_payable", "partner_payments_trailing_months"]
    basis_months: Months | None = None
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _months_for_trailing(self) -> LiabilityCap:
        if (self.basis == "partner_payments_trailing_months") != (self.basis_months is not None):
            raise ValueError("basis_months is required with, and only with, a trailing basis")
        return self


class NoticeDelivery(Strict):
    """When a written notice counts as given, by delivery method (SEG-AGR-13)."""

    method: Key
    given_on: Literal["receipt", "dispatch"] = Field(
        default="dispatch",
        description="receipt: given on the recorded day of receipt; dispatch: "
        "`deemed_given_after_days` after the day it was sent",
    )
    deemed_given_after_days: Days
    rule_ids: list[RuleId] = []


class AgreementDef(Strict):
    """An agreement kind of the program and its term, notice and termination figures."""

    kind: Key
    name: str = Field(min_length=1, max_length=200)
    role: Literal["membership", "capacity_schedule", "addendum"]
    capacity: Key | None = Field(
        default=None, description="one of membership.capacities (a capacity_schedule's role)"
    )
    acceptance_mode: Literal["click_accept", "apply_then_approve"]
    template: str = Field(
        pattern=r"^([a-z][a-z0-9-]{0,63}|[A-Za-z0-9_][A-Za-z0-9_./-]{0,250}\.docx)$",
        description="a shipped template id, or a .docx path relative to the program file",
    )
    initial_term_months: Months | None = None
    renewal_term_months: Months | None = None
    non_renewal_notice_days: Days | None = None
    convenience_termination_notice_days: Days
    breach_cure_days: Days
    immediate_termination_causes: list[Key] = []
    immediate_causes_open_to_partner: list[Key] = Field(
        default=[], description="immediate causes the partner may invoke too (issue 12)"
    )
    supplements: Key | None = Field(
        default=None, description="the agreement kind this one supplements and ends with"
    )
    confidential_information_return_days: Days | None = None
    governing_law: str
    venue: str
    liability_cap: LiabilityCap | None = None
    notice_delivery: list[NoticeDelivery] = []
    enables: list[Key] = Field(default=[], description="what an active acceptance unlocks")
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _term_consistency(self) -> AgreementDef:
        if ".." in self.template.split("/"):
            raise ValueError("template: a .docx path stays beside the program file (no '..')")
        if self.role == "capacity_schedule" and self.capacity is None:
            raise ValueError("a capacity_schedule agreement names its capacity")
        renewal = (self.renewal_term_months, self.non_renewal_notice_days)
        if self.initial_term_months is None and any(v is not None for v in renewal):
            raise ValueError("renewal figures need an initial_term_months")
        if not set(self.immediate_causes_open_to_partner) <= set(self.immediate_termination_causes):
            raise ValueError("immediate_causes_open_to_partner must be immediate causes")
        return self
