"""Delivery: leases, parallel attempts, retries over days, owner notice, disable, re-enable."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AuditEvent, OutboxEvent, WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from models.webhooks.backlog import webhook_backlog
from services.webhooks.delivery import DeliveryPolicy, run_once
from services.webhooks.leases import claim, settle
from services.webhooks.outbox import emit
from services.webhooks.policy import Outcome
from tests.conftest import Api
from tests.helpers.webhooks import FakeClock, Receiver, serve_receiver

pytestmark = pytest.mark.anyio
LOOPBACK = pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_WEBHOOKS_ALLOW_PRIVATE": True}], indirect=True
)
HOUR = 3600.0
REGISTER = """mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as box:
        yield box


async def register(api: Api, url: str, event_types: list[str] | None = None) -> str:
    """An admin endpoint (it gets every partner's events); its GraphQL id."""
    data = await api.gql(
        REGISTER, {"input": {"url": url, "eventTypes": event_types or ["referral.submitted"]}}
    )
    assert data["registerWebhookEndpoint"]["userErrors"] == []
    return str(data["registerWebhookEndpoint"]["endpoint"]["id"])


async def emit_events(
    sessionmaker: async_sessionmaker[AsyncSession], count: int, now: datetime | None = None
) -> list[uuid.UUID]:
    """`count` referral.submitted events, each in its own transaction."""
    ids = []
    for n in range(count):
        async with sessionmaker.begin() as session:
            event = await emit(session, "referral.submitted", None, {"n": n}, now=now)
            ids.append(event.id)
    return ids


class ScaledClock:
    """A clock that runs `factor` times faster than real time (a slow receiver, in days)."""

    def __init__(self, factor: float) -> None:
        self.start, self.t0, self.factor = utcnow(), time.monotonic(), factor

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.t0) * self.factor)


@LOOPBACK
async def test_two_workers_and_a_slow_receiver_send_each_event_once(
    api: Api, receiver: Receiver
) -> None:
    """Issue 13: with two workers and a slow receiver, 5 of 12 events were sent twice (the
    60-second claim expired while a batch was sent one at a time). Here a second of real time is
    50 seconds: a serial batch of 12 slow requests outlives a 60-second claim, a lease on
    parallel attempts does not."""
    receiver.delay = 0.2
    clock = ScaledClock(50)
    policy = DeliveryPolicy(allow_private=True, timeout_seconds=5, concurrency=6)
    assert policy.lease_seconds > 12 * 0.2 * 50 / 2  # two workers: half the batch each
    await register(api, receiver.url)
    events = await emit_events(api.sessionmaker, 12, clock())
    async with httpx.AsyncClient() as client:
        first, second = await asyncio.gather(
            run_once(api.sessionmaker, client, policy, clock=clock),
            run_once(api.sessionmaker, client, policy, clock=clock),
        )
        assert await run_once(api.sessionmaker, client, policy, clock=clock) == {}
    assert first.get("succeeded", 0) + second.get("succeeded", 0) == 12
    assert receiver.overlaps == 0
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert sorted(ids) == sorted(f"msg_{e.hex}" for e in events)
    assert receiver.max_in_flight > 2  # in parallel, not one at a time


