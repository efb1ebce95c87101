"""Opaque global IDs: base64url of `Type:uuid-hex`."""

from __future__ import annotations

import base64
import uuid


def global_id(type_name: str, ident: uuid.UUID) -> str:
    """The global ID of the `type_name` object with database id `ident`."""
    raw = f"{type_name}:{ident.hex}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
