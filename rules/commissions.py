"""The commission engine (CS-REF-12/13/15/16/17, SEG-TIER-11): pure code over Decimal money.

Reading of CS-REF-15/16 (docs/program-rules.md):
- Within a calendar year, rates are marginal over the partner's cumulative Net Commissionable
  Revenue (NCR): each slice of cumulative NCR earns the rate of the bracket it falls in.
- The bracket the partner's NCR reaches in a year sets a floor for the whole next year: every
  slice of that year earns at least that bracket's rate. The floor of a year is set only by the
  year before, so it keeps holding while the partner reaches the same bracket again each year,
  steps down to the bracket reached when the partner reaches a lower one, and is back to the
  base rate on the 1 January after a year that reached no threshold.
- A commission keeps the schedule version in force on the day it was earned (the Qualified
  Agreement's signing day); brackets and floors are taken from that version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rules.money import percent, round_money

ZERO = Decimal(0)


@dataclass(frozen=True)
class Bracket:
    """Cumulative NCR up to `up_to` (None: no upper bound) earns `rate`."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class Schedule:
    """A commission schedule version."""

    version: str
    currency: str
    brackets: tuple[Bracket, ...]


@dataclass(frozen=True)
class Line:
    """One explained slice of a commission."""

    slice_from: Decimal
    slice_to: Decimal
    base: Decimal
    rate: Decimal
    amount: Decimal
    rule_id: str
    schedule_version: str
    reason: str


def bracket_index(schedule: Schedule, cumulative: Decimal) -> int:
    """The bracket a cumulative NCR reaches (0 = the first); exact bounds stay below."""
    for index, bracket in enumerate(schedule.brackets):
        if bracket.up_to is None or cumulative <= bracket.up_to:
            return index
    return len(schedule.brackets) - 1


def _bounds(schedule: Schedule) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    lower = ZERO
    bounds = []
    for bracket in schedule.brackets:
        bounds.append((lower, bracket.up_to, bracket.rate))
        lower = bracket.up_to if bracket.up_to is not None else lower
    return bounds


def commission_lines(
    schedule: Schedule, cumulative_before: Decimal, ncr: Decimal, floor_index: int = 0
) -> list[Line]:
    """Explained slices of the commission on `ncr`, after `cumulative_before` this year."""
    if ncr <= 0:
        return []
    floor_rate = schedule.brackets[min(floor_index, len(schedule.brackets) - 1)].rate
    start, end = cumulative_before, cumulative_before + ncr
    lines = []
    for lower, upper, rate in _bounds(schedule):
        low = max(start, lower)
        high = end if upper is None else min(end, upper)
        if high <= low:
            continue
        applied = max(rate, floor_rate)
        if applied > rate:
            rule, reason = (
                "CS-REF-16",
                (
                    f"rate carried over from last year's bracket "
                    f"({percent(applied)} instead of {percent(rate)})"
                ),
            )
        else:
            span = f"up to {upper:,}" if upper is not None else f"over {lower:,}"
            rule, reason = "CS-REF-15", f"cumulative NCR this year in the bracket {span}"
        base = high - low
        lines.append(
            Line(
                low,
                high,
                base,
                applied,
                round_money(base * applied, schedule.currency),
                rule,
                schedule.version,
                reason,
            )
        )
    return lines


def total(lines: Sequence[Line]) -> Decimal:
    """The commission: the sum of its (already rounded) lines."""
    return sum((line.amount for line in lines), ZERO)


@dataclass(frozen=True)
class Earning:
    """A Qualified Agreement's NCR in the year, in earning order, with its schedule."""

    key: str
    ncr: Decimal
    schedule: Schedule


def year_commissions(
    earnings: Sequence[Earning], previous_year_ncr: Decimal, previous_schedule: Schedule | None
) -> dict[str, list[Line]]:
    """The explained commission of every earning of one partner-year (CS-REF-15/16)."""
    floor = 0
    if previous_schedule is not None and previous_year_ncr > 0:
        floor = bracket_index(previous_schedule, previous_year_ncr)
    cumulative = ZERO
    result: dict[str, list[Line]] = {}
    for earning in earnings:
        result[earning.key] = commission_lines(earning.schedule, cumulative, earning.ncr, floor)
        cumulative += max(earning.ncr, ZERO)
    return result
