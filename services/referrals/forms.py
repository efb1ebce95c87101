"""The referral application form and its checks (CS-REF-01)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.errors import ReferralErrorCode, UseCaseError, input_error

Code = ReferralErrorCode
TEXT_MAX = 200
DESCRIPTION_MAX = 5000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")


@dataclass(frozen=True)
class ReferralForm:
    """The referral application form (CS-REF-01)."""

    client_name: str
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    description: str
    client_website: str | None = None


def check_form(form: ReferralForm) -> ReferralForm:
    """Trimmed fields, or every missing or malformed one as a coded error (CS-REF-01)."""
    errors = []
    values: dict[str, str | None] = {}
    limits = {
        "client_name": TEXT_MAX,
        "contact_name": TEXT_MAX,
        "contact_role": TEXT_MAX,
        "contact_email": 254,
        "contact_phone": 40,
        "description": DESCRIPTION_MAX,
    }
    for name, limit in limits.items():
        value = str(getattr(form, name) or "").strip()
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        if not value:
            errors.append(input_error(camel, Code.REQUIRED, f"{camel} is required").errors[0])
        elif len(value) > limit:
            errors.append(
                input_error(
                    camel, Code.TOO_LONG, f"{camel} is limited to {limit} characters"
                ).errors[0]
            )
        values[name] = value
    if values["contact_email"] and not EMAIL.match(str(values["contact_email"])):
        errors.append(
            input_error(
                "contactEmail", Code.INVALID_EMAIL, "contactEmail is not an e-mail address"
            ).errors[0]
        )
    phone = str(values["contact_phone"])
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        errors.append(
            input_error(
                "contactPhone", Code.INVALID_PHONE, "contactPhone is not a phone number"
            ).errors[0]
        )
    website = (form.client_website or "").strip() or None
    if website is not None and len(website) > 253:
        errors.append(
            input_error("clientWebsite", Code.TOO_LONG, "clientWebsite is too long").errors[0]
        )
    if errors:
        raise UseCaseError(errors)
    return ReferralForm(client_website=website, **{k: str(v) for k, v in values.items()})
