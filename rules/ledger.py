"""A partner's commission ledger in one program as a pure function of its dated facts.

`ledger_on(facts, terms, on)` reads only facts dated on or before `on`: qualified agreements by
signing day, revenue lines by their own date (a correction or void by the day it takes effect),
client payments by receipt, payouts by payment day. A fact dated after `on` never changes the
answer for `on`. Every year of the partner is computed from its first year on, so revenue added
to year Y moves the rate carried into Y+1 and later years (CS-REF-16). A year is the one the
program's brackets accumulate over (`Terms.year_of`): the calendar year of the signing day, or
its program year.

A paid commission never changes: what was paid stays as paid, and when later facts would change
it, the difference is an adjustment line naming the fact that caused it. Facts are "later" when
dated after the payment or recorded after the payout was; each adds the change it makes, in the
order they were recorded. Adjustments are settled by the partner's next payout: a decrease at
once, an increase once the client has paid everything billed on that agreement (CS-REF-07).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from rules import commissions as engine
from rules.citations import cited_in
from rules.ncr import RevenueItem, billed_total, net_commissionable_revenue

ZERO = Decimal(0)


@dataclass(frozen=True)
class QualifiedFact:
    key: str
    signed_on: date
    recorded_at: datetime
    schedule: engine.Schedule
    excluded: str | None = None
    excluded_rule: str = ""  # the rule id an exclusion's line cites (the program's own)


@dataclass(frozen=True)
class RevenueFact:
    key: str
    qualified: str
    kind: str
    amount: Decimal
    occurred_on: date
    recorded_at: datetime
    effective_on: date | None = None
    supersedes: str | None = None
    voided: bool = False

    @property
    def dated(self) -> date:
        """The fact's own date: the revenue's, or the day a correction or void takes effect."""
        return self.effective_on or self.occurred_on


@dataclass(frozen=True)
class PaymentFact:
    key: str
    qualified: str
    received_on: date
    amount: Decimal
    recorded_at: datetime


@dataclass(frozen=True)
class Settled:
    """Part of an adjustment a payout settled."""

    qualified: str
    cause: str
    amount: Decimal


@dataclass(frozen=True)
class PayoutFact:
    key: str
    qualified: str
    paid_on: date
    gross: Decimal
    recorded_at: datetime
    settled: tuple[Settled, ...] = ()


@dataclass(frozen=True)
class Facts:
    qualified: tuple[QualifiedFact, ...] = ()
    revenue: tuple[RevenueFact, ...] = ()
    payments: tuple[PaymentFact, ...] = ()
    payouts: tuple[PayoutFact, ...] = ()


def calendar_year(day: date) -> int:
    """The calendar year of a day: the default accumulation year (CS-REF-15)."""
    return day.year


@dataclass(frozen=True)
class Terms:
    """The program's commission terms the ledger needs. `year_of` names the year a signing day
    accumulates in (the calendar year, or the program year: `rules/program_year.py`), and
    `carry_over_into(year)` says whether the previous year's rate carries into `year`."""

    months: int
    deductions: frozenset[str]
    exclusions: frozenset[str]
    taxes: frozenset[str]
    due_days: int
    carry_over_into: Callable[[int], bool]
    year_of: Callable[[date], int] = calendar_year


@dataclass(frozen=True)
class Adjustment:
    """A change to a paid commission, caused by a later fact."""

    qualified: str
    cause: str
    amount: Decimal
    reason: str
    cause_kind: str = "recomputation"


@dataclass(frozen=True)
class Entry:
    """One qualified agreement's commission on a date."""

    qualified: str
    year: int
    schedule_version: str
    ncr: Decimal
    amount: Decimal
    lines: list[engine.Line]
    carried_in: Decimal | None
    payable_on: date | None
    due_on: date | None
    paid_on: date | None
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.paid_on is not None:
            return "paid"
        return "payable" if self.payable_on is not None else "pending"


@dataclass(frozen=True)
class Ledger:
    on: date
    entries: dict[str, Entry]
    outstanding: list[Adjustment]

    def total(self, status: str) -> Decimal:
        return sum((e.amount for e in self.entries.values() if e.status == status), ZERO)

    @property
    def adjustments_due(self) -> Decimal:
        return sum((a.amount for a in self.outstanding), ZERO)

    @property
    def balance(self) -> Decimal:
        """What the program owes the partner now: payable commissions and open adjustments."""
        return self.total("payable") + self.adjustments_due


