"""Webhooks: outbox written with the change, signed delivery to a loopback receiver, retries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from models import OutboxEvent, WebhookDelivery
from services.webhooks.delivery import DeliveryPolicy, backoff, run_once
from services.webhooks.ssrf import url_problem
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.webhooks import Receiver, serve_receiver

pytestmark = pytest.mark.anyio
LOOPBACK = pytest.mark.parametrize(
    "api_settings",
    [{"PARTNERGRAPH_WEBHOOKS_ALLOW_PRIVATE": True}],
    indirect=True,
    ids=["loopback-allowed"],
)

REGISTER = """mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { endpoint { id url eventTypes enabled } secret
  userErrors { field code message } } }"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as box:
        yield box


def test_loopback_and_private_urls_are_refused_by_default() -> None:
    assert url_problem("http://127.0.0.1:9/x", allow_private=False) is not None
    assert url_problem("http://10.1.2.3/x", allow_private=False) is not None
    assert url_problem("http://169.254.169.254/latest", allow_private=False) is not None
    assert url_problem("ftp://example.com/x", allow_private=False) is not None
    assert url_problem("http://user:pw@example.com/x", allow_private=True) is not None
    assert url_problem("http://127.0.0.1:9/x", allow_private=True) is None


def test_backoff_grows_with_jitter() -> None:
    policy = DeliveryPolicy(base_delay_seconds=10, max_delay_seconds=100)
    import random

    rng = random.Random(7)
    delays = [backoff(n, policy, rng) for n in (1, 2, 3, 6)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and 20 <= delays[2] <= 40
    assert 50 <= delays[3] <= 100


async def test_registration_refuses_loopback_without_the_setting(api: Api) -> None:
    data = await api.gql(
        REGISTER,
        {"input": {"url": "http://127.0.0.1:9/hooks", "eventTypes": ["agreement.accepted"]}},
    )
    payload = data["registerWebhookEndpoint"]
    assert payload["userErrors"][0]["code"] == "URL_NOT_ALLOWED"
    bad_type = await api.gql(
        REGISTER, {"input": {"url": "https://example.com/h", "eventTypes": ["nope"]}}
    )
    assert bad_type["registerWebhookEndpoint"]["userErrors"][0]["code"] in (
        "UNKNOWN_EVENT_TYPE",
        "URL_NOT_ALLOWED",
    )


@LOOPBACK
async def test_event_reaches_a_loopback_receiver_signed(api: Api, receiver: Receiver) -> None:
    """Done when: an event produced by a mutation reaches a loopback receiver that verifies it
    with `standardwebhooks`."""
    policy = DeliveryPolicy(allow_private=True, base_delay_seconds=0.01)
    _partner, key = await partner_key(api)
    registered = await _register(api, key, receiver.url, policy)
    secret = registered["secret"]
    assert secret.startswith("whsec_")
    await accept_segment(api, key)  # emits agreement.accepted and document.generated
    async with httpx.AsyncClient() as client:
        counts = await run_once(api.sessionmaker, client, policy)
    assert counts == {"succeeded": 1}
    headers, body = receiver.received[0]
    verified = Webhook(secret).verify(
        body,
        {
            "webhook-id": headers["webhook-id"],
            "webhook-timestamp": headers["webhook-timestamp"],
            "webhook-signature": headers["webhook-signature"],
        },
    )
    assert verified["type"] == "agreement.accepted"
    assert verified["data"]["kind"] == "segment-program-agreement"
    listed = await api.gql(
        "{ webhookEndpoints { deliveries { status attempts eventType log { statusCode } } } }",
        key=key,
    )
    delivery = listed["webhookEndpoints"][0]["deliveries"][0]
    assert delivery == {
        "status": "succeeded",
        "attempts": 1,
        "eventType": "agreement.accepted",
        "log": [{"statusCode": 204}],
    }
    async with httpx.AsyncClient() as client:
        assert await run_once(api.sessionmaker, client, policy) == {}  # nothing twice


async def test_outbox_is_written_with_the_change_and_rolled_back_with_it(api: Api) -> None:
    _partner, key = await partner_key(api)
    async with api.sessionmaker() as session:
        before = await session.scalar(select(func.count()).select_from(OutboxEvent))
    refused = await accept_segment(api, key, kind="segment-referral-addendum")
    assert refused["userErrors"]  # refused: nothing written, no event
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == before
    await accept_segment(api, key)
    async with api.sessionmaker() as session:
        kinds = list(await session.scalars(select(OutboxEvent.event_type)))
        assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert sorted(kinds) == ["agreement.accepted", "document.generated"]


async def _register(api: Api, key: str, url: str, policy: DeliveryPolicy) -> dict[str, Any]:
    data = await api.gql(
        REGISTER, {"input": {"url": url, "eventTypes": ["agreement.accepted"]}}, key=key
    )
    payload: dict[str, Any] = data["registerWebhookEndpoint"]
    assert payload["userErrors"] == [], payload
    del policy
    return payload


@LOOPBACK
async def test_concurrent_workers_deliver_each_event_once(api: Api, receiver: Receiver) -> None:
    import asyncio

    policy = DeliveryPolicy(allow_private=True)
    keys = []
    for name in ("One", "Two", "Three", "Four"):
        _partner, key = await partner_key(api, displayName=name)
        await _register(api, key, receiver.url, policy)
        keys.append(key)
    for key in keys:
        await accept_segment(api, key)
    async with httpx.AsyncClient() as client:
        results = await asyncio.gather(
            *(run_once(api.sessionmaker, client, policy, 2) for _ in range(4))
        )
        rest = await run_once(api.sessionmaker, client, policy)
    delivered = sum(r.get("succeeded", 0) for r in results) + rest.get("succeeded", 0)
    assert delivered == 4
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == len(set(ids)) == 4


async def test_malformed_ids_are_coded_user_errors(api: Api) -> None:
    _partner, key = await partner_key(api)
    update = await api.gql(
        """mutation($input: UpdateWebhookEndpointInput!) {
        updateWebhookEndpoint(input: $input) { endpoint { id } userErrors { field code } } }""",
        {"input": {"endpointId": "not-an-id", "enabled": False}},
        key=key,
    )
    assert update["updateWebhookEndpoint"] == {
        "endpoint": None,
        "userErrors": [{"field": ["input", "endpointId"], "code": "INVALID_ID"}],
    }
    redeliver = await api.gql(
        """mutation($input: RedeliverWebhookInput!) {
        redeliverWebhook(input: $input) { delivery { id } userErrors { field code } } }""",
        {"input": {"deliveryId": "not-an-id"}},
        key=key,
    )
    assert redeliver["redeliverWebhook"] == {
        "delivery": None,
        "userErrors": [{"field": ["input", "deliveryId"], "code": "INVALID_ID"}],
    }
