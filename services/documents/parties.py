"""The parties as documents name them: legal names, addresses with country names, signatories."""

from __future__ import annotations

from typing import Any

import pycountry

from models import Partner, Program
from services.programs.typed import spec_of


def country_name(code: str) -> str:
    """`FR` as `France`; the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    return code if country is None else str(country.name)


def _one_line(text: str) -> str:
    lines = [line.strip().rstrip(",") for line in text.replace("\r", "").split("\n")]
    return ", ".join(line for line in lines if line)


def operator_context(program: Program) -> dict[str, Any]:
    """The operator: program data `[operator]` (legal name, address, signatory)."""
    operator = spec_of(program).operator
    country = country_name(operator.country)
    address = ", ".join([*operator.address_lines, country])
    description = operator.description
    return {
        "legal_name": operator.legal_name,
        "short_name": operator.short_name,
        # The product partners refer clients to (`operator.service_name`, issue 12): a program
        # reusing a shipped template never names another operator's product.
        "service_name": operator.service_name or f"{operator.short_name} services",
        "description_suffix": f", {description}" if description else "",
        "address": address,
        "country_name": country,
        "registration": operator.registration,
        # Where notices to the operator go: its address and, when the file gives one, its
        # notice e-mail (`operator.notice_email`).
        "notice_address": (
            f"{address}; e-mail {operator.notice_email}" if operator.notice_email else address
        ),
        "signatory_name": operator.signatory.name,
        "signatory_title": operator.signatory.title,
    }


def partner_context(partner: Partner) -> dict[str, Any]:
    """The partner: legal name, notice address on one line ending with its country's name."""
    country = country_name(partner.country)
    address = _one_line(partner.notice_address)
    if not address.lower().endswith(country.lower()):
        address = f"{address}, {country}"
    return {
        "legal_name": partner.legal_name,
        "display_name": partner.display_name,
        "country_name": country,
        "address": address,
        "notice_address": address,
    }
