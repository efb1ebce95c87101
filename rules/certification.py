"""Certification as of a date (CS-AGR-04): a partner is certified while it meets every
requirement of the tier (membership level) it holds, training included, and its membership is
active. Computed from the same requirement checks as tier evaluation (rules/tier_evaluation.py),
never stored, so the answer for any day follows from the facts dated on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.tier_evaluation import Evaluation, RequirementResult


@dataclass(frozen=True)
class Certification:
    """Whether the partner is certified on a day, and what it lacks."""

    on: date
    tier: str
    member: bool
    certified: bool
    requirements: tuple[RequirementResult, ...]

    @property
    def missing(self) -> tuple[RequirementResult, ...]:
        """The requirements of the tier not met on the day."""
        return tuple(r for r in self.requirements if not r.met)


def certification(evaluation: Evaluation, on: date, member: bool) -> Certification:
    """The certification of the tier held in `evaluation` (its `current` tier) on `on`;
    `member`: the membership is active that day."""
    tier = next(t for t in evaluation.tiers if t.key == evaluation.current)
    met = all(r.met for r in tier.requirements)
    return Certification(on, tier.key, member, member and met, tier.requirements)
