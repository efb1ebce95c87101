"""Pure checks and normalisation of a partner's fields; the limits are stated in the schema."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry

NAME_MAX = 200
ADDRESS_MAX = 1000
DOMAIN_MAX = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Problem:
    """A field that failed a check: which one, a code name and a message."""

    field: str
    code: str
    message: str


def check_text(field: str, value: str, limit: int) -> tuple[str, Problem | None]:
    """Trim `value`; refuse it when empty or longer than `limit` characters."""
    text = value.strip()
    if not text:
        return text, Problem(field, "required", f"{field} must not be empty")
    if len(text) > limit:
        return text, Problem(field, "too_long", f"{field} is limited to {limit} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        return text, Problem(field, "invalid", f"{field} contains control characters")
    return text, None


def check_country(value: str) -> tuple[str, Problem | None]:
    """An ISO 3166-1 alpha-2 country code, upper-cased."""
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return code, Problem(
            "country", "invalid_country", f"{value!r} is not an ISO 3166-1 alpha-2 country code"
        )
    return code, None


def normalize_domain(value: str) -> str | None:
    """`https://www.Acme.com/fr` -> `acme.com`; None when no valid host name is left."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    text = text.removeprefix("www.")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = text.split(".")
    if len(text) > DOMAIN_MAX or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        return None
    if labels[-1].isdigit():
        return None
    return text


def check_domain(value: str) -> tuple[str | None, Problem | None]:
    """A website given as a domain or URL, kept as its bare host name."""
    if not value.strip():
        return None, None
    domain = normalize_domain(value)
    if domain is None:
        return None, Problem(
            "websiteDomain",
            "invalid_domain",
            f"{value[:100]!r} is not a website domain such as example.com",
        )
    return domain, None
