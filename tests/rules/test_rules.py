"""Pure rules over plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from rules.money import round_money
from rules.partner_fields import check_country, check_text, normalize_domain
from rules.tiers import direction, entry_tier


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("acme.com", "acme.com"),
        ("https://www.Acme.com/fr", "acme.com"),
        ("HTTP://WWW.ACME.COM.", "acme.com"),
        ("user@acme.co.uk:8443/path?q=1#x", "acme.co.uk"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("localhost", None),
        ("10.0.0.1", None),
        ("acme", None),
        ("-bad-.com", None),
        ("a b.com", None),
    ],
)
def test_normalize_domain(given: str, expected: str | None) -> None:
    assert normalize_domain(given) == expected


def test_check_text_limits() -> None:
    assert check_text("legalName", "  Acme  ", 200) == ("Acme", None)
    assert check_text("legalName", "", 200)[1] is not None
    too_long = check_text("legalName", "x" * 201, 200)[1]
    assert too_long is not None and too_long.code == "too_long"
    control = check_text("legalName", "A\x00B", 200)[1]
    assert control is not None and control.code == "invalid"
    assert check_text("legalName", "Société Générale & Cie <QA> 株式会社 شركة", 200)[1] is None


def test_check_country() -> None:
    assert check_country(" fr ") == ("FR", None)
    assert check_country("XX")[1] is not None
    assert check_country("FRA")[1] is not None


@dataclass
class _Tier:
    key: str
    rank: int


def test_entry_tier_is_lowest_rank() -> None:
    """SEG-TIER-01: every partner starts at the lowest tier."""
    tiers = [_Tier("gold", 3), _Tier("registered", 0), _Tier("silver", 2)]
    assert entry_tier(tiers).key == "registered"
    with pytest.raises(ValueError, match="at least one tier"):
        entry_tier([])


def test_direction() -> None:
    assert [direction(None, 0), direction(0, 2), direction(2, 1), direction(1, 1)] == [
        "entry",
        "up",
        "down",
        "same",
    ]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("52500.005", "USD", "52500.01"),
        ("-0.005", "EUR", "-0.01"),
        ("1234.5", "JPY", "1235"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_round_money(amount: str, currency: str, expected: str) -> None:
    assert round_money(Decimal(amount), currency) == Decimal(expected)
