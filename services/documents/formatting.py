"""Money, dates and times written for a program's locale and time zone, through babel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from models import Program
from rules.money import round_money
from services.programs.typed import spec_of


@dataclass(frozen=True)
class Formatter:
    """Formats values the way one program's documents write them."""

    locale: str
    timezone: str
    babel: Locale = field(init=False, repr=False, compare=False)
    """The locale parsed once (babel parses a locale name on every call given one; issue 14)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "babel", Locale.parse(self.locale))

    def day_month(self, value: date) -> str:
        """A day of every year: `1 April` (en_GB), `April 1` (en_US), `1. April` (de_CH)."""
        return format_skeleton("MMMMd", value, locale=self.babel)

    def date(self, value: date | None) -> str:
        """`1 December 2026` (en_GB) or `December 1, 2026` (en_US); empty when absent."""
        return "" if value is None else format_date(value, "long", locale=self.babel)

    def money(self, amount: Decimal, currency: str) -> str:
        """`US$46,750.00` (en_GB) or `$46,750.00` (en_US), rounded once (rules.money)."""
        return format_currency(round_money(amount, currency), currency, locale=self.babel)

    def number(self, value: int | Decimal) -> str:
        """`1,000,000`."""
        return format_decimal(value, locale=self.babel)

    def percent(self, rate: Decimal) -> str:
        """`10%`, `12.5%`."""
        return format_percent(rate, "#,##0.##%", locale=self.babel)

    def local_time(self, value: datetime) -> str:
        """A UTC instant in the program's time zone, with the zone named."""
        local = value.astimezone(ZoneInfo(self.timezone))
        text = format_datetime(local, "long", tzinfo=local.tzinfo, locale=self.babel)
        return f"{text} ({self.timezone})"

    @staticmethod
    def utc_time(value: datetime) -> str:
        """`2026-11-30 23:03:12 UTC`."""
        return value.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")

    @staticmethod
    def days(count: int) -> str:
        """`30 days`, `1 day`."""
        return f"{count} day" if count == 1 else f"{count} days"

    @staticmethod
    def months(count: int) -> str:
        """`12 months`, `1 month`."""
        return f"{count} month" if count == 1 else f"{count} months"


def formatter_of(program: Program) -> Formatter:
    """The formatter of a program (its file's `locale`, default en_US, and time zone)."""
    return _formatter(spec_of(program).locale, program.timezone)


@lru_cache(maxsize=64)
def _formatter(locale: str, timezone: str) -> Formatter:
    return Formatter(locale, timezone)
