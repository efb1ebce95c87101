"""Per-request DataLoaders: every relation is read in one batched statement."""

from __future__ import annotations

import asyncio

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from models import Benefit, Membership, Partner, Program, Requirement, Tier, TierChange, queries

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    """The request's loaders, sharing one session guarded by a lock (sessions are not concurrent)."""

    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        self._session = session
        self._lock = lock
        self.program = self._loader(lambda s, ids: queries.by_ids(s, Program, ids))
        self.program_by_slug = self._loader(queries.programs_by_slugs)
        self.tier = self._loader(lambda s, ids: queries.by_ids(s, Tier, ids))
        self.benefit = self._loader(lambda s, ids: queries.by_ids(s, Benefit, ids))
        self.requirement = self._loader(lambda s, ids: queries.by_ids(s, Requirement, ids))
        self.partner = self._loader(lambda s, ids: queries.by_ids(s, Partner, ids))
        self.membership = self._loader(lambda s, ids: queries.by_ids(s, Membership, ids))
        self.tier_change = self._loader(lambda s, ids: queries.by_ids(s, TierChange, ids))
        self.tiers_of_program = self._loader(queries.tiers_of_programs)
        self.benefits_of_tier = self._loader(queries.benefits_of_tiers)
        self.requirements_of_tier = self._loader(queries.requirements_of_tiers)
        self.memberships_of_partner = self._loader(queries.memberships_of_partners)
        self.tier_history_of_membership = self._loader(queries.tier_history_of_memberships)

    def _loader(
        self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._lock:
                return await fetch(self._session, keys)

        return DataLoader(load_fn=load)

    async def read(self, fetch: Callable[[AsyncSession], Awaitable[V]]) -> V:
        """Run a one-off read (a page, a count) on the request's session."""
        async with self._lock:
            return await fetch(self._session)



