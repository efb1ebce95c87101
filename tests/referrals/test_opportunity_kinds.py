"""Opportunity kinds are program data and enforced at submission (SEG-TIER-11, issue 12).

Segment pays referral fees for "net new accounts and/or upsell opportunities (requires new
product to be sold)": its file lists `net_new_account` and `upsell_new_product`, so an upsell of a
product the account already has is refused; Contentsquare lists no kinds; the made-up third
program lists its own (`new_customer`, `cross_sell`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Referral
from models.documents.blobs import BlobStore
from schema.ids import decode_id
from services.programs.loader import load_program_files
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER, accept_segment, partner_key
from tests.helpers.api import program
from tests.helpers.referrals import referrer, submit

pytestmark = pytest.mark.anyio
ALPINE = Path(__file__).parents[1] / "programs" / "data" / "alpine" / "alpine-distributors.toml"
POLICY = """query($slug: String!) { program(slug: $slug) {
  referralPolicy { qualifyingOpportunities } } }"""


async def _count(api: Api, partner: dict[str, Any]) -> int:
    async with api.sessionmaker() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Referral)
            .where(Referral.partner_id == decode_id(partner["id"])[1])
        )
    return int(found or 0)


def _error(payload: dict[str, Any]) -> tuple[list[str], str]:
    assert payload["referral"] is None, payload
    (error,) = payload["userErrors"]
    return error["field"], error["code"]


async def test_segment_pays_for_net_new_accounts_and_new_product_upsells_only(api: Api) -> None:
    """SEG-TIER-11: the two qualifying kinds are accepted and recorded on the referral; a
    referral without a kind, an upsell of an existing product and a renewal are refused with a
    code naming `opportunityKind`, and nothing is written."""
    policy = await api.gql(POLICY, {"slug": "segment-technology"})
    assert policy["program"]["referralPolicy"]["qualifyingOpportunities"] == [
        "net_new_account",
        "upsell_new_product",
    ]
    partner, key = await partner_key(api)
    await accept_segment(api, key)
    await accept_segment(api, key, kind="segment-referral-addendum")
    segment = await program(api, "segment-technology")

    missing = await submit(api, key, segment["id"], "Wayne Enterprises")
    assert _error(missing) == (["input", "opportunityKind"], "REQUIRED")
    for kind in ("upsell_existing_product", "renewal", "NET_NEW_ACCOUNT"):
        refused = await submit(api, key, segment["id"], "Wayne Enterprises", opportunityKind=kind)
        assert _error(refused) == (["input", "opportunityKind"], "OPPORTUNITY_KIND_NOT_QUALIFYING")
        assert "net_new_account, upsell_new_product" in refused["userErrors"][0]["message"]
    assert await _count(api, partner) == 0

    new = await submit(
        api, key, segment["id"], "Wayne Enterprises", opportunityKind="net_new_account"
    )
    upsell = await submit(
        api, key, segment["id"], "Stark Industries", opportunityKind=" upsell_new_product "
    )
    assert new["userErrors"] == [] and upsell["userErrors"] == []
    assert new["referral"]["opportunityKind"] == "net_new_account"
    assert upsell["referral"]["opportunityKind"] == "upsell_new_product"
    assert await _count(api, partner) == 2


async def test_contentsquare_lists_no_kinds_and_takes_referrals_without_one(api: Api) -> None:
    """SEG-TIER-11 reading: a program without `qualifying_opportunities` (Contentsquare)
    accepts referrals without a kind and refuses a kind it does not define."""
    policy = await api.gql(POLICY, {"slug": "contentsquare"})
    assert policy["program"]["referralPolicy"]["qualifyingOpportunities"] is None
    partner, key, cs = await referrer(api, "Kindless")
    refused = await submit(api, key, cs["id"], "Umbrella Corp", opportunityKind="net_new_account")
    assert _error(refused) == (["input", "opportunityKind"], "OPPORTUNITY_KIND_NOT_QUALIFYING")
    assert await _count(api, partner) == 0
    accepted = await submit(api, key, cs["id"], "Umbrella Corp")
    assert accepted["userErrors"] == [], accepted
    assert accepted["referral"]["opportunityKind"] is None


async def test_a_third_program_sets_its_own_kinds(api: Api, store: BlobStore) -> None:
    """SEG-TIER-11 as program data: the made-up third program lists `new_customer` and
    `cross_sell`; Segment's `net_new_account` means nothing there and is refused."""
    await load_program_files(api.sessionmaker, [ALPINE], store)
    policy = await api.gql(POLICY, {"slug": "alpine-distributors"})
    assert policy["program"]["referralPolicy"]["qualifyingOpportunities"] == [
        "new_customer",
        "cross_sell",
    ]
    partner, key = await partner_key(api, country="CH", capacities=["distributor"])
    alpine = await program(api, "alpine-distributors")
    for kind in ("alpine-membership", "alpine-distributor-schedule"):
        accepted = await api.gql(
            ACCEPT, {"input": {"programId": alpine["id"], "kind": kind, "signer": SIGNER}}, key=key
        )
        assert accepted["acceptAgreement"]["userErrors"] == [], accepted
    segment_kind = await submit(
        api, key, alpine["id"], "Edelweiss Uhren AG", opportunityKind="net_new_account"
    )
    assert _error(segment_kind) == (["input", "opportunityKind"], "OPPORTUNITY_KIND_NOT_QUALIFYING")
    assert "new_customer, cross_sell" in segment_kind["userErrors"][0]["message"]
    assert await _count(api, partner) == 0
    cross = await submit(api, key, alpine["id"], "Edelweiss Uhren AG", opportunityKind="cross_sell")
    assert cross["userErrors"] == [], cross
    assert cross["referral"]["opportunityKind"] == "cross_sell"
