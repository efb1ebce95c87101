"""The string checks of every request (schema/scalars.py): a parsed document's literals are
searched once, however often the document is used (issue 14)."""

from __future__ import annotations

import pytest
from graphql import parse

from schema import scalars


def test_a_documents_literals_are_searched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    searched = []
    collect = scalars._string_literals

    def counted(document: object) -> object:
        searched.append(document)
        return collect(document)

    monkeypatch.setattr(scalars, "_string_literals", counted)
    clean, bad = parse('{ a(b: "fine") }'), parse('{ a(b: "bell\\u0007") }')
    for _ in range(3):
        assert scalars._bad_strings(clean, {"x": "fine"}) is False
        assert scalars._bad_strings(bad, None) is True
    assert searched == [clean, bad]
    assert scalars._bad_strings(parse('{ a(b: "fine") }'), None) is False  # another document
    assert len(searched) == 3
