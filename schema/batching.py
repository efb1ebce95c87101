"""The request's batch loader: strawberry's DataLoader, with the two ways a list reads ahead
(issue 14) made cheap: a settled answer read without awaiting, and a whole page's keys read
in one statement without a future, a batch task and a callback per key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader, DefaultCache
from strawberry.exceptions import WrongNumberOfResultsReturned

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Loader(DataLoader[K, V], Generic[K, V]):
    """A per-request DataLoader (cached, batched per round) whose cache can be read at once."""

    def __init__(self, load_fn: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        cache: DefaultCache[K, V] = DefaultCache()
        super().__init__(load_fn=load_fn, cache_map=cache)
        self.futures: dict[K, asyncio.Future[V]] = cache.cache_map  # type: ignore[assignment]

    def load(self, key: K) -> Awaitable[V]:
        """The value for `key`: the cached future when there is one, else one in this
        round's batch."""
        future = self.futures.get(key)
        if future is not None and not future.cancelled():
            return future
        return super().load(key)

    def settled(self, key: K) -> asyncio.Future[V] | None:
        """The cached answer for `key` if it is already there (read `.result()` without
        awaiting: a resolver can then answer synchronously); else None."""
        future = self.futures.get(key)
        if future is None or not future.done() or future.cancelled():
            return None
        return None if future.exception() is not None else future

    async def read_ahead(self, keys: Iterable[K]) -> list[V]:
        """The values for `keys`, in order: what is not cached yet is read now, in one call
        of the batch function (a page's keys come together, so there is nothing to wait
        for to batch them with), and cached; keys another caller has queued are awaited."""
        futures = self.futures
        create_future = self.loop.create_future
        missing: dict[K, asyncio.Future[V]] = {}
        found: list[asyncio.Future[V]] = []
        for key in keys:
            future = futures.get(key)
            if future is None or future.cancelled():
                future = missing.setdefault(key, create_future())
            found.append(future)
        if missing:
            values = list(await self.load_fn(list(missing)))
            if len(values) != len(missing):
                raise WrongNumberOfResultsReturned(expected=len(missing), received=len(values))
            for future, value in zip(missing.values(), values, strict=True):
                if isinstance(value, BaseException):
                    future.set_exception(value)
                else:
                    future.set_result(value)
            futures.update(missing)
        for future in found:
            if not future.done():
                await future
        return [future.result() for future in found]
