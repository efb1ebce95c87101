"""Opaque global IDs (rules/global_ids.py)."""

from __future__ import annotations

import base64
import uuid

import pytest

from rules.global_ids import global_id
from schema.ids import decode_id


@pytest.mark.parametrize("type_name", ["Partner", "Referral", "Tier", "QualifiedAgreement", "X"])
def test_a_global_id_is_unpadded_base64url_of_type_and_hex(type_name: str) -> None:
    for ident in [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), *(uuid.uuid4() for _ in range(50))]:
        found = global_id(type_name, ident)
        raw = f"{type_name}:{ident.hex}".encode()
        assert found == base64.urlsafe_b64encode(raw).decode().rstrip("=")
        assert "=" not in found and "+" not in found and "/" not in found
        assert decode_id(found) == (type_name, ident)
