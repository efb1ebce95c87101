"""API keys read in the last few seconds, so a request need not read its key (issue 14).

Every request presents a key; reading it cost a statement and about 1 ms. A server keeps each
valid key it read for `seconds` (`PARTNERGRAPH_KEY_CACHE_SECONDS`): the secret is still checked
against the kept hash on every request, and so are the revocation and the expiry. Revoking or
expiring a key forgets it in this process at once, and again when the change commits; another
process sees the change when its copy is `seconds` old, which bounds how long a revoked key can
still be used there.
"""

from __future__ import annotations

import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey
from rules.bounded_cache import BoundedCache
from rules.enums import ApiKeyRole


@dataclass(frozen=True, slots=True)
class KnownKey:
    """What authentication needs of a key, copied off its row."""

    id: uuid.UUID
    name: str
    role: ApiKeyRole
    partner_id: uuid.UUID | None
    secret_sha256: str
    revoked_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KnownKey:
        """The copy of a key row."""
        return cls(
            key.id,
            key.name,
            key.role,
            key.partner_id,
            key.secret_sha256,
            key.revoked_at,
            key.expires_at,
        )


class RecentKeys:
    """Keys by prefix, each kept `seconds` after it was read; at most `size` of them, the
    oldest read out first."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self._keys: BoundedCache[str, tuple[float, KnownKey]] = BoundedCache(size)
        _every.add(self)

    def get(self, prefix: str) -> KnownKey | None:
        """The key read under `prefix` less than `seconds` ago, if any."""
        kept = self._keys.entries.get(prefix)
        if kept is None:
            return None
        if time.monotonic() - kept[0] >= self.seconds:
            self._keys.drop(prefix)
            return None
        return kept[1]

    def put(self, prefix: str, key: KnownKey) -> None:
        """Keep a key just read (nothing when caching is off)."""
        if self.seconds > 0:
            self._keys.put(prefix, (time.monotonic(), key))

    def forget(self, prefix: str) -> None:
        """Drop a key (it was revoked or its expiry changed)."""
        self._keys.drop(prefix)


_every: weakref.WeakSet[RecentKeys] = weakref.WeakSet()


def forget_everywhere(prefix: str) -> None:
    """Drop a key from every cache of this process."""
    for recent in list(_every):
        recent.forget(prefix)


def forget_when_committed(session: AsyncSession, prefix: str) -> None:
    """Drop a key being changed in `session` from every cache of this process, now and again
    when the change commits: a request that read the key meanwhile kept the old row."""
    forget_everywhere(prefix)
    event.listen(
        session.sync_session, "after_commit", lambda _: forget_everywhere(prefix), once=True
    )
