"""Calendar arithmetic used by contract rules."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """`start` moved by whole calendar months; a day the target month lacks becomes its last day.

    This is the corresponding-date rule: 31 January + 1 month is 28 (or 29) February, and the
    anniversary of 29 February falls on 28 February in common years.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))
