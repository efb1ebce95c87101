"""The enrolment's tier-history reason cites the program's own rule ids (issue 12): Segment's
membership section cites SEG-TIER-01 for its entry tier; Contentsquare's and the made-up third
program's give none, so their reason cites none (all used to cite SEG-TIER-01)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.documents.blobs import BlobStore
from services.programs.loader import load_program_files
from tests.conftest import Api
from tests.helpers.api import create_partner, enroll, program

pytestmark = pytest.mark.anyio
ALPINE = Path(__file__).parents[1] / "programs" / "data" / "alpine" / "alpine-distributors.toml"


async def test_entry_tier_reasons_cite_the_program_s_own_ids(api: Api, store: BlobStore) -> None:
    await load_program_files(api.sessionmaker, [ALPINE], store)
    partner = await create_partner(api, capacities=["referrer", "technology", "distributor"])
    reasons = {}
    for slug in ("segment-technology", "contentsquare", "alpine-distributors"):
        payload = await enroll(api, partner["id"], (await program(api, slug))["id"])
        assert payload["userErrors"] == [], payload
        reasons[slug] = payload["membership"]["tierHistory"][0]["reason"]
    assert reasons == {
        "segment-technology": "Enrolled at the program's entry tier (SEG-TIER-01)",
        "contentsquare": "Enrolled at the program's entry tier",
        "alpine-distributors": "Enrolled at the program's entry tier",
    }
