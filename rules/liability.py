"""Liability caps: the greater of a floor and an amount taken from the relationship.

SEG-AGR-11: the floor (US$10,000) or the commissions paid or payable to the partner.
CS-AGR-08: the floor (US$100,000) or what the partner paid in the 12 months before the first
event giving rise to liability.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.money import round_money


@dataclass(frozen=True)
class Cap:
    """A computed cap and why it is what it is."""

    amount: Decimal
    currency: str
    floor: Decimal
    basis_amount: Decimal
    basis_text: str
    explanation: str


BASIS_TEXT = {
    "commissions_paid_or_payable": "commissions paid or payable to the partner",
    "partner_payments_trailing_months": "amounts the partner paid in the {months} months "
    "before the first event giving rise to liability",
}


def liability_cap(
    floor: Decimal,
    currency: str,
    basis: str,
    basis_amount: Decimal,
    basis_months: int | None = None,
) -> Cap:
    """The greater of `floor` and `basis_amount`, both in `currency`."""
    described = BASIS_TEXT[basis].format(months=basis_months)
    amount = round_money(max(floor, basis_amount), currency)
    chosen = "the floor" if floor >= basis_amount else described
    explanation = (
        f"greater of {currency} {floor:,.2f} and {described} "
        f"({currency} {basis_amount:,.2f}): {chosen}"
    )
    return Cap(amount, currency, floor, basis_amount, described, explanation)
