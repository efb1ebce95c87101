"""Shared across domains: the Node interface, Money, present rows and a program's today."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TypeVar

import strawberry

from rules.money import round_money
from schema.context import Info
from services.partners.memberships import program_today

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


async def program_today_of(info: Info, program_id: uuid.UUID) -> dt.date:
    """Today in a program's time zone, the program loaded through the request's DataLoader."""
    return program_today(present(await info.context.loaders.program.load(program_id)))
