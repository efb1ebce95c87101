"""Types shared across domains: the Node interface, Money, user errors."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from rules.money import round_money


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
