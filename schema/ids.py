"""Opaque global IDs: base64url of `Type:uuid`, so clients never build or parse them."""

from __future__ import annotations

import base64
import binascii
import uuid

from rules.global_ids import global_id
from schema.errors import CodedError, invalid_id


def encode_id(type_name: str, ident: uuid.UUID) -> str:
    """The global ID of the `type_name` object with database id `ident`."""
    return global_id(type_name, ident)


def decode_id(value: str) -> tuple[str, uuid.UUID]:
    """Type name and database id of a global ID; CodedError INVALID_ID when malformed."""
    if not value or len(value) > 200:
        raise invalid_id(value)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, _, hex_id = raw.partition(":")
        return type_name, uuid.UUID(hex=hex_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid_id(value) from exc


def expect_id(value: str, type_name: str) -> uuid.UUID:
    """The database id of a global ID that must name a `type_name`."""
    kind, ident = decode_id(value)
    if kind != type_name:
        raise CodedError("WRONG_ID_TYPE", f"expected the ID of a {type_name}, got a {kind}")
    return ident
