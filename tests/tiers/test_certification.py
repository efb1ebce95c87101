"""Certification is computed as of a date (CS-AGR-04, issue 12): a Contentsquare partner is
certified while its membership is active and it meets every requirement of its level, training
included (the seed's "appropriate training": one completed training, a documented default); the
certification mark is given only while certified."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.referrals import contentsquare_today, referrer

pytestmark = pytest.mark.anyio
EVIDENCE = """mutation($input: RecordEvidenceInput!) { recordEvidence(input: $input) {
  evidence { id kind occurredOn } userErrors { field code message } } }"""
CERTIFICATION = """query($id: ID!, $d: Date!) { node(id: $id) { ... on Partner {
  memberships { certification(asOf: $d) { asOf certified tierKey membershipActive
    missing { key met actual threshold note ruleIds } requirements { key met } }
    benefits(asOf: $d) { key } } } } }"""


async def _on(api: Api, partner: dict[str, Any], day: date) -> tuple[dict[str, Any], set[str]]:
    data = await api.gql(CERTIFICATION, {"id": partner["id"], "d": day.isoformat()})
    (membership,) = data["node"]["memberships"]
    return membership["certification"], {b["key"] for b in membership["benefits"]}


async def test_certified_from_the_training_day_until_it_expires(api: Api) -> None:
    """CS-AGR-04: membership accepted since S, one training completed on T (expiring on E):
    not certified before T (the missing requirement is the training, 0 of 1), certified from T
    to E with the certification mark, not certified after E; before S the membership
    agreement is missing too. Answers for past days never change with later facts."""
    today = await contentsquare_today(api)
    since = today - timedelta(days=200)
    trained, expires = since + timedelta(days=30), since + timedelta(days=120)
    partner, _key, cs = await referrer(api, "Certifiable", since=since)

    before, marks = await _on(api, partner, trained - timedelta(days=1))
    assert (before["certified"], before["tierKey"], before["membershipActive"]) == (
        False,
        "member",
        True,
    )
    assert [
        (m["key"], Decimal(m["actual"]), Decimal(m["threshold"])) for m in before["missing"]
    ] == [("trainings", 0, 1)]
    assert "CS-AGR-04" in before["missing"][0]["ruleIds"]
    assert "certification_mark" not in marks and "referral_commission" in marks

    recorded = await api.gql(
        EVIDENCE,
        {
            "input": {
                "programId": cs["id"],
                "partnerId": partner["id"],
                "kind": "training",
                "title": "Contentsquare Foundations",
                "occurredOn": trained.isoformat(),
                "expiresOn": expires.isoformat(),
            }
        },
    )
    assert recorded["recordEvidence"]["userErrors"] == [], recorded

    again, marks = await _on(api, partner, trained - timedelta(days=1))
    assert again == before and "certification_mark" not in marks
    for day in (trained, expires):
        certified, marks = await _on(api, partner, day)
        assert (certified["certified"], certified["missing"]) == (True, [])
        assert {r["key"]: r["met"] for r in certified["requirements"]} == {
            "membership_accepted": True,
            "trainings": True,
        }
        assert "certification_mark" in marks
    lapsed, marks = await _on(api, partner, expires + timedelta(days=1))
    assert lapsed["certified"] is False
    assert [m["key"] for m in lapsed["missing"]] == ["trainings"]
    assert "certification_mark" not in marks

    early, _ = await _on(api, partner, since - timedelta(days=1))
    assert (early["certified"], early["membershipActive"]) == (False, False)
    assert [m["key"] for m in early["missing"]] == ["membership_accepted", "trainings"]
