"""CS-REF-11 tail after termination (issue 12): no tail when the operator terminated for cause;
the 6-month tail when the partner terminated for the operator's breach or insolvency; the
membership agreement's termination ends the referrer schedule and starts the same tail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.agreements import APPLY, DECIDE, SIGNER
from tests.helpers.api import create_partner, program
from tests.helpers.ledger import QUALIFY, backdated_referral

pytestmark = pytest.mark.anyio

TERMINATE = """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
  agreement { id terminatedBy } userErrors { field code message } } }"""


async def backdated_referrer(api: Api, name: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A Contentsquare referrer whose agreements an admin recorded as approved in January."""
    partner = await create_partner(
        api, displayName=name, legalName=f"{name} SAS", country="FR", capacities=["REFERRER"]
    )
    cs = await program(api, "contentsquare")
    ids = {}
    for kind in ("contentsquare-membership-agreement", "contentsquare-referrer-schedule"):
        applied = await api.gql(
            APPLY,
            {
                "input": {
                    "programId": cs["id"],
                    "partnerId": partner["id"],
                    "kind": kind,
                    "signer": SIGNER,
                    "appliedOn": "2026-01-06",
                }
            },
        )
        agreement = applied["applyToProgram"]["agreement"]
        assert agreement is not None, applied
        decided = await api.gql(
            DECIDE,
            {
                "input": {
                    "agreementId": agreement["id"],
                    "decision": "APPROVE",
                    "decidedOn": "2026-01-06",
                }
            },
        )
        assert decided["decideApplication"]["userErrors"] == []
        ids[kind] = agreement["id"]
    return partner, cs, ids["contentsquare-membership-agreement"]


async def signing_after_termination(api: Api, name: str, by: str) -> list[dict[str, Any]]:
    """The membership agreement ended at once on 1 April 2026 (insolvency, given by `by`); a
    referral submitted 1 March is signed 1 May: the errors of recording it."""
    partner, cs, membership = await backdated_referrer(api, name)
    referral = await backdated_referral(api, partner, cs, f"{name} Client", date(2026, 3, 1))
    ended = await api.gql(
        TERMINATE,
        {
            "input": {
                "agreementId": membership,
                "reason": "IMMEDIATE",
                "cause": "insolvency",
                "noticeDate": "2026-04-01",
                "by": by,
            }
        },
    )
    assert ended["terminateAgreement"]["userErrors"] == []
    qualified = await api.gql(
        QUALIFY,
        {"input": {"referralId": referral, "signedOn": "2026-05-01", "products": ["Analytics"]}},
    )
    errors: list[dict[str, Any]] = qualified["recordQualifiedAgreement"]["userErrors"]
    return errors


async def test_no_tail_when_the_operator_terminated_for_cause(api: Api) -> None:
    [error] = await signing_after_termination(api, "Caused", "OPERATOR")
    assert error["code"] == "OUTSIDE_QUALIFICATION_WINDOW"
    assert "2026-03-31" in error["message"]


async def test_tail_when_the_partner_terminated_for_the_operator_insolvency(api: Api) -> None:
    assert await signing_after_termination(api, "Leaver", "PARTNER") == []
