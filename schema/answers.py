"""The size of an answer: what a request's rate-limit settlement charges (issue 14)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def count_fields(data: Any) -> int:
    """Fields in an answer's `data` (each object's keys, all the way down; the depth is the
    query's, at most the depth limit)."""
    values: Iterable[Any]
    if isinstance(data, dict):
        total = len(data)
        values = data.values()
    elif isinstance(data, list):
        total, values = 0, data
    else:
        return 0
    for value in values:
        if isinstance(value, dict | list):
            total += count_fields(value)
    return total
