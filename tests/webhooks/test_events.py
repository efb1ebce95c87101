"""Webhook events: kept 30 days whatever the endpoint's state, listed, replayed over a range."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from models import OutboxEvent, WebhookDelivery
from models.base import utcnow
from schema.ids import decode_id
from services.webhooks.delivery import DeliveryPolicy, run_once
from services.webhooks.outbox import emit
from services.webhooks.replay import purge_expired
from tests.conftest import Api
from tests.helpers.agreements import partner_key
from tests.helpers.webhooks import Receiver, serve_receiver

pytestmark = pytest.mark.anyio
LOOPBACK = pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_WEBHOOKS_ALLOW_PRIVATE": True}], indirect=True
)
REGISTER = """mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }"""
REPLAY = """mutation($input: ReplayWebhookEventsInput!) {
  replayWebhookEvents(input: $input) { replayed userErrors { field code message } } }"""
EVENTS = """query($filter: WebhookEventFilterInput) { webhookEvents(filter: $filter, first: 50) {
  totalCount edges { node { id eventType createdAt payload deliveries { status } } } } }"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as box:
        yield box


async def _register(api: Api, url: str, key: str | None = None) -> str:
    data = await api.gql(
        REGISTER,
        {"input": {"url": url, "eventTypes": ["referral.submitted", "tier.changed"]}},
        key=key,
    )
    assert data["registerWebhookEndpoint"]["userErrors"] == []
    return str(data["registerWebhookEndpoint"]["endpoint"]["id"])


async def _emit(api: Api, event_type: str, partner: uuid.UUID | None, hours_ago: float) -> None:
    async with api.sessionmaker.begin() as session:
        await emit(session, event_type, partner, {}, now=utcnow() - timedelta(hours=hours_ago))


@LOOPBACK
async def test_events_are_listed_with_filters_and_by_audience(api: Api) -> None:
    partner, key = await partner_key(api)
    partner_id = decode_id(partner["id"])[1]
    await _register(api, "http://127.0.0.1:9/admin")
    mine = await _register(api, "http://127.0.0.1:9/partner", key)
    await _emit(api, "referral.submitted", partner_id, 5)
    await _emit(api, "referral.submitted", None, 4)
    await _emit(api, "tier.changed", partner_id, 3)
    await _emit(api, "commission.paid", partner_id, 2)  # nobody subscribes: still recorded
    everything = (await api.gql(EVENTS))["webhookEvents"]
    assert everything["totalCount"] == 4
    assert [e["node"]["eventType"] for e in everything["edges"]] == [
        "commission.paid",
        "tier.changed",
        "referral.submitted",
        "referral.submitted",
    ]
    assert everything["edges"][1]["node"]["deliveries"] == [
        {"status": "pending"},
        {"status": "pending"},
    ]
    assert everything["edges"][0]["node"]["payload"]["type"] == "commission.paid"
    as_partner = (await api.gql(EVENTS, key=key))["webhookEvents"]
    assert as_partner["totalCount"] == 3  # not the event without a partner
    assert as_partner["edges"][1]["node"]["deliveries"] == [{"status": "pending"}]  # its own
    since = (utcnow() - timedelta(hours=4.5)).isoformat()
    until = (utcnow() - timedelta(hours=2.5)).isoformat()
    ranged = await api.gql(EVENTS, {"filter": {"since": since, "until": until}})
    assert ranged["webhookEvents"]["totalCount"] == 2
    typed = await api.gql(
        EVENTS, {"filter": {"eventTypes": ["referral.submitted"], "endpointId": mine}}, key=key
    )
    assert typed["webhookEvents"]["totalCount"] == 1


@LOOPBACK
async def test_replay_sends_a_time_range_again_with_the_same_ids(
    api: Api, receiver: Receiver
) -> None:
    endpoint = await _register(api, receiver.url)
    for hours in (30, 20, 10):
        await _emit(api, "referral.submitted", None, hours)
    policy = DeliveryPolicy(allow_private=True)
    async with httpx.AsyncClient() as client:
        assert await run_once(api.sessionmaker, client, policy) == {"succeeded": 3}
        window = {
            "endpointId": endpoint,
            "since": (utcnow() - timedelta(hours=25)).isoformat(),
            "until": utcnow().isoformat(),
        }
        replayed = await api.gql(REPLAY, {"input": window})
        assert replayed["replayWebhookEvents"] == {"replayed": 2, "userErrors": []}
        assert await run_once(api.sessionmaker, client, policy) == {"succeeded": 2}
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == 5 and set(ids[3:]) < set(ids[:3])  # the same webhook-ids again


@LOOPBACK
async def test_replay_refuses_bad_ranges_and_foreign_endpoints(api: Api) -> None:
    async def refusal(input_: dict[str, Any], key: str | None = None) -> str:
        data = await api.gql(REPLAY, {"input": input_}, key=key)
        assert data["replayWebhookEvents"]["replayed"] is None
        return str(data["replayWebhookEvents"]["userErrors"][0]["code"])

    endpoint = await _register(api, "http://127.0.0.1:9/x")
    now = utcnow()
    base = {"endpointId": endpoint, "since": now.isoformat(), "until": now.isoformat()}
    assert await refusal(base) == "INVALID_RANGE"
    old = {
        **base,
        "since": (now - timedelta(days=90)).isoformat(),
        "until": (now - timedelta(days=31)).isoformat(),
    }
    assert await refusal(old) == "OUTSIDE_RETENTION"
    typed = {**old, "until": now.isoformat(), "eventTypes": ["nope"]}
    assert await refusal(typed) == "UNKNOWN_EVENT_TYPE"
    _partner, key = await partner_key(api)
    assert await refusal({**old, "until": now.isoformat()}, key) == "NOT_FOUND"
    assert await refusal({**base, "endpointId": "nope"}) == "INVALID_ID"


@LOOPBACK
async def test_retention_keeps_thirty_days_whatever_the_endpoint_state(api: Api) -> None:
    await _register(api, "http://127.0.0.1:9/x")
    await api.gql(
        """mutation($input: UpdateWebhookEndpointInput!) {
        updateWebhookEndpoint(input: $input) { userErrors { code } } }""",
        {
            "input": {
                "endpointId": (await api.gql("{ webhookEndpoints { id } }"))["webhookEndpoints"][0][
                    "id"
                ],
                "enabled": False,
            }
        },
    )
    for days in (40, 31, 29, 1):
        await _emit(api, "referral.submitted", None, days * 24)
    async with api.sessionmaker.begin() as session:
        assert await purge_expired(session, DeliveryPolicy(), utcnow()) == 2
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 2
        held = await session.scalars(select(WebhookDelivery.status))
        assert list(held) == ["pending", "pending"]  # held for the disabled endpoint
