"""Shared GraphQL snippets for API tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from models import Program
from services.partners.memberships import program_today
from tests.conftest import Api

# Statement counts assume the API key was read moments ago and kept (services/apikeys/recent.py).
# The default keeps it 2 s, which a loaded CI machine can outlast between two requests: tests
# that pin statement counts keep it for the whole test instead.
KEY_READ_SETTINGS = {"PARTNERGRAPH_KEY_CACHE_SECONDS": 0}
KEY_KEPT_SETTINGS = {"PARTNERGRAPH_KEY_CACHE_SECONDS": 300}
KEY_KEPT = pytest.mark.parametrize(
    "api_settings", [KEY_KEPT_SETTINGS], indirect=True, ids=["key-kept"]
)

CREATE_PARTNER = """
mutation($input: CreatePartnerInput!) {
  createPartner(input: $input) {
    partner { id legalName displayName country websiteDomain capacities version }
    userErrors { field code message }
  }
}"""

ENROLL = """
mutation($input: EnrollPartnerInput!) {
  enrollPartner(input: $input) {
    membership { id status joinedOn tier { id name rank } program { slug }
                 tierHistory { fromTier { name } toTier { name } reason } }
    userErrors { field code message }
  }
}"""

CHANGE_TIER = """
mutation($input: ChangeTierInput!) {
  changeTier(input: $input) {
    membership { id version tier { name } tierHistory { fromTier { name } toTier { name } reason } }
    tierChange { id reason effectiveOn }
    userErrors { field code message }
  }
}"""

PROGRAM_TIERS = """
query($slug: String!) { program(slug: $slug) { id slug tiers { id key name rank } } }"""


def partner_input(**overrides: Any) -> dict[str, Any]:
    """A valid createPartner input."""
    data: dict[str, Any] = {
        "legalName": "Acme Analytics, Inc.",
        "displayName": "Acme",
        "country": "US",
        "noticeAddress": "1 Market St, San Francisco, CA 94105",
        "websiteDomain": "https://www.acme.example.com/en",
        "capacities": ["TECHNOLOGY", "REFERRER"],
    }
    data.update(overrides)
    return data


async def create_partner(api: Api, **overrides: Any) -> dict[str, Any]:
    """Create a partner that must succeed; return it."""
    data = await api.gql(CREATE_PARTNER, {"input": partner_input(**overrides)})
    payload = data["createPartner"]
    assert payload["userErrors"] == []
    partner: dict[str, Any] = payload["partner"]
    return partner


async def program(api: Api, slug: str) -> dict[str, Any]:
    """A program with its tiers."""
    data = await api.gql(PROGRAM_TIERS, {"slug": slug})
    result: dict[str, Any] = data["program"]
    return result


async def enroll(
    api: Api, partner_id: str, program_id: str, key: str | None = None
) -> dict[str, Any]:
    """Run enrollPartner; return the payload."""
    data = await api.gql(
        ENROLL, {"input": {"partnerId": partner_id, "programId": program_id}}, key=key
    )
    payload: dict[str, Any] = data["enrollPartner"]
    return payload


async def program_today_of(api: Api, slug: str) -> date:
    """Today in the time zone of the program with that slug."""
    async with api.sessionmaker() as session:
        row = await session.scalar(select(Program).where(Program.slug == slug))
        assert row is not None
        return program_today(row)
