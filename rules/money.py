"""Money rounding, stated once: to the currency's ISO 4217 minor unit, half away from zero."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 currencies whose minor unit is not 2 digits.
MINOR_UNITS = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_unit(currency: str) -> int:
    """Digits after the decimal point for `currency`."""
    return MINOR_UNITS.get(currency, 2)


_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in {2, *MINOR_UNITS.values()}}
"""The smallest amount of each minor unit (0.01 for 2 digits), made once."""


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded to the currency's minor unit, halves away from zero."""
    return amount.quantize(_QUANTA[minor_unit(currency)], rounding=ROUND_HALF_UP)


def percent(rate: Decimal) -> str:
    """`0.15` as `15%`, `0.125` as `12.5%`."""
    text = f"{rate * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
