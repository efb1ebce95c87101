"""The bounded cache every layer's caches of derived values use: misses, hits, the bound."""

from __future__ import annotations

from threading import Thread

import pytest

from rules.bounded_cache import BoundedCache


def test_a_miss_finds_nothing_and_a_put_is_then_found() -> None:
    cache: BoundedCache[str, int | None] = BoundedCache(4)
    assert cache.entries.get("a") is None
    assert "a" not in cache.entries
    assert cache.put("a", 1) == 1
    assert cache.put("none", None) is None  # a cached None is a hit, not a miss
    assert cache.entries["a"] == 1
    assert "none" in cache.entries


def test_the_bound_is_held_and_the_oldest_goes_first() -> None:
    cache: BoundedCache[int, str] = BoundedCache(3)
    for n in range(10):
        cache.put(n, str(n))
        assert len(cache.entries) <= 3
    assert dict(cache.entries) == {7: "7", 8: "8", 9: "9"}


def test_putting_a_kept_key_again_replaces_it_and_drops_nothing() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)
    assert dict(cache.entries) == {"a": 3, "b": 2}


def test_entries_are_a_plain_dict_so_a_hit_costs_a_dict_lookup() -> None:
    assert type(BoundedCache[str, int](1).entries) is dict


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one"):
        BoundedCache[str, int](0)


def test_writers_in_threads_keep_the_bound() -> None:
    cache: BoundedCache[int, int] = BoundedCache(8)

    def write(start: int) -> None:
        for n in range(start, start + 5000):
            cache.put(n, n)

    threads = [Thread(target=write, args=(n * 5000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache.entries) == 8


def test_a_dropped_entry_is_gone_and_dropping_a_missing_one_changes_nothing() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.drop("a")
    cache.drop("missing")
    assert dict(cache.entries) == {"b": 2}
    cache.put("c", 3)  # room again: nothing else goes
    assert dict(cache.entries) == {"b": 2, "c": 3}
