"""What the benchmarks share: a seeded throwaway database, an in-process client, timings."""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx

from api.app import create_app
from api.settings import Settings
from models import migrate
from models.db import make_async_engine, make_sessionmaker
from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys.keys import create_api_key
from services.programs.loader import load_program_files
from tests import databases

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    """The PostgreSQL server benchmarks create their databases on."""
    return os.environ.get("PARTNERGRAPH_BENCH_DATABASE_URL") or os.environ.get(
        "PARTNERGRAPH_TEST_DATABASE_URL", POSTGRES
    )


def run_on_worker_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` on the event loop a server worker runs on: uvloop where it is installed (what
    uvicorn's `loop="auto"` picks), else asyncio's own. PARTNERGRAPH_BENCH_LOOP=asyncio forces
    asyncio's, to measure what uvloop changes."""
    if os.environ.get("PARTNERGRAPH_BENCH_LOOP") != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.run(main)
    return asyncio.run(main)


@contextmanager
def seeded_database() -> Iterator[str]:
    """A throwaway PostgreSQL database, migrated, with the seed programs; yields its URL."""
    with databases.postgres_database(admin_url()) as url:
        migrate.upgrade(url)
        yield url


async def load_programs(url: str) -> None:
    """Load the shipped program files."""
    engine = make_async_engine(url)
    try:
        await load_program_files(make_sessionmaker(engine), sorted(ROOT.glob("programs/*.toml")))
    finally:
        await engine.dispose()


@asynccontextmanager
async def client(url: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The app in process and an admin key for it."""
    # httpx's ASGI transport tries `import sniffio` (to spot trio) for every request; without
    # sniffio installed, each failed import searches sys.path: 0.2-0.4 ms of the client's own
    # CPU per request, counted in the timings. A None entry makes that import fail at once.
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            database_url=url, PARTNERGRAPH_DATA_DIR=Path(data), PARTNERGRAPH_RATE_LIMIT_POINTS=10**9
        )
        engine = make_async_engine(url)
        async with make_sessionmaker(engine).begin() as session:
            key = await create_api_key(
                session, name="bench", role=ApiKeyRole.ADMIN, partner_id=None, actor=SYSTEM
            )
        app = create_app(settings, engine=engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield http, key.token
        await engine.dispose()


async def timed_ms(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any]
) -> float:
    """Milliseconds of one POST of a query; errors raise."""
    headers = {"Authorization": f"Bearer {key}"}
    body = {"query": query, "variables": variables}
    started = time.perf_counter()
    response = await http.post("/graphql", json=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    payload = response.json()
    if response.status_code != 200 or payload.get("errors"):
        raise RuntimeError(response.text[:500])
    return elapsed


async def p50_ms(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any], runs: int
) -> float:
    """Median milliseconds of `runs` POSTs of a query (after one warm-up); errors raise."""
    times = [await timed_ms(http, key, query, variables) for _ in range(runs + 1)]
    return statistics.median(times[1:])


def load_average() -> str:
    """The 1-minute load average, to print next to figures (the machine is shared)."""
    return f"{os.getloadavg()[0]:.2f}"
