"""Who is calling: the API key's role and, for partner keys, the one partner it speaks for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from rules.enums import ApiKeyRole


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of a request or a CLI command."""

    role: ApiKeyRole
    key_id: uuid.UUID | None = None
    key_name: str = ""
    partner_id: uuid.UUID | None = None
    request_id: str | None = None

    @property
    def is_admin(self) -> bool:
        """Admins may read and change everything."""
        return self.role is ApiKeyRole.ADMIN

    def may_see_partner(self, partner_id: uuid.UUID) -> bool:
        """Admins see every partner; a partner key only its own."""
        return self.is_admin or self.partner_id == partner_id


SYSTEM = Actor(role=ApiKeyRole.ADMIN, key_name="system")
