"""When each API key was last used: kept in memory, written to the database periodically
(never by the request itself, so a read request writes nothing)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ApiKey
from models.base import utcnow

log = logging.getLogger(__name__)
FLUSH_SECONDS = 60.0


class KeyUsage:
    """Last use per API key in this process, flushed every `interval` seconds."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], interval: float = FLUSH_SECONDS
    ) -> None:
        self.sessionmaker = sessionmaker
        self.interval = interval
        self.pending: dict[uuid.UUID, datetime] = {}
        self.recent: dict[uuid.UUID, datetime] = {}

    def touch(self, key_id: uuid.UUID) -> None:
        """The key was used now."""
        now = utcnow()
        self.pending[key_id] = now
        self.recent[key_id] = now

    def last_used(self, key_id: uuid.UUID, stored: datetime | None) -> datetime | None:
        """The later of the stored time and this process's unflushed one."""
        mine = self.recent.get(key_id)
        if mine is None or (stored is not None and stored >= mine):
            return stored
        return mine

    async def flush(self) -> int:
        """Write the pending times (only where they are later); how many keys were written."""
        pending, self.pending = self.pending, {}
        if not pending:
            return 0
        try:
            async with self.sessionmaker.begin() as session:
                for key_id, at in pending.items():
                    await session.execute(
                        update(ApiKey)
                        .where(
                            ApiKey.id == key_id,
                            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < at),
                        )
                        .values(last_used_at=at)
                    )
        except SQLAlchemyError:
            log.warning("could not record API key use; retrying later", exc_info=True)
            for key_id, at in pending.items():
                self.pending.setdefault(key_id, at)
            return 0
        self.recent = {k: v for k, v in self.recent.items() if k in self.pending}
        return len(pending)

    async def run(self) -> None:
        """Flush every `interval` seconds until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(self.interval)
                await self.flush()
        finally:
            await asyncio.shield(self.flush())
