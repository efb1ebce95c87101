"""Submission refusals cite the rule ids of the program's own required agreement (issue 12):
without its agreement in effect a Contentsquare referral is refused citing the referrer
schedule's ids (CS-REF-09 first), a Segment one the referral addendum's (SEG-TIER-10,
SEG-AGR-06) and the made-up third program's its distributor schedule's (ALP-AGR-02), where
all three used to cite "(CS-REF-09, SEG-TIER-10)"."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.documents.blobs import BlobStore
from services.programs.loader import load_program_files
from tests.conftest import Api
from tests.helpers.api import create_partner, program
from tests.helpers.referrals import SUBMIT, form

pytestmark = pytest.mark.anyio
ALPINE = Path(__file__).parents[1] / "programs" / "data" / "alpine" / "alpine-distributors.toml"


async def _refusal(api: Api, slug: str, capacities: list[str], **extra: str) -> tuple[str, str]:
    """The code and message refusing an admin's submission for a partner with no agreement."""
    partner = await create_partner(api, capacities=capacities)
    given = {"programId": (await program(api, slug))["id"], "partnerId": partner["id"]}
    data = await api.gql(SUBMIT, {"input": {**given, **form("Hooli", **extra)}})
    (error,) = data["submitReferral"]["userErrors"]
    return error["code"], error["message"]


async def test_no_agreement_refusals_cite_the_program_s_own_ids(api: Api, store: BlobStore) -> None:
    """CS-REF-09 for Contentsquare; SEG-TIER-10 and SEG-AGR-06 for Segment; the third
    program's own ALP-AGR-02, and no seed's id."""
    await load_program_files(api.sessionmaker, [ALPINE], store)
    code, message = await _refusal(api, "contentsquare", ["REFERRER"])
    assert code == "NO_ELIGIBLE_AGREEMENT"
    assert message.endswith("in effect (CS-REF-09, CS-AGR-02, CS-REF-11)")
    code, message = await _refusal(api, "segment-technology", [], opportunityKind="net_new_account")
    assert code == "NO_ELIGIBLE_AGREEMENT"
    assert message.endswith("in effect (SEG-TIER-10, SEG-AGR-06)")
    code, message = await _refusal(
        api, "alpine-distributors", ["distributor"], opportunityKind="new_customer"
    )
    assert code == "NO_ELIGIBLE_AGREEMENT"
    assert message.endswith("in effect (ALP-AGR-02)") and "CS-" not in message


async def test_capacity_refusals_cite_the_program_s_own_ids(api: Api, store: BlobStore) -> None:
    """CS-AGR-02 for Contentsquare's referrer capacity (its membership section cites it); the
    third program's file cites no rule for capacities, so its refusal cites none (both used to
    cite CS-AGR-02)."""
    await load_program_files(api.sessionmaker, [ALPINE], store)
    code, message = await _refusal(api, "contentsquare", [])
    assert (code, message) == (
        "CAPACITY_REQUIRED",
        "referrals need the partner to act as referrer (CS-AGR-02)",
    )
    code, message = await _refusal(api, "alpine-distributors", [], opportunityKind="new_customer")
    assert (code, message) == (
        "CAPACITY_REQUIRED",
        "referrals need the partner to act as distributor",
    )


async def test_opportunity_kind_refusals_cite_the_program_s_own_ids(
    api: Api, store: BlobStore
) -> None:
    """SEG-TIER-11 for Segment's kinds; the third program's file cites no rule for its kinds,
    so its refusal cites none (it used to cite SEG-TIER-11)."""
    from tests.helpers.agreements import accept_segment, partner_key
    from tests.helpers.referrals import submit

    await load_program_files(api.sessionmaker, [ALPINE], store)
    _partner, key = await partner_key(api)
    await accept_segment(api, key)
    await accept_segment(api, key, kind="segment-referral-addendum")
    segment = await program(api, "segment-technology")
    refused = await submit(api, key, segment["id"], "Wayne", opportunityKind="renewal")
    (error,) = refused["userErrors"]
    assert error["message"].endswith("net_new_account, upsell_new_product (SEG-TIER-11)")
    code, message = await _refusal(
        api, "alpine-distributors", ["distributor"], opportunityKind="renewal"
    )
    assert code == "OPPORTUNITY_KIND_NOT_QUALIFYING"
    assert message.endswith("the program pays only for new_customer, cross_sell")


async def test_enrolment_capacity_refusals_cite_the_program_s_own_ids(
    api: Api, store: BlobStore
) -> None:
    """CS-AGR-02 when Contentsquare refuses a partner in none of its capacities; nothing for
    the third program, whose file cites no rule for capacities (it used to cite CS-AGR-02)."""
    from tests.helpers.api import enroll

    await load_program_files(api.sessionmaker, [ALPINE], store)
    partner = await create_partner(api, capacities=[])
    for slug, ending in (("contentsquare", "first (CS-AGR-02)"), ("alpine-distributors", "first")):
        payload = await enroll(api, partner["id"], (await program(api, slug))["id"])
        (error,) = payload["userErrors"]
        assert error["code"] == "CAPACITY_NOT_OFFERED"
        assert error["message"].endswith(f"add one of these capacities to the partner {ending}")
