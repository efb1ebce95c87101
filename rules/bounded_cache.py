"""A cache of at most a given number of entries, the oldest out first (every layer's caches of
derived values: statements, parsed or compiled files, figures of a program version)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import Enum
from threading import Lock
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most `size` entries; `put` past the bound drops the oldest (insertion order).

    Read through `entries`, a plain dict typed read-only: a hit is one dict lookup (hot paths;
    a method of this class or of a dict subclass costs a third more). Write through `put` and
    `drop`.
    """

    __slots__ = ("_entries", "_lock", "entries", "size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a bounded cache holds at least one entry")
        self.size = size
        self._entries: dict[K, V] = {}
        self.entries: Mapping[K, V] = self._entries
        self._lock = Lock()  # writers may be threads (the sync engine, anyio's workers)

    def put(self, key: K, value: V) -> V:
        """Keep `value` under `key` (replacing it), dropping the oldest entry when full."""
        entries = self._entries
        with self._lock:
            if key not in entries and len(entries) >= self.size:
                del entries[next(iter(entries))]
            entries[key] = value
        return value

    def drop(self, key: K) -> None:
        """Forget `key`, if kept."""
        with self._lock:
            self._entries.pop(key, None)


KEPT_STRING = 256
"""The longest string a cache key keeps (`variables_key`)."""


def variables_key(variables: Mapping[str, Any]) -> tuple[Hashable, ...] | None:
    """A request's variables as part of a cache key: each name with its value's type and the
    value (1, 1.0 and True are equal in Python, and must not share an entry); None when a value
    is not a short scalar (a list, an input object, a string over `KEPT_STRING` characters),
    so that what a cache keeps stays small."""
    key: list[Hashable] = []
    for name in sorted(variables):
        value = variables[name]
        if isinstance(value, str) and len(value) > KEPT_STRING:
            return None
        if value is not None and not isinstance(value, str | int | float | Enum):
            return None
        key.append((name, type(value), value))
    return tuple(key)
