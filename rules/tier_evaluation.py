"""Tier evaluation (SEG-TIER-02/04/05/06, CS-AGR-03): which tier a partner qualifies for, and
why, requirement by requirement.

- Influenced revenue counts closed-won deals in the window: the prior calendar year, or the
  prior program year when the program says so (annual mode), or the trailing days ending on
  the evaluation day (mid-year mode); professional
  services never count (SEG-TIER-05). Other evidence counts as held on the evaluation day.
- A requirement marked invited-only at a tier applies only to partners invited to that tier.
- An invite-only tier is reached only with an invitation.
- Advancing needs the current tier's requirements and the target's (SEG-TIER-02); a partner
  failing its current tier qualifies for the highest lower tier it meets (moves down, CS-AGR-03),
  and never below the entry tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rules.enums import Measure, RequirementKind
from rules.program_year import CALENDAR_YEAR, ProgramYear

ZERO = Decimal(0)


@dataclass(frozen=True)
class RequirementSpec:
    """A requirement of one tier."""

    key: str
    kind: RequirementKind
    threshold: Decimal | None
    currency: str | None
    invited_only: bool
    rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierSpec:
    """A tier and its requirements, lowest rank first."""

    key: str
    name: str
    rank: int
    invite_only: bool
    requirements: tuple[RequirementSpec, ...]


@dataclass(frozen=True)
class EvidenceItem:
    """Evidence as plain values."""

    kind: str
    occurred_on: date | None
    amount: Decimal | None = None
    professional_services: bool = False
    expires_on: date | None = None
    completed: bool = True


@dataclass(frozen=True)
class Facts:
    """What a partner holds on the evaluation day."""

    agreement_in_effect: bool
    counts: dict[RequirementKind, int]
    influenced_revenue: Decimal
    flags: frozenset[RequirementKind]


@dataclass(frozen=True)
class RequirementResult:
    """One requirement, met or not, with the figure against its threshold."""

    key: str
    kind: RequirementKind
    measure: Measure
    applies: bool
    met: bool
    actual: Decimal
    threshold: Decimal | None
    currency: str | None
    note: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class TierResult:
    """A tier: whether the partner may hold it and meets all its requirements."""

    key: str
    name: str
    rank: int
    invited: bool
    reachable: bool
    met: bool
    requirements: tuple[RequirementResult, ...]


@dataclass(frozen=True)
class Evaluation:
    """The outcome and its explanation."""

    window_start: date
    window_end: date
    current: str
    qualified: str
    direction: str
    tiers: tuple[TierResult, ...]


def window(
    mode: str, on: date, midyear_days: int, years: ProgramYear = CALENDAR_YEAR
) -> tuple[date, date]:
    """The influenced-revenue window, both ends included (SEG-TIER-05): in annual mode the year
    (of `years`: calendar or program years) before the one containing `on`."""
    if mode == "annual":
        return years.prior(on)
    return on - timedelta(days=midyear_days - 1), on


def gather(
    items: Iterable[EvidenceItem],
    on: date,
    start: date,
    end: date,
    agreement_in_effect: bool,
    exclude_professional_services: bool = True,
) -> Facts:
    """The facts of a partner's evidence on a day, revenue counted within [start, end]."""
    counts: dict[RequirementKind, int] = {}
    flags: set[RequirementKind] = set()
    revenue = ZERO
    for item in items:
        if item.occurred_on is None or item.occurred_on > on:
            continue
        if item.kind == "influenced_revenue":
            if start <= item.occurred_on <= end and not (
                exclude_professional_services and item.professional_services
            ):
                revenue += item.amount or ZERO
            continue
        if item.expires_on is not None and item.expires_on < on:
            continue
        kind = {
            "success_story": RequirementKind.SUCCESS_STORIES,
            "training": RequirementKind.TRAININGS_COMPLETED,
            "certification": RequirementKind.CERTIFICATIONS,
        }.get(item.kind)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
            continue
        flag = {
            "gtm_plan": RequirementKind.JOINT_GTM_PLAN,
            "account_mapping": RequirementKind.ACCOUNT_MAPPING,
            "joint_solution": RequirementKind.JOINT_SOLUTION_LAUNCHED,
        }.get(item.kind)
        if flag is not None and item.completed:
            flags.add(flag)
    return Facts(agreement_in_effect, counts, revenue, frozenset(flags))


def _check(spec: RequirementSpec, facts: Facts, invited: bool) -> RequirementResult:
    measure = spec.kind.measure
    applies = invited or not spec.invited_only
    if spec.kind is RequirementKind.AGREEMENT_ACCEPTED:
        actual = Decimal(int(facts.agreement_in_effect))
        met, note = facts.agreement_in_effect, "program terms in effect"
    elif measure is Measure.MONEY:
        actual = facts.influenced_revenue
        met = actual >= (spec.threshold or ZERO)
        note = f"influenced revenue {actual:,.2f} against {spec.threshold:,.2f} {spec.currency}"
    elif measure is Measure.COUNT:
        actual = Decimal(facts.counts.get(spec.kind, 0))
        met = actual >= (spec.threshold or ZERO)
        note = f"{actual} of {spec.threshold:.0f} {spec.kind.value.replace('_', ' ')}"
    else:
        actual = Decimal(int(spec.kind in facts.flags))
        met = spec.kind in facts.flags
        note = f"{spec.kind.value.replace('_', ' ')}: {'yes' if met else 'no'}"
    if not applies:
        note = f"applies only to invited partners ({note})"
    return RequirementResult(
        spec.key,
        spec.kind,
        measure,
        applies,
        met or not applies,
        actual,
        spec.threshold,
        spec.currency,
        note,
        spec.rule_ids,
    )


def evaluate(
    tiers: Sequence[TierSpec],
    facts: Facts,
    current: str,
    invited: set[str],
    start: date,
    end: date,
    keeping_needs_requirements: bool = True,
) -> Evaluation:
    """Evaluate every tier and pick the one the partner qualifies for.

    `keeping_needs_requirements` (program data `requires_current_tier_requirements`, CS-AGR-03):
    when false, a partner that no longer meets its tier keeps it (never moves down) and can
    still move up to a higher tier it meets.
    """
    ordered = sorted(tiers, key=lambda t: t.rank)
    results = []
    for tier in ordered:
        is_invited = tier.key in invited
        checks = tuple(_check(r, facts, is_invited) for r in tier.requirements)
        reachable = is_invited or not tier.invite_only
        results.append(
            TierResult(
                tier.key,
                tier.name,
                tier.rank,
                is_invited,
                reachable,
                reachable and all(c.met for c in checks),
                checks,
            )
        )
    by_key = {r.key: r for r in results}
    current_result = by_key.get(current, results[0])
    met = [r for r in results if r.met]
    if not keeping_needs_requirements:
        higher = [r for r in met if r.rank > current_result.rank]
        chosen = max(higher, key=lambda r: r.rank) if higher else current_result
    elif current_result.met:
        chosen = max(met, key=lambda r: r.rank)
    else:
        lower = [r for r in met if r.rank < current_result.rank]
        chosen = max(lower, key=lambda r: r.rank) if lower else results[0]
    direction = (
        "same"
        if chosen.key == current_result.key
        else "up"
        if chosen.rank > current_result.rank
        else "down"
    )
    return Evaluation(start, end, current_result.key, chosen.key, direction, tuple(results))
