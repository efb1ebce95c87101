"""Text beyond a field's limit is refused with TOO_LONG naming the field, never cut short
and stored (a reviewer found references, notes and descriptions silently truncated)."""

from __future__ import annotations

import pytest

from services.errors import GovernanceErrorCode, UseCaseError, limited
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import program

pytestmark = pytest.mark.anyio

EVIDENCE = """mutation($input: RecordEvidenceInput!) { recordEvidence(input: $input) {
  evidence { id } userErrors { field code message } } }"""


def test_limited_strips_and_refuses_rather_than_cuts() -> None:
    assert limited("  D-1  ", "reference", 3, GovernanceErrorCode.TOO_LONG) == "D-1"
    with pytest.raises(UseCaseError) as refused:
        limited("D-12", "reference", 3, GovernanceErrorCode.TOO_LONG)
    [error] = refused.value.errors
    assert (error.field, error.code) == (("input", "reference"), GovernanceErrorCode.TOO_LONG)


@pytest.mark.parametrize(("field", "limit"), [("customer", 200), ("reference", 100)])
async def test_evidence_text_over_its_limit_is_refused(api: Api, field: str, limit: int) -> None:
    partner, key = await partner_key(api, displayName=f"Long {field}")
    segment = await program(api, "segment-technology")
    await accept_segment(api, key)
    evidence = {
        "programId": segment["id"],
        "partnerId": partner["id"],
        "kind": "influenced_revenue",
        "reference": "D-1",
        "customer": "Big Co",
        "amount": "1000",
    }
    too_long = await api.gql(EVIDENCE, {"input": {**evidence, field: "x" * (limit + 1)}})
    errors = too_long["recordEvidence"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", field], "TOO_LONG")]
    assert too_long["recordEvidence"]["evidence"] == []
    at_limit = await api.gql(EVIDENCE, {"input": {**evidence, field: "x" * limit}})
    assert at_limit["recordEvidence"]["userErrors"] == []