def known_on(facts: Facts, on: date, recorded_before: datetime | None = None) -> Facts:
    """The facts dated on or before `on` (and recorded before a moment, when given)."""

    def kept(day: date, at: datetime) -> bool:
        return day <= on and (recorded_before is None or at < recorded_before)

    return Facts(
        tuple(q for q in facts.qualified if kept(q.signed_on, q.recorded_at)),
        tuple(r for r in facts.revenue if kept(r.dated, r.recorded_at)),
        tuple(p for p in facts.payments if kept(p.received_on, p.recorded_at)),
        tuple(p for p in facts.payouts if kept(p.paid_on, p.recorded_at)),
    )


def in_effect(revenue: Sequence[RevenueFact]) -> list[RevenueFact]:
    """Revenue lines that count: not superseded by a correction or void among `revenue`."""
    superseded = {r.supersedes for r in revenue if r.supersedes is not None}
    return [r for r in revenue if r.key not in superseded and not r.voided]


def _items(facts: Facts) -> dict[str, list[RevenueItem]]:
    items: dict[str, list[RevenueItem]] = {q.key: [] for q in facts.qualified}
    for r in in_effect(facts.revenue):
        if r.qualified in items:
            items[r.qualified].append(RevenueItem(r.kind, r.amount, r.occurred_on))
    return items


def amounts(facts: Facts, terms: Terms) -> dict[str, Entry]:
    """Every commission computed from the facts, ignoring payments and payouts."""
    items = _items(facts)
    ordered = sorted(facts.qualified, key=_order)
    years: dict[int, list[engine.Earning]] = {}
    ncrs: dict[str, Decimal] = {}
    for q in ordered:
        ncr, _ = net_commissionable_revenue(
            items[q.key], q.signed_on, terms.months, terms.deductions, terms.exclusions, terms.taxes
        )
        ncrs[q.key] = ZERO if q.excluded else ncr
        years.setdefault(terms.year_of(q.signed_on), []).append(
            engine.Earning(q.key, ncrs[q.key], q.schedule)
        )
    computed = engine.partner_years(years, terms.carry_over_into)
    out = {}
    for q in ordered:
        label = terms.year_of(q.signed_on)
        year = computed[label]
        lines = year.lines[q.key]
        if q.excluded:
            lines = [
                engine.Line(
                    ZERO, ZERO, ZERO, ZERO, ZERO, q.excluded_rule, q.schedule.version, q.excluded
                )
            ]
        out[q.key] = Entry(
            q.key,
            label,
            q.schedule.version,
            ncrs[q.key],
            engine.total(lines),
            lines,
            year.carried_in,
            None,
            None,
            None,
        )
    return out


def payable_on(
    items: list[RevenueItem], payments: Sequence[PaymentFact], terms: Terms
) -> date | None:
    """The day the client's payments first covered everything billed (CS-REF-07/14)."""
    billed = billed_total(items, terms.deductions)
    if billed <= 0:
        return None
    paid = ZERO
    for payment in sorted(payments, key=lambda p: (p.received_on, p.recorded_at)):
        paid += payment.amount
        if paid >= billed:
            return payment.received_on
    return None


def _describe(fact: QualifiedFact | RevenueFact | PaymentFact) -> str:
    if isinstance(fact, QualifiedFact):
        return f"qualified agreement signed on {fact.signed_on}"
    if isinstance(fact, RevenueFact):
        if fact.voided:
            return f"void of a revenue line, from {fact.dated}"
        what = "correction of a revenue line" if fact.supersedes else "revenue line"
        return f"{what} ({fact.kind.replace('_', ' ')} {fact.amount:,.2f} of {fact.occurred_on})"
    return f"client payment of {fact.received_on}"


def _order(q: QualifiedFact) -> tuple[date, datetime, str]:
    return (q.signed_on, q.recorded_at, q.key)


def _bearing_on(facts: Facts, key: str, year_of: Callable[[date], int]) -> Facts:
    """The facts a commission's amount can depend on: agreements of earlier years (through the
    carried rate) and those earned before it in its own year, with their revenue."""
    target = next((q for q in facts.qualified if q.key == key), None)
    if target is None:
        return facts
    year = year_of(target.signed_on)
    kept = tuple(
        q
        for q in facts.qualified
        if year_of(q.signed_on) < year
        or (year_of(q.signed_on) == year and _order(q) <= _order(target))
    )
    keys = {q.key for q in kept}
    return replace(
        facts, qualified=kept, revenue=tuple(r for r in facts.revenue if r.qualified in keys)
    )