async def test_a_late_worker_cannot_settle_a_delivery_it_lost(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A worker whose lease ran out (and was taken over) logs its attempt but changes
    nothing: the delivery's result is the current holder's."""
    clock = FakeClock(utcnow())
    policy = DeliveryPolicy(timeout_seconds=1)
    async with sessionmaker.begin() as session:
        session.add(_endpoint())
    await emit_events(sessionmaker, 1, clock())
    [(delivery_id, stale)] = await claim(sessionmaker, policy, 10, clock)
    assert await claim(sessionmaker, policy, 10, clock) == []  # leased: nobody else gets it
    clock.advance(policy.lease_seconds + 1)
    [(same, fresh)] = await claim(sessionmaker, policy, 10, clock)
    assert same == delivery_id and fresh != stale
    failed = Outcome(ok=False, status_code=500, error=None, duration_ms=1)
    assert await settle(sessionmaker, policy, delivery_id, stale, failed, clock) == "lease-lost"
    ok = Outcome(ok=True, status_code=204, error=None, duration_ms=1)
    assert await settle(sessionmaker, policy, delivery_id, fresh, ok, clock) == "succeeded"
    assert await settle(sessionmaker, policy, delivery_id, fresh, failed, clock) == "lease-lost"
    async with sessionmaker() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        assert delivery is not None and delivery.status == "succeeded"
        assert delivery.attempts == 1


def _endpoint(url: str = "https://hooks.example/x") -> WebhookEndpoint:
    return WebhookEndpoint(
        id=uuid.uuid4(),
        url=url,
        event_types=["referral.submitted"],
        secret="whsec_" + "A" * 32,
        enabled=True,
        consecutive_failures=0,
    )


async def _state(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    async with sessionmaker() as session:
        endpoint = (await session.scalars(select(WebhookEndpoint))).one()
        kinds = list(await session.scalars(select(OutboxEvent.event_type)))
        statuses = list(await session.scalars(select(WebhookDelivery.status)))
        audits = list(
            await session.scalars(
                select(AuditEvent.operation).where(AuditEvent.object_id == str(endpoint.id))
            )
        )
        return {
            "enabled": endpoint.enabled,
            "failing_since": endpoint.failing_since,
            "events": sorted(kinds),
            "statuses": sorted(statuses),
            "audits": sorted(audits),
        }


@LOOPBACK
async def test_an_endpoint_down_for_days_is_retried_told_disabled_and_caught_up(
    api: Api, receiver: Receiver
) -> None:
    """Issue 13: five failures in a row disabled an endpoint within one worker pass, its
    pending deliveries were failed, events raised while disabled got no delivery, and
    re-enabling requeued nothing. Now: retried for three days, the owner is told after a day,
    the endpoint is disabled after five days, and re-enabling sends everything it missed."""
    clock = FakeClock(utcnow())
    policy = DeliveryPolicy(allow_private=True, base_delay_seconds=60, max_delay_seconds=6 * HOUR)
    await register(api, receiver.url)
    receiver.status = 503
    await emit_events(api.sessionmaker, 1, clock())
    attempts_by_day: list[int] = []
    async with httpx.AsyncClient() as client:
        for _day in range(6):
            before = len(receiver.received)
            for _step in range(48):  # a pass every half hour of the day
                await run_once(api.sessionmaker, client, policy, clock=clock)
                clock.advance(HOUR / 2)
            attempts_by_day.append(len(receiver.received) - before)
            state = await _state(api.sessionmaker)
            if _day == 0:  # failing, not yet told: five failures do not disable
                assert state["enabled"] and state["events"] == ["referral.submitted"]
            if _day == 1:
                assert "webhook_endpoint.failing" in state["events"]
                assert state["audits"] == ["registerWebhookEndpoint", "webhookEndpointFailing"]
                assert state["enabled"]
        assert attempts_by_day[0] >= 8 and sum(attempts_by_day[:3]) >= 15
        # the last attempt at the end of the three-day window, then given up
        assert attempts_by_day[3] <= 1 and attempts_by_day[4:] == [0, 0]
        state = await _state(api.sessionmaker)
        assert state["statuses"] == ["failed"]  # the endpoint does not want failing/disabled
        assert state["enabled"] is True  # no attempt since: nothing to disable on
        await emit_events(api.sessionmaker, 1, clock())  # one more failure, after 6 days
        await run_once(api.sessionmaker, client, policy, clock=clock)
        state = await _state(api.sessionmaker)
        assert state["enabled"] is False
        assert "webhookEndpointDisabled" in state["audits"]
        assert "webhook_endpoint.disabled" in state["events"]
        await emit_events(api.sessionmaker, 2, clock())  # raised while disabled: recorded, held
        assert await run_once(api.sessionmaker, client, policy, clock=clock) == {}
        receiver.status = 200
        endpoint_id = await _endpoint_id(api)
        enabled = await api.gql(
            """mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input)
            { endpoint { enabled failingSince } userErrors { code } } }""",
            {"input": {"endpointId": endpoint_id, "enabled": True}},
        )
        assert enabled["updateWebhookEndpoint"]["endpoint"] == {
            "enabled": True,
            "failingSince": None,
        }
        counts = await run_once(api.sessionmaker, client, policy)
    assert counts == {"succeeded": 4}
    assert sorted(receiver.accepted.values()) == [1, 1, 1, 1]


async def _endpoint_id(api: Api) -> str:
    data = await api.gql("{ webhookEndpoints { id } }")
    return str(data["webhookEndpoints"][0]["id"])


async def test_events_are_recorded_for_a_disabled_endpoint(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        endpoint = _endpoint()
        endpoint.enabled = False
        session.add(endpoint)
    await emit_events(sessionmaker, 3)
    async with sessionmaker() as session:
        held = await session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
        )
    assert held == 3
    policy = DeliveryPolicy()
    assert await claim(sessionmaker, policy, 10, utcnow) == []
    async with sessionmaker() as session:  # held, not late: no lag alert for a disabled one
        backlog = await webhook_backlog(session, utcnow() + timedelta(hours=1))
    assert (backlog.pending, backlog.due, backlog.lag_seconds) == (3, 0, 0.0)
