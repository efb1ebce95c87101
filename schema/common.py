"""Types shared across domains: the Node interface, Money, user errors."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import strawberry

from rules.money import round_money

T = TypeVar("T")


def present(row: T | None) -> T:
    """A row that a foreign key guarantees; its absence is a bug, not a user's answer."""
    if row is None:
        raise LookupError("a referenced row is missing")
    return row


@strawberry.interface(description="An object with an opaque global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID; never build or parse it.")


@strawberry.type(description="An amount of money: a decimal string and its ISO 4217 currency.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> Money:
        """Money rounded the one way the project rounds (rules.money)."""
        return cls(amount=round_money(amount, currency), currency=currency)
