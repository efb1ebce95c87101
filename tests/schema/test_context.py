"""The request context outlives no resolver: work graphql-core settles in the background after
an answer is built is waited for, and the session is closed to late batch loads (issue 13:
the schema fuzz got a 500 when the session closed under a still-running load)."""

from __future__ import annotations

import asyncio

import pytest

from schema.context import RequestEndedError, SessionLock

pytestmark = pytest.mark.anyio


class _Loaders:
    closed = False

    def close(self) -> None:
        self.closed = True


class _Request:
    """The parts of Context that settle_background uses."""

    def __init__(self) -> None:
        self.lock = SessionLock()
        self.background: set[asyncio.Future[object]] = set()
        self.loaders = _Loaders()

    from schema.context import Context

    settle_background = Context.settle_background


async def test_background_work_finishes_before_the_session_closes() -> None:
    request = _Request()
    used: list[str] = []

    async def sibling() -> None:
        await asyncio.sleep(0.01)
        async with request.lock:
            used.append("read")

    request.background.add(asyncio.ensure_future(sibling()))
    await request.settle_background()
    assert used == ["read"] and request.lock.closed
    assert request.loaders.closed  # what the request read is forgotten once it ends


async def test_a_load_after_the_answer_gets_request_ended() -> None:
    request = _Request()
    await request.settle_background()
    with pytest.raises(RequestEndedError):
        async with request.lock:
            pytest.fail("the session was used after the request ended")
    assert not request.lock.locked()  # released for nobody: nothing waits on it forever


async def test_a_read_in_flight_is_waited_for() -> None:
    request = _Request()
    order: list[str] = []

    async def read() -> None:
        async with request.lock:
            await asyncio.sleep(0.01)
            order.append("read done")

    task = asyncio.ensure_future(read())
    await asyncio.sleep(0)
    await request.settle_background()
    order.append("closed")
    await task
    assert order == ["read done", "closed"]
