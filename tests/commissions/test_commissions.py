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
    total,
    year_commissions,
)

D = Decimal
CS = Schedule(
    "2023-08",
    "USD",
    (Bracket(D(300000), D("0.10")), Bracket(D(600000), D("0.15")), Bracket(None, D("0.20"))),
)


def test_seed_examples_to_the_cent() -> None:
    """CS-REF-15: US$450,000 then US$200,000 in the same year: US$52,500 then US$32,500."""
    result = year_commissions(
        [Earning("a", D(450000), CS), Earning("b", D(200000), CS)], D(0), None
    )
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


def test_rate_reached_holds_next_year() -> None:
    """CS-REF-16: last year reached 20%, so this year's first dollar earns 20%."""
    result = year_commissions([Earning("a", D(100000), CS)], D(700000), CS)
    assert total(result["a"]) == D("20000.00")
    assert result["a"][0].rule_id == "CS-REF-16"
    stepped = year_commissions([Earning("a", D(100000), CS)], D(400000), CS)
    assert total(stepped["a"]) == D("15000.00")
    reset = year_commissions([Earning("a", D(100000), CS)], D(250000), CS)
    assert total(reset["a"]) == D("10000.00")


def test_no_revenue_no_lines() -> None:
    assert commission_lines(CS, D(0), D(0)) == []


amounts = st.decimals(
    min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False
)


@given(st.lists(amounts, min_size=1, max_size=8), amounts)
def test_total_never_decreases_when_ncr_grows(ncrs: list[Decimal], extra: Decimal) -> None:
    base = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(ncrs)], D(0), None)
    grown = list(ncrs)
    grown[-1] += extra
    more = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(grown)], D(0), None)
    assert sum(map(total, more.values())) >= sum(map(total, base.values()))


@given(
    st.lists(amounts, min_size=1, max_size=8),
    st.randoms(use_true_random=False),
    st.sampled_from([D(0), D(350000), D(800000)]),
)
def test_split_and_order_do_not_change_the_year_total(
    ncrs: list[Decimal], rnd: object, last_year: Decimal
) -> None:
    """Splitting a year's NCR across clients, in any order, gives the same total (to a cent
    per slice boundary, since each line is rounded)."""
    one = year_commissions([Earning("all", sum(ncrs, D(0)), CS)], last_year, CS)
    shuffled = list(ncrs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    many = year_commissions([Earning(str(i), n, CS) for i, n in enumerate(shuffled)], last_year, CS)
    difference = abs(sum(map(total, many.values())) - total(one["all"]))
    assert difference <= D("0.01") * len(ncrs) * len(CS.brackets)
