"""Opportunity CSVs with bare CR line endings are read (issue 13: a plain-text 500), and a
malformed CSV is a coded INVALID_CSV user error."""

from __future__ import annotations

import pytest

from services.errors import UseCaseError
from services.referrals.opportunities import parse_csv


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_every_line_ending_is_read(newline: str) -> None:
    text = newline.join(["client_name,note", "Acme,first", "Beta,second", ""])
    items, where = parse_csv(text)
    assert [(i.client_name, i.note) for i in items] == [("Acme", "first"), ("Beta", "second")]
    assert len(where) == 2


def test_a_malformed_csv_is_a_coded_error() -> None:
    with pytest.raises(UseCaseError) as caught:
        parse_csv("client_name,note\n" + "x" * 200_000 + ",y\n")  # past csv's field limit
    assert "INVALID_CSV" in str([e.code for e in caught.value.errors])
