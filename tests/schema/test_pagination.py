"""Relay connections (schema/pagination.py)."""

from __future__ import annotations

from typing import Any

from models.paging import Page
from schema.pagination import build_connection, decode_cursor


async def _no_count() -> int:
    raise AssertionError("not asked")


def test_a_connection_makes_edges_and_cursors_only_when_asked() -> None:
    """A list read through `nodes` wraps each row once and encodes no cursor (issue 14);
    edges and page info give each row's own cursor when asked."""
    keyed: list[Any] = []

    def key(row: dict[str, Any]) -> list[Any]:
        keyed.append(row["id"])
        return [row["at"], row["id"]]

    rows = [{"id": i, "at": f"2026-01-0{i}"} for i in (1, 2, 3)]
    page = Page(rows, has_next=True, has_previous=False)
    connection = build_connection(page, "at:asc", key, lambda row: row["id"] * 10, _no_count)
    assert connection.nodes() == [10, 20, 30]
    assert keyed == []
    edges = connection.edges()
    assert [e.node for e in edges] == [10, 20, 30]
    assert decode_cursor(edges[1].cursor(), "at:asc", 2) == ["2026-01-02", 2]
    assert keyed == [2]
    info: Any = connection.page_info  # its cursors are resolver methods
    assert info.end_cursor() == edges[2].cursor()
    assert info.start_cursor() == edges[0].cursor()
    assert info.has_next_page and not info.has_previous_page


def test_an_empty_page_has_no_cursors() -> None:
    page: Page[Any] = Page([], has_next=False, has_previous=False)
    connection = build_connection(page, "at:asc", lambda r: [r], lambda r: r, _no_count)
    assert connection.nodes() == [] and connection.edges() == []
    info: Any = connection.page_info
    assert info.start_cursor() is None
    assert info.end_cursor() is None
