"""The per-request context: who is calling, the database, and fresh DataLoaders."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info as StrawberryInfo

from models.documents.blobs import BlobStore
from schema.errors import CodedError
from schema.loaders import Loaders
from services.actor import Actor
from services.webhooks.delivery import DeliveryPolicy

T = TypeVar("T")


class DownloadLinks(Protocol):
    """Signs document download paths (the HTTP edge provides it: `api.download_links`)."""

    def path(self, document_id: uuid.UUID, global_id: str) -> str: ...


class RequestEndedError(RuntimeError):
    """A read started after the request's answer was sent; its session is closing."""


class SessionLock(asyncio.Lock):
    """The lock every use of the request's session holds; once the answer is built it is
    closed, and a late holder gets RequestEndedError instead of the session."""

    closed = False

    async def __aenter__(self) -> None:
        await super().__aenter__()
        if self.closed:
            self.release()
            raise RequestEndedError("the request has ended")


@dataclass
class Context:
    """What every resolver gets as `info.context`."""

    actor: Actor
    sessionmaker: async_sessionmaker[AsyncSession]
    session: AsyncSession
    store: BlobStore
    links: DownloadLinks
    base_url: str = ""
    delivery_policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    client_ip: str | None = None
    user_agent: str | None = None
    lock: SessionLock = field(default_factory=SessionLock)
    loaders: Loaders = field(init=False)
    background: set[asyncio.Future[Any]] = field(default_factory=set)
    answered: Callable[[int], None] | None = None
    """Told the fields of each answer the fast path gave in full (`schema/fast_path.py`), so
    the edge charges them without counting the answer again."""

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.session, self.lock)

    async def settle_background(self) -> None:
        """Wait for resolvers still running after the answer was built (graphql-core settles a
        failed field's siblings in the background), then close the session to them: a batch
        load dispatched later fails instead of using a session that is being closed. The
        loaders then forget what they read (`Loaders.close`)."""
        while self.background:
            pending = list(self.background)
            self.background.difference_update(pending)
            await asyncio.gather(*pending, return_exceptions=True)
        if not self.lock.closed:
            async with self.lock:
                self.lock.closed = True
        self.loaders.close()

    async def _attempt(self, use_case: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self.sessionmaker() as session:
            try:
                result = await use_case(session, self.actor, *args, **kwargs)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        return result

    async def run(self, use_case: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run a use case in its own transaction; committed on success, rolled back on error.

        Loaders are renewed afterwards so later fields see the change.
        """
        async with self.lock:
            await self.session.rollback()  # end a read transaction first (SQLite's)
            try:
                result = await self._attempt(use_case, *args, **kwargs)
            except IntegrityError:
                # A concurrent first write won the race (unique violation): run once more,
                # now seeing its row, to answer with the one result or a coded error.
                try:
                    result = await self._attempt(use_case, *args, **kwargs)
                except IntegrityError as exc:
                    raise CodedError(
                        "CONCURRENT_WRITE",
                        "a concurrent request wrote the same record; retry the request",
                    ) from exc
            await self.session.rollback()
        used, self.loaders = self.loaders, Loaders(self.session, self.lock)
        used.close()
        return result


Info = StrawberryInfo[Context, None]
