"""Ledger recomputation is serialised per partner and program: revenue, payment and payout
mutations fired at once for one partner give the figures of a serial replay (issue 11; found:
two revenue calls at once on PostgreSQL stored 0.00 and 20,000 instead of CS-REF-15's 52,500
and 32,500)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.ledger import (
    PAYMENT,
    PAYOUT,
    QUALIFY,
    REVENUE,
    TAX,
    backdated_referral,
    gql_ok,
    ledger,
    qualified_with_fee,
)
from tests.helpers.referrals import referrer

pytestmark = pytest.mark.anyio
SINCE = date(2024, 1, 2)  # the partner's agreements are in effect from then on

NODE = """query($id: ID!) { node(id: $id) { ... on Commission { amount { amount } status
  ncr { amount } } } }"""


async def _setup(api: Api, name: str) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    partner, _key, cs = await referrer(api, name, since=SINCE)
    q0, c0 = await qualified_with_fee(api, partner, cs, f"{name} Zero", date(2025, 2, 1), "100000")
    await gql_ok(
        api,
        TAX,
        {"input": {"partnerId": partner["id"], "receivedOn": "2025-01-15", "withholdingRate": "0"}},
    )
    await gql_ok(
        api,
        PAYMENT,
        {"input": {"qualifiedAgreementId": q0, "receivedOn": "2025-03-01", "amount": "100000"}},
    )
    fresh = []
    for client, day in (("One", 1), ("Two", 2), ("Three", 3), ("Four", 4)):
        signed = date(2026, 2, day)
        referral = await backdated_referral(api, partner, cs, f"{name} {client}", date(2026, 1, 5))
        qa = await gql_ok(
            api,
            QUALIFY,
            {
                "input": {
                    "referralId": referral,
                    "signedOn": signed.isoformat(),
                    "products": ["X"],
                }
            },
        )
        fresh.append(qa["qualifiedAgreement"])
    return partner, cs, [(q0, c0), *[(q["id"], q["commission"]["id"]) for q in fresh]]


def _mutations(api: Api, qas: list[Any]) -> list[Callable[[], Awaitable[dict[str, Any]]]]:
    (_q0, c0), *fresh = qas

    def revenue(qa: str, fee: str, on: str) -> Callable[[], Awaitable[dict[str, Any]]]:
        lines = [{"kind": "invoiced_fee", "amount": fee, "occurredOn": on}]
        return lambda: gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": lines}})

    def payment(qa: str, amount: str) -> Callable[[], Awaitable[dict[str, Any]]]:
        data = {"qualifiedAgreementId": qa, "receivedOn": "2026-03-01", "amount": amount}
        return lambda: gql_ok(api, PAYMENT, {"input": data})

    fees = ("450000", "200000", "100000", "50000")
    return [
        *(
            revenue(qa, fee, f"2026-02-0{i + 1}")
            for i, ((qa, _c), fee) in enumerate(zip(fresh, fees, strict=True))
        ),
        *(payment(qa, fee) for (qa, _c), fee in zip(fresh, fees, strict=True)),
        lambda: gql_ok(api, PAYOUT, {"input": {"commissionId": c0, "paidOn": "2026-01-10"}}),
    ]


def _figures(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["year"], e["amount"]["amount"], e["ncr"]["amount"], e["status"])
        for e in sorted(answer["entries"], key=lambda e: (e["year"], e["amount"]["amount"]))
    ] + [(answer["balance"]["amount"], answer["paid"]["amount"], answer["payable"]["amount"])]


async def test_concurrent_mutations_match_a_serial_replay(api: Api) -> None:
    """CS-REF-15 figures under concurrency: 450,000 -> 52,500 and 200,000 -> 32,500, then
    100,000 -> 20,000 and 50,000 -> 10,000 at 20%; the 2025 commission is paid as it was."""
    partner, cs, qas = await _setup(api, "Racer")
    await asyncio.gather(*(run() for run in _mutations(api, qas)))
    concurrent = await ledger(api, partner, cs)

    replay_partner, _, replay_qas = await _setup(api, "Replay")
    for run in _mutations(api, replay_qas):
        await run()
    serial = await ledger(api, replay_partner, cs)

    assert _figures(concurrent) == _figures(serial)
    assert [e["amount"]["amount"] for e in concurrent["entries"]] == [
        "10000.00",  # 2025, paid
        "52500.00",
        "32500.00",
        "20000.00",
        "10000.00",
    ]
    assert concurrent["balance"] == {"amount": "115000.00"}
    # The stored commissions agree with the ledger computed from the facts.
    for _qa, commission in qas:
        stored = (await api.gql(NODE, {"id": commission}))["node"]
        match = [
            e
            for e in concurrent["entries"]
            if e["amount"] == stored["amount"] and e["status"] == stored["status"]
        ]
        assert match, stored
