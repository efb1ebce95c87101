"""The pure tier evaluation (SEG-TIER-02/04/05) on the Segment tiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.enums import RequirementKind as K
from rules.program_year import ProgramYear
from rules.tier_evaluation import (
    EvidenceItem,
    RequirementSpec,
    TierSpec,
    evaluate,
    gather,
    window,
)
from services.errors import UseCaseError
from services.tiers.program_year import review_period_bounds

D = Decimal


def req(
    key: str, kind: K, threshold: int | None = None, invited_only: bool = False
) -> RequirementSpec:
    return RequirementSpec(
        key,
        kind,
        D(threshold) if threshold is not None else None,
        "USD" if kind is K.INFLUENCED_REVENUE else None,
        invited_only,
    )


TERMS = req("terms", K.AGREEMENT_ACCEPTED)
TIERS = [
    TierSpec("registered", "Registered", 0, False, (TERMS,)),
    TierSpec(
        "bronze",
        "Bronze",
        1,
        False,
        (
            TERMS,
            req("stories", K.SUCCESS_STORIES, 1),
            req("revenue", K.INFLUENCED_REVENUE, 100_000),
        ),
    ),
    TierSpec(
        "silver",
        "Silver",
        2,
        False,
        (
            TERMS,
            req("stories", K.SUCCESS_STORIES, 2),
            req("revenue", K.INFLUENCED_REVENUE, 500_000),
            req("gtm", K.JOINT_GTM_PLAN, invited_only=True),
        ),
    ),
    TierSpec(
        "gold",
        "Gold",
        3,
        False,
        (
            TERMS,
            req("stories", K.SUCCESS_STORIES, 3),
            req("revenue", K.INFLUENCED_REVENUE, 1_000_000),
            req("gtm", K.JOINT_GTM_PLAN),
            req("mapping", K.ACCOUNT_MAPPING),
        ),
    ),
]
ON = date(2026, 1, 15)


def items(stories: int, deals: list[tuple[date, int, bool]]) -> list[EvidenceItem]:
    out = [EvidenceItem("success_story", date(2025, 3, i + 1)) for i in range(stories)]
    out += [EvidenceItem("influenced_revenue", day, D(amount), ps) for day, amount, ps in deals]
    return out


def test_windows() -> None:
    assert window("annual", ON, 365) == (date(2025, 1, 1), date(2025, 12, 31))
    assert window("midyear", date(2026, 7, 1), 365) == (date(2025, 7, 2), date(2026, 7, 1))


def test_the_annual_window_of_a_program_year_from_1_april() -> None:
    """Issue 12: with `annual_window = "prior_program_year"` and a year from 1 April, the
    annual window on 1 April 2026 is 1 April 2025 .. 31 March 2026; on 31 March 2026 it is the
    year before that. The mid-year window does not depend on the program year."""
    fiscal = ProgramYear.parse("04-01")
    assert window("annual", date(2026, 4, 1), 365, fiscal) == (date(2025, 4, 1), date(2026, 3, 31))
    assert window("annual", date(2026, 3, 31), 365, fiscal) == (
        date(2024, 4, 1),
        date(2025, 3, 31),
    )
    assert window("midyear", date(2026, 7, 1), 365, fiscal) == (date(2025, 7, 2), date(2026, 7, 1))


def test_silver_with_explanation() -> None:
    """Done when: 2 stories and US$600K influenced ARR last year -> Silver."""
    start, end = window("annual", ON, 365)
    facts = gather(
        items(
            2,
            [
                (date(2025, 6, 1), 600_000, False),
                (date(2025, 7, 1), 900_000, True),  # professional services
                (date(2024, 12, 31), 500_000, False),
            ],
        ),  # outside the window
        ON,
        start,
        end,
        agreement_in_effect=True,
    )
    assert facts.influenced_revenue == D(600_000)
    result = evaluate(TIERS, facts, "registered", set(), start, end)
    assert (result.qualified, result.direction) == ("silver", "up")
    silver = next(t for t in result.tiers if t.key == "silver")
    gtm = next(r for r in silver.requirements if r.key == "gtm")
    assert gtm.applies is False and gtm.met is True
    gold = next(t for t in result.tiers if t.key == "gold")
    assert [(r.key, r.met) for r in gold.requirements] == [
        ("terms", True),
        ("stories", False),
        ("revenue", False),
        ("gtm", False),
        ("mapping", False),
    ]


def test_invited_silver_needs_the_plan() -> None:
    start, end = window("annual", ON, 365)
    facts = gather(items(2, [(date(2025, 6, 1), 600_000, False)]), ON, start, end, True)
    assert evaluate(TIERS, facts, "registered", {"silver"}, start, end).qualified == "bronze"


def test_advancing_needs_the_current_tier() -> None:
    """SEG-TIER-02: a Bronze partner failing Bronze cannot jump; it moves down."""
    start, end = window("annual", ON, 365)
    no_terms = gather(items(3, [(date(2025, 6, 1), 2_000_000, False)]), ON, start, end, False)
    result = evaluate(TIERS, no_terms, "bronze", set(), start, end)
    assert (result.qualified, result.direction) == ("registered", "down")


def test_a_program_where_keeping_a_tier_needs_no_requirements_never_moves_down() -> None:
    """CS-AGR-03 as a switch: with `requires_current_tier_requirements = false` (both seeds:
    true) the Bronze partner failing Bronze keeps Bronze; one meeting Gold still moves up."""
    start, end = window("annual", ON, 365)
    no_terms = gather(items(3, [(date(2025, 6, 1), 2_000_000, False)]), ON, start, end, False)
    kept = evaluate(TIERS, no_terms, "bronze", set(), start, end, keeping_needs_requirements=False)
    assert (kept.qualified, kept.direction) == ("bronze", "same")
    facts = gather(items(1, [(date(2025, 6, 1), 600_000, False)]), ON, start, end, True)
    up = evaluate(TIERS, facts, "registered", set(), start, end, keeping_needs_requirements=False)
    assert (up.qualified, up.direction) == ("bronze", "up")


def test_expired_certifications_do_not_count() -> None:
    evidence = [
        EvidenceItem("certification", date(2024, 1, 1), expires_on=date(2025, 1, 1)),
        EvidenceItem("certification", date(2025, 1, 1)),
    ]
    facts = gather(evidence, ON, *window("annual", ON, 365), agreement_in_effect=True)
    assert facts.counts[K.CERTIFICATIONS] == 1


@pytest.mark.parametrize(
    ("period", "months", "first", "last"),
    [
        ("2026-Q3", 3, date(2026, 7, 1), date(2026, 9, 30)),  # both seeds: quarters
        ("2026-P3", 3, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-P2", 6, date(2026, 7, 1), date(2026, 12, 31)),
        ("2026-P11", 1, date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-P1", 12, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_review_periods_follow_review_every_months(
    period: str, months: int, first: date, last: date
) -> None:
    """SEG-TIER-07: the engagement review runs per `review_every_months` period."""
    assert review_period_bounds(period, months) == (first, last)


@pytest.mark.parametrize(
    ("period", "months", "first", "last"),
    [
        ("2026-Q1", 3, date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q4", 3, date(2027, 1, 1), date(2027, 3, 31)),
        ("2026-P1", 12, date(2026, 4, 1), date(2027, 3, 31)),
    ],
)
def test_review_periods_tile_a_program_year_from_1_april(
    period: str, months: int, first: date, last: date
) -> None:
    """SEG-TIER-07 read for a program year from 1 April (issue 12): quarters of program year
    2026 start in April, July, October and January 2027."""
    assert review_period_bounds(period, months, ProgramYear.parse("04-01")) == (first, last)


@pytest.mark.parametrize(("period", "months"), [("2026-Q3", 6), ("2026-P3", 6), ("2026-P0", 1)])
def test_review_periods_outside_the_year_are_refused(period: str, months: int) -> None:
    with pytest.raises(UseCaseError):
        review_period_bounds(period, months)