def _adjustments(
    payout: PayoutFact, facts: Facts, terms: Terms, on: date
) -> tuple[Entry | None, list[Adjustment]]:
    """The commission as paid, and how facts not known at the payout change it."""
    known = _bearing_on(known_on(facts, on), payout.qualified, terms.year_of)
    base = known_on(known, payout.paid_on, payout.recorded_at)
    before = amounts(base, terms).get(payout.qualified)
    previous = before.amount if before else ZERO
    out = []
    if previous != payout.gross:
        out.append(
            Adjustment(
                payout.qualified,
                "recomputation",
                previous - payout.gross,
                f"recomputed from the facts known at payment: {previous:,.2f}, "
                f"paid {payout.gross:,.2f}",
            )
        )
    final = amounts(known, terms).get(payout.qualified)
    if (final.amount if final else ZERO) == previous:
        return before, out  # later facts change nothing: no need to attribute
    target = next((q for q in known.qualified if q.key == payout.qualified), None)
    cites = cited_in(target.schedule.rule_ids) if target is not None else ""
    in_base = {q.key for q in base.qualified} | {r.key for r in base.revenue}
    later: list[QualifiedFact | RevenueFact] = [
        *(q for q in known.qualified if q.key not in in_base),
        *(r for r in known.revenue if r.key not in in_base),
    ]
    later.sort(key=lambda f: (f.recorded_at, f.key))
    current = base
    for fact in later:
        if isinstance(fact, QualifiedFact):
            current = replace(current, qualified=(*current.qualified, fact))
        else:
            current = replace(current, revenue=(*current.revenue, fact))
        entry = amounts(current, terms).get(payout.qualified)
        now = entry.amount if entry else ZERO
        if now != previous:
            out.append(
                Adjustment(
                    payout.qualified,
                    fact.key,
                    now - previous,
                    f"{_describe(fact)} changes the paid commission from {previous:,.2f} "
                    f"to {now:,.2f}{cites}",
                    "qualified_agreement" if isinstance(fact, QualifiedFact) else "revenue_line",
                )
            )
        previous = now
    return before, out


def ledger_on(facts: Facts, terms: Terms, on: date) -> Ledger:
    """The partner's commissions, their standing and open adjustments on a date."""
    known = known_on(facts, on)
    entries = amounts(known, terms)
    items = _items(known)
    payouts = {p.qualified: p for p in known.payouts}
    settled: dict[tuple[str, str], Decimal] = {}
    for payout in known.payouts:
        for part in payout.settled:
            pair = (part.qualified, part.cause)
            settled[pair] = settled.get(pair, ZERO) + part.amount
    outstanding: list[Adjustment] = []
    for key, entry in list(entries.items()):
        payments = [p for p in known.payments if p.qualified == key]
        ready = payable_on(items[key], payments, terms) if entry.amount > 0 else None
        due = ready + timedelta(days=terms.due_days) if ready else None
        paid_out = payouts.get(key)
        if paid_out is None:
            entries[key] = replace(entry, payable_on=ready, due_on=due)
            continue
        paid, adjustments = _adjustments(paid_out, facts, terms, on)
        entries[key] = replace(
            entry,
            amount=paid_out.gross,
            lines=paid.lines if paid else entry.lines,
            ncr=paid.ncr if paid else entry.ncr,
            carried_in=paid.carried_in if paid else entry.carried_in,
            payable_on=ready,
            due_on=due,
            paid_on=paid_out.paid_on,
            adjustments=adjustments,
        )
        remaining = {(a.qualified, a.cause): a for a in adjustments}
        for (qualified, cause), amount in settled.items():
            if qualified != key:
                continue
            line = remaining.get((qualified, cause))
            left = (line.amount if line else ZERO) - amount
            reason = line.reason if line else "settled adjustment no longer arises"
            kind = line.cause_kind if line else "recomputation"
            remaining[(qualified, cause)] = Adjustment(qualified, cause, left, reason, kind)
        # CS-REF-07: an increase is owed only once the client has paid everything billed on
        # this agreement (a new invoice of it waits for its payment); a decrease at once.
        outstanding.extend(
            a for a in remaining.values() if a.amount < 0 or (a.amount > 0 and ready is not None)
        )
    return Ledger(on, entries, outstanding)
