"""Net Commissionable Revenue of a Qualified Agreement (CS-REF-12, CS-REF-13), explained.

Only amounts dated in the first `months` months from signing count (first-year revenue, even
for multi-year deals). Invoiced recurring fees add; discounts, credits, refunds, rebates and
return allowances (the program's `revenue_deductions`) subtract; professional services, support,
customisation and consulting (`revenue_exclusions`) never count.

Taxes (CS-REF-13/14): fees are recorded net of tax, and the taxes invoiced on top of them are
recorded as lines of one of the program's `revenue_taxes` kinds. A tax line never counts
towards NCR (so tax is kept out of NCR exactly once) but is part of what the client owes, so
the paid-in-full check counts it: an invoice of 100,000 plus 20,000 VAT is a fee line of
100,000 and a tax line of 20,000, NCR 100,000, paid in full at 120,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.citations import cited_in
from rules.dates import add_months

FEE = "invoiced_fee"
ZERO = Decimal(0)


@dataclass(frozen=True)
class RevenueItem:
    """A revenue line as recorded."""

    kind: str
    amount: Decimal
    occurred_on: date


@dataclass(frozen=True)
class NcrLine:
    """How one revenue line counts."""

    kind: str
    occurred_on: date
    amount: Decimal
    counted: Decimal
    reason: str


@dataclass(frozen=True)
class NcrCitations:
    """The rule ids an NCR line's reason cites, as the program's file gives them: the window
    (and counted fees), taxes, exclusions and deductions. None given: no rule is cited."""

    window: tuple[str, ...] = ()
    taxes: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    deductions: tuple[str, ...] = ()


def known_kinds(
    deductions: Iterable[str], exclusions: Iterable[str], taxes: Iterable[str] = ()
) -> frozenset[str]:
    """Revenue kinds a program accepts."""
    return frozenset({FEE, *deductions, *exclusions, *taxes})


def net_commissionable_revenue(
    items: Iterable[RevenueItem],
    signed_on: date,
    months: int,
    deductions: frozenset[str],
    exclusions: frozenset[str],
    taxes: frozenset[str] = frozenset(),
    cites: NcrCitations = NcrCitations(),
) -> tuple[Decimal, list[NcrLine]]:
    """NCR and a line per revenue item saying how it counted, citing `cites`."""
    end = add_months(signed_on, months)
    lines = []
    for item in sorted(items, key=lambda i: (i.occurred_on, i.kind)):
        kind = item.kind.replace("_", " ")
        if not signed_on <= item.occurred_on < end:
            counted = ZERO
            reason = f"outside the first {months} months from signing{cited_in(cites.window)}"
        elif item.kind in taxes:
            counted = ZERO
            reason = f"{kind} is tax on top of the net fee{cited_in(cites.taxes)}"
        elif item.kind in exclusions:
            counted, reason = ZERO, f"{kind} is excluded{cited_in(cites.exclusions)}"
        elif item.kind in deductions:
            counted, reason = -item.amount, f"{kind} deducted{cited_in(cites.deductions)}"
        else:
            counted, reason = item.amount, f"recurring fee received{cited_in(cites.window)}"
        lines.append(NcrLine(item.kind, item.occurred_on, item.amount, counted, reason))
    return max(sum((line.counted for line in lines), ZERO), ZERO), lines


def billed_total(items: Iterable[RevenueItem], deductions: frozenset[str]) -> Decimal:
    """What the client owes in all: fees, excluded services and taxes, less what is credited
    back (CS-REF-07/14). Tax kinds add like any charge; only deductions subtract."""
    total = ZERO
    for item in items:
        total += -item.amount if item.kind in deductions else item.amount
    return total
