"""What the command groups share: exit codes, the database they open, how refusals print."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.settings import get_settings
from models.db import make_async_engine, make_sessionmaker
from services.errors import UseCaseError

EXIT_USAGE = 2
EXIT_INVALID = 65


@asynccontextmanager
async def database() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on DATABASE_URL; the engine is disposed when the command is done."""
    engine = make_async_engine(get_settings().database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def refused(exc: UseCaseError) -> int:
    """Print a use case's coded refusal on stderr; the exit code for invalid input."""
    for error in exc.errors:
        print(f"error: {error.code.value.upper()}: {error.message}", file=sys.stderr)
    return EXIT_INVALID
