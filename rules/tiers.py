"""Pure tier rules over plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class Ranked(Protocol):
    """Anything with a tier rank (lower is lower)."""

    @property
    def rank(self) -> int: ...


R = TypeVar("R", bound=Ranked)


def entry_tier(tiers: Sequence[R]) -> R:
    """The tier every new member starts at: the lowest one (SEG-TIER-01)."""
    if not tiers:
        raise ValueError("a program needs at least one tier")
    return min(tiers, key=lambda t: t.rank)


def direction(from_rank: int | None, to_rank: int) -> str:
    """'entry', 'up', 'down' or 'same' for a tier change (SEG-TIER-06 history)."""
    if from_rank is None:
        return "entry"
    if to_rank > from_rank:
        return "up"
    if to_rank < from_rank:
        return "down"
    return "same"
