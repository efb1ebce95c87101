"""The request's batch loader (schema/batching.py): reads ahead in one call, answers settled
keys at once, and still batches plain loads."""

from __future__ import annotations

import asyncio

import pytest
from strawberry.exceptions import WrongNumberOfResultsReturned

from schema.batching import Loader

pytestmark = pytest.mark.anyio


class Source:
    """A batch function that records each call's keys."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    async def __call__(self, keys: list[int]) -> list[str | BaseException]:
        self.calls.append(list(keys))
        return [ValueError(f"bad {k}") if k < 0 else f"v{k}" for k in keys]


async def test_read_ahead_reads_the_missing_keys_in_one_call_in_order() -> None:
    source = Source()
    loader = Loader(source)
    assert await loader.load(2) == "v2"
    values = await loader.read_ahead([3, 2, 1, 3])
    assert values == ["v3", "v2", "v1", "v3"]
    assert source.calls == [[2], [3, 1]]  # 2 was cached; 3 asked twice, read once
    assert await loader.read_ahead([1, 2, 3]) == ["v1", "v2", "v3"]
    assert len(source.calls) == 2


async def test_settled_answers_only_what_is_cached_and_succeeded() -> None:
    loader = Loader(Source())
    assert loader.settled(1) is None
    pending = loader.load(1)
    assert loader.settled(1) is None  # queued, not read yet
    assert await pending == "v1"
    found = loader.settled(1)
    assert found is not None and found.result() == "v1"
    with pytest.raises(ValueError, match="bad -1"):
        await loader.read_ahead([-1])
    assert loader.settled(-1) is None  # a failed key is not an answer


async def test_read_ahead_awaits_keys_another_caller_queued() -> None:
    source = Source()
    loader = Loader(source)
    queued = loader.load(5)
    values = await loader.read_ahead([5, 6])
    assert values == ["v5", "v6"]
    assert await queued == "v5"
    assert source.calls == [[6], [5]]  # 5 read once, in its own round's batch


async def test_plain_loads_still_batch_per_round() -> None:
    source = Source()
    loader = Loader(source)
    assert await asyncio.gather(loader.load(1), loader.load(2), loader.load(1)) == [
        "v1",
        "v2",
        "v1",
    ]
    assert source.calls == [[1, 2]]


async def test_read_ahead_rejects_a_batch_function_with_the_wrong_count() -> None:
    async def short(keys: list[int]) -> list[str]:
        return ["only one"]

    loader = Loader(short)
    with pytest.raises(WrongNumberOfResultsReturned):
        await loader.read_ahead([1, 2])
    assert loader.settled(1) is None
