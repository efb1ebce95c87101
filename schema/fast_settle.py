"""Awaiting in the fast path (`schema/fast_path.py`, issue 14): response maps and lists whose
places hold awaitables, filled when they settle; coroutines never started, closed."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from typing import Any


def filled(container: Any, waiting: list[Any]) -> Any:
    """A response map or list, or, when some of its places (`waiting`) hold awaitables, a
    coroutine that fills them with their values and returns it."""
    if not waiting:
        return container
    return _fill(container, waiting)


async def _fill(container: Any, waiting: list[Any]) -> Any:
    values = await _settle([container[place] for place in waiting])
    for place, value in zip(waiting, values, strict=True):
        container[place] = value
    return container


async def _settle(awaitables: list[Any]) -> list[Any]:
    """Every awaitable's value; when one fails, the others still run to their end first, so
    nothing of this request is left running while graphql-core starts again."""
    if len(awaitables) == 1:
        return [await awaitables[0]]
    values = await asyncio.gather(*awaitables, return_exceptions=True)
    for value in values:
        if isinstance(value, BaseException):
            raise value
    return values


def discard(awaitables: Iterable[Any]) -> None:
    """Close coroutines made but never started (a sibling failed before they were awaited),
    with the awaitables they were handed, so none is left never awaited."""
    for awaitable in awaitables:
        if isinstance(awaitable, dict):
            discard(awaitable.values())
        elif isinstance(awaitable, list):
            discard(awaitable)
        elif asyncio.iscoroutine(awaitable) and (
            inspect.getcoroutinestate(awaitable) == inspect.CORO_CREATED
        ):
            discard(awaitable.cr_frame.f_locals.values())  # type: ignore[attr-defined]
            awaitable.close()
