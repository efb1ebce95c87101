"""The commission engine (CS-REF-15/16) with the seed's examples and properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.commissions import (
    Bracket,
    Earning,
    Schedule,
    bracket_index,
    commission_lines,
    partner_years,
    total,
    year_commissions,
)

D = Decimal
CS = Schedule(
    "2023-08",
    "USD",
    (Bracket(D(300000), D("0.10")), Bracket(D(600000), D("0.15")), Bracket(None, D("0.20"))),
    rate_rule="CS-REF-15",
    carry_over_rule="CS-REF-16",
)


def test_seed_examples_to_the_cent() -> None:
    """CS-REF-15: US$450,000 then US$200,000 in the same year: US$52,500 then US$32,500."""
    result = year_commissions([Earning("a", D(450000), CS), Earning("b", D(200000), CS)]).lines
    assert total(result["a"]) == D("52500.00")
    assert total(result["b"]) == D("32500.00")
    assert [(line.base, line.rate, line.amount) for line in result["a"]] == [
        (D(300000), D("0.10"), D("30000.00")),
        (D(150000), D("0.15"), D("22500.00")),
    ]
    assert [(line.slice_from, line.slice_to, line.rate) for line in result["b"]] == [
        (D(450000), D(600000), D("0.15")),
        (D(600000), D(650000), D("0.20")),
    ]
    assert {line.rule_id for line in result["a"] + result["b"]} == {"CS-REF-15"}
    assert {line.schedule_version for line in result["a"]} == {"2023-08"}


def test_bracket_bounds_are_inclusive() -> None:
    """Up to 300,000 is 10%; 300,001-600,000 is 15% (CS-REF-15)."""
    assert bracket_index(CS, D(300000)) == 0
    assert bracket_index(CS, D("300000.01")) == 1
    assert bracket_index(CS, D(600000)) == 1
    assert bracket_index(CS, D("600000.01")) == 2


def _years(*ncrs: int, schedule: Schedule = CS) -> dict[int, list[Decimal]]:
    years = partner_years(
        {2024 + i: [Earning(f"y{i}", D(n), schedule)] for i, n in enumerate(ncrs)},
        lambda _year: True,
    )
    return {y: [line.rate for line in r.lines.get(f"y{y - 2024}", [])] for y, r in years.items()}


def test_rate_reached_holds_next_year() -> None:
    """CS-REF-16: last year reached 20%, so this year's first dollar earns 20%."""
    years = partner_years(
        {2024: [Earning("a", D(700000), CS)], 2025: [Earning("b", D(100000), CS)]},
        lambda _year: True,
    )
    assert total(years[2025].lines["b"]) == D("20000.00")
    assert years[2025].lines["b"][0].rule_id == "CS-REF-16"
    assert years[2025].carried_in == D("0.20")


def test_carried_rate_does_not_step_down_while_thresholds_are_met() -> None:
    """CS-REF-16 reading: 20% reached, then a 350,000 year (past the first threshold) keeps
    20% for the year after, not 15%; a year under every threshold resets to 10% on 1 January."""
    rates = _years(700000, 350000, 100000, 100000)
    assert rates[2025] == [D("0.20")] * 2  # 2024 reached 20%: both 2025 slices at 20%
    assert rates[2026] == [D("0.20")]  # 2025 met a threshold: 20% still holds all of 2026
    assert rates[2027] == [D("0.10")]  # 2026 met none: reset to 10% on 1 January 2027


def test_year_under_thresholds_resets_next_year() -> None:
    """CS-REF-16: 400,000 (15%) then 250,000 (no threshold) then 100,000: 15%, then 10%."""
    rates = _years(400000, 250000, 100000)
    assert rates[2025] == [D("0.15")]
    assert rates[2026] == [D("0.10")]


def test_empty_year_resets() -> None:
    """A year with no referred NCR meets no threshold: the rate resets after it."""
    years = partner_years(
        {2024: [Earning("a", D(700000), CS)], 2026: [Earning("b", D(100000), CS)]},
        lambda _year: True,
    )
    assert years[2025].carried_in == D("0.20") and years[2025].carries_out is None
    assert total(years[2026].lines["b"]) == D("10000.00")


def test_carry_over_is_a_rate_across_schedule_versions() -> None:
    """CS-REF-16/17: a carried 15% still pays 15% under a later version whose second bracket
    pays 12% and starts at 500,000 (a bracket index would give 12% or the wrong bound)."""
    later = Schedule(
        "2026-01",
        "USD",
        (Bracket(D(500000), D("0.08")), Bracket(D(900000), D("0.12")), Bracket(None, D("0.18"))),
    )
    years = partner_years(
        {2025: [Earning("a", D(400000), CS)], 2026: [Earning("b", D(600000), later)]},
        lambda _year: True,
    )
    lines = years[2026].lines["b"]
    assert [(line.base, line.rate) for line in lines] == [
        (D(500000), D("0.15")),
        (D(100000), D("0.15")),
    ]
    assert years[2026].carries_out == D("0.15")  # reached 12% < carried 15%: no step-down


def test_carry_over_switched_off() -> None:
    """A schedule with `rate_carry_over = "none"` starts every year at its own rates."""
    years = partner_years(
        {2024: [Earning("a", D(700000), CS)], 2025: [Earning("b", D(100000), CS)]},
        lambda _year: False,
    )
    assert total(years[2025].lines["b"]) == D("10000.00")


def test_no_revenue_no_lines() -> None:
    assert commission_lines(CS, D(0), D(0)) == []


amounts = st.decimals(
    min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False
)


@given(st.lists(amounts, min_size=1, max_size=8), amounts)
def test_total_never_decreases_when_ncr_grows(ncrs: list[Decimal], extra: Decimal) -> None:
    base = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(ncrs)]).lines
    grown = list(ncrs)
    grown[-1] += extra
    more = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(grown)]).lines
    assert sum(map(total, more.values())) >= sum(map(total, base.values()))


@given(
    st.lists(amounts, min_size=1, max_size=8),
    st.randoms(use_true_random=False),
    st.sampled_from([None, D("0.15"), D("0.20")]),
)
def test_split_and_order_do_not_change_the_year_total(
    ncrs: list[Decimal], rnd: object, carried: Decimal | None
) -> None:
    """Splitting a year's NCR across clients, in any order, gives the same total (to a cent
    per slice boundary, since each line is rounded)."""
    one = year_commissions([Earning("all", sum(ncrs, D(0)), CS)], carried).lines
    shuffled = list(ncrs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    many = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(shuffled)], carried).lines
    difference = abs(sum(map(total, many.values())) - total(one["all"]))
    assert difference <= D("0.01") * len(ncrs) * len(CS.brackets)
