"""JSON in and out of the GraphQL endpoint (api/negotiation.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.negotiation import decode_json, encode_json


@pytest.mark.parametrize(
    "value",
    [
        {"data": {"partners": {"nodes": [{"id": "UGFy", "displayName": "Société Générale"}]}}},
        {"data": None, "errors": [{"message": "x", "path": ["a", 0, "b"]}]},
        {"n": [1, -2, 3.5, True, False, None, "", "\u2028", "\U0001f600"]},
        {"big": 2**70, "small": -(2**70)},
        {1: "one", "nested": {2: [None]}},
    ],
)
def test_answers_are_written_as_the_standard_encoder_reads_them(value: dict[Any, Any]) -> None:
    written = encode_json(value)
    assert isinstance(written, bytes)
    assert json.loads(written) == json.loads(json.dumps(value))
    assert written == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    decoded, problem = decode_json(written)
    assert problem is None and decoded == json.loads(json.dumps(value))


def test_non_ascii_text_is_written_as_itself() -> None:
    """UTF-8, no escapes (the standard encoder writes `\u00fc`)."""
    assert encode_json({"name": "Zürich"}) == '{"name":"Zürich"}'.encode()
