"""The commission engine (CS-REF-12/13/15/16/17, SEG-TIER-11): pure code over Decimal money.

Reading of CS-REF-15/16 (docs/program-rules.md):
- Within a year, rates are marginal over the partner's cumulative Net Commissionable Revenue
  (NCR): each slice of cumulative NCR earns the rate of the bracket it falls in. The year is the
  calendar year (Contentsquare, CS-REF-15), or the program year when the program's schedules
  accumulate per program year (`accumulation = "program_year_cumulative"`, issue 12); the
  ledger groups earnings by it (`rules/ledger.py: Terms.year_of`).
- A year "meets the thresholds" when its cumulative NCR goes past the first bracket of the
  schedule in force. The rate carried into the next year is then the higher of the best bracket
  rate reached that year and the rate the year itself carried in: a carried rate never steps down
  while each year meets the thresholds (20% reached, then a 350,000 year: 20% still holds).
- A year that does not meet the thresholds carries nothing: the next year starts at the
  schedule's own rates (the base rate) on the year's first day (1 January for Contentsquare).
- Carry-over is a rate, not a bracket index: a later schedule version with other brackets still
  pays at least the carried rate on every slice.
- A commission keeps the schedule version in force on the day it was earned (the Qualified
  Agreement's signing day); its brackets are taken from that version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    """A commission schedule version; `carry_over` switches CS-REF-16 on. `rate_rule` and
    `carry_over_rule` are the rule ids its lines cite, as the program's file gives them (none:
    the lines cite no rule)."""

    version: str
    currency: str
    brackets: tuple[Bracket, ...]
    carry_over: bool = True
    rate_rule: str = ""
    carry_over_rule: str = ""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule ids this schedule's lines cite, without repeats."""
        return tuple(dict.fromkeys(r for r in (self.rate_rule, self.carry_over_rule) if r))


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
    schedule: Schedule, cumulative_before: Decimal, ncr: Decimal, floor_rate: Decimal | None = None
) -> list[Line]:
    """Explained slices of the commission on `ncr`, after `cumulative_before` this year, each
    at least at `floor_rate` (the rate carried over from last year, CS-REF-16)."""
    if ncr <= 0:
        return []
    start, end = cumulative_before, cumulative_before + ncr
    lines = []
    for lower, upper, rate in _bounds(schedule):
        low = max(start, lower)
        high = end if upper is None else min(end, upper)
        if high <= low:
            continue
        if floor_rate is not None and floor_rate > rate:
            applied, rule = floor_rate, schedule.carry_over_rule or schedule.rate_rule
            reason = (
                f"rate carried over from last year ({percent(floor_rate)} instead of "
                f"{percent(rate)})"
            )
        else:
            span = f"up to {upper:,}" if upper is not None else f"over {lower:,}"
            applied, rule = rate, schedule.rate_rule
            reason = f"cumulative NCR this year in the bracket {span}"
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


@dataclass(frozen=True)
class Year:
    """One partner-year computed: its lines, the rate it carried in and the rate it hands on."""

    lines: dict[str, list[Line]]
    carried_in: Decimal | None
    carries_out: Decimal | None
    met_thresholds: bool


def year_commissions(earnings: Sequence[Earning], carried_in: Decimal | None = None) -> Year:
    """The explained commission of every earning of one partner-year (CS-REF-15/16)."""
    cumulative = ZERO
    reached: Decimal | None = None
    met = False
    result: dict[str, list[Line]] = {}
    for earning in earnings:
        result[earning.key] = commission_lines(
            earning.schedule, cumulative, earning.ncr, carried_in
        )
        cumulative += max(earning.ncr, ZERO)
        if earning.ncr > 0:
            index = bracket_index(earning.schedule, cumulative)
            rate = earning.schedule.brackets[index].rate
            reached = rate if reached is None else max(reached, rate)
            met = met or index > 0
    carries = None
    if met and reached is not None:
        carries = max(reached, carried_in) if carried_in is not None else reached
    return Year(result, carried_in, carries, met)


def partner_years(
    years: Mapping[int, Sequence[Earning]], carry_over_into: Callable[[int], bool]
) -> dict[int, Year]:
    """Every year of a partner from its first earning on, the carried rate moving forward.

    `carry_over_into(year)` says whether the schedule in force on the first day of `year`
    (1 January of a calendar year) carries the previous year's rate over (CS-REF-16); a year
    without earnings meets no threshold.
    """
    if not years:
        return {}
    out: dict[int, Year] = {}
    carried: Decimal | None = None
    for year in range(min(years), max(years) + 1):
        computed = year_commissions(years.get(year, ()), carried)
        out[year] = computed
        carried = computed.carries_out if carry_over_into(year + 1) else None
    return out
