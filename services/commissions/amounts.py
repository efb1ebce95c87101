"""Amounts and rates as given to the commission use cases, checked."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from services.errors import ReferralErrorCode, input_error

Code = ReferralErrorCode
AMOUNT_MAX = Decimal("1000000000000")


def checked_amount(value: Decimal | str, field: str, *, allow_zero: bool = False) -> Decimal:
    """A positive decimal (zero when allowed), not too large or precise, or a coded error."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} is not a decimal amount") from exc
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} must be a positive amount")
    if amount >= AMOUNT_MAX or amount.as_tuple().exponent < -4:  # type: ignore[operator]
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} is too large or too precise")
    return amount
