"""Opaque global IDs: base64url of `Type:uuid-hex`."""

from __future__ import annotations

import binascii
import uuid

_URLSAFE = bytes.maketrans(b"+/", b"-_")


def global_id(type_name: str, ident: uuid.UUID) -> str:
    """The global ID of the `type_name` object with database id `ident` (what
    `base64.urlsafe_b64encode` gives, without its padding; called straight, as a list of
    hundreds of objects makes hundreds)."""
    raw = b"%s:%032x" % (type_name.encode(), ident.int)
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode()
