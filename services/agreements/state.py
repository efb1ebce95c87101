"""Reading an agreement's program figures and computing its state as of a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import overload

from models import Agreement, AgreementNotice, Program
from models.agreements.notices import NON_RENEWAL, PARTNER
from models.agreements.records import AgreementRecord, AnyAgreement, AnyNotice, NoticeRecord
from rules.agreement_terms import Facts, Notice, State, TerminationReason, Terms, state_on
from rules.bounded_cache import BoundedCache
from rules.liability import Cap, liability_cap
from services.programs.sections.agreements import AgreementDef
from services.programs.typed import spec_of

_kinds: BoundedCache[tuple[str, str], tuple[AgreementDef, Terms] | None] = BoundedCache(256)


def _kind(program: Program, kind: str) -> tuple[AgreementDef, Terms] | None:
    # A program version's definition never changes: its kinds and their terms are looked up
    # once per version (the dashboard asks for every agreement's status; issue 14).
    key = (program.definition_sha256, kind)
    try:
        return _kinds.entries[key]
    except KeyError:
        pass
    spec = next((s for s in spec_of(program).agreements if s.kind == kind), None)
    return _kinds.put(key, None if spec is None else (spec, terms_of(spec)))


def agreement_spec(program: Program, kind: str) -> AgreementDef | None:
    """The program file's definition of an agreement kind."""
    found = _kind(program, kind)
    return None if found is None else found[0]


_SUPPLEMENTED: BoundedCache[str, dict[str, str]] = BoundedCache(256)


def supplemented_kinds(program: Program) -> dict[str, str]:
    """Each agreement kind of a program with the kind it supplements ("" for none; "*" when
    that one is itself a supplement, so a status needs the term engine's reading)."""
    found = _SUPPLEMENTED.entries.get(program.definition_sha256)
    if found is None:
        specs = {s.kind: s.supplements or "" for s in spec_of(program).agreements}
        found = {k: "*" if specs.get(p) else p for k, p in specs.items()}
        _SUPPLEMENTED.put(program.definition_sha256, found)
    return found


def terms_of(spec: AgreementDef) -> Terms:
    """The term engine's figures for an agreement kind."""
    return Terms(
        initial_term_months=spec.initial_term_months,
        renewal_term_months=spec.renewal_term_months,
        non_renewal_notice_days=spec.non_renewal_notice_days,
        convenience_notice_days=spec.convenience_termination_notice_days,
        breach_cure_days=spec.breach_cure_days,
        immediate_causes=tuple(spec.immediate_termination_causes),
    )


def notice_fact(row: AnyNotice) -> Notice:
    """A stored notice as the term engine reads it."""
    return Notice(
        given_on=row.given_on,
        reason=TerminationReason(row.reason) if row.reason else None,
        cured_on=row.cured_on,
        by_partner=row.party == PARTNER,
    )


def facts_of(agreement: AnyAgreement) -> Facts:
    """The stored facts the term engine reads: the agreement's dates and every notice."""
    return Facts(
        effective_on=agreement.effective_on,
        rejected_on=agreement.rejected_on,
        notices=tuple(notice_fact(n) for n in agreement.notices),
    )


@overload
def latest_notice(agreement: Agreement, *, non_renewal: bool) -> AgreementNotice | None: ...
@overload
def latest_notice(agreement: AgreementRecord, *, non_renewal: bool) -> NoticeRecord | None: ...
def latest_notice(agreement: AnyAgreement, *, non_renewal: bool) -> AnyNotice | None:
    """The agreement's last notice dispatched of non-renewal, or of termination (any reason)."""
    found = [n for n in agreement.notices if (n.kind == NON_RENEWAL) == non_renewal]
    return found[-1] if found else None


def state_of(program: Program, agreement: AnyAgreement, on: date) -> State:
    """The agreement's state at the start of `on` (program time zone)."""
    found = _kind(program, agreement.kind)
    if found is None:
        raise LookupError(f"{program.slug} no longer defines agreement kind {agreement.kind}")
    return state_on(found[1], facts_of(agreement), on)


def cap_of(spec: AgreementDef, basis_amount: Decimal = Decimal(0)) -> Cap | None:
    """The liability cap of an agreement kind with a given basis amount: its terms, as the
    documents state them. The cap on an event date, with the basis taken from recorded facts
    (SEG-AGR-11: commissions paid or payable; CS-AGR-08: the partner's payments in the trailing
    months), is `services.commissions.liability.cap_on`.
    """
    rule = spec.liability_cap
    if rule is None:
        return None
    return liability_cap(
        rule.floor.amount, rule.floor.currency, rule.basis, basis_amount, rule.basis_months
    )
