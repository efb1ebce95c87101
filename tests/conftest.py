"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL runs when PARTNERGRAPH_TEST_DATABASE_URL is set (a server URL; a throwaway database
is created there) and always under CI=true, where an unreachable server fails the run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import models
from api.app import create_app
from api.blob_stores import open_storage
from api.settings import Settings
from models import migrate
from models.db import make_async_engine, make_sessionmaker, make_sync_engine
from models.documents.blobs import BlobStore
from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys.keys import create_api_key
from services.documents.templates import sync_shipped
from services.programs.loader import load_program_files
from tests import databases

ROOT = Path(__file__).resolve().parent.parent
SEED_PROGRAMS = sorted((ROOT / "programs").glob("*.toml"))
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The PostgreSQL server URL, or a skip (outside CI) / failure (under CI)."""
    url = databases.postgres_admin_url()
    if url is None:
        pytest.skip(
            "PostgreSQL tests skipped: set PARTNERGRAPH_TEST_DATABASE_URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/postgres) to run them"
        )
    problem = databases.check_postgres(url)
    if problem is not None:
        message = f"PostgreSQL unreachable at {url}: {problem}"
        if databases.in_ci():
            pytest.fail(f"{message} (CI requires PostgreSQL)", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each database backend in turn."""
    return str(request.param)


@pytest.fixture
def fresh_database_url(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[str]:
    """An empty database of each backend."""
    if backend == "sqlite":
        with databases.sqlite_database(tmp_path) as url:
            yield url
    else:
        with databases.postgres_database(request.getfixturevalue("postgres_admin")) as url:
            yield url


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of each backend migrated to head once per run."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = stack.enter_context(databases.sqlite_database(tmp_path_factory.mktemp("db")))
        else:
            admin = request.getfixturevalue("postgres_admin")
            url = stack.enter_context(databases.postgres_database(admin))
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def _sync_engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_sync_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(migrated_url: str, _sync_engine: Engine) -> str:
    """A migrated database, emptied before the test."""
    tables = [t.name for t in reversed(models.Base.metadata.sorted_tables)]
    with _sync_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608
    return migrated_url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_async_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[BlobStore]:
    """The blob store the app under test uses: PostgreSQL's on PostgreSQL, else a folder."""
    settings = Settings(database_url=database_url, PARTNERGRAPH_DATA_DIR=tmp_path / "data")
    storage = open_storage(settings)
    yield storage.blobs
    storage.close()


@pytest.fixture
async def seeded(sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore) -> None:
    """Both seed programs loaded and the shipped templates published."""
    await load_program_files(sessionmaker, SEED_PROGRAMS)
    async with sessionmaker.begin() as session:
        await sync_shipped(session, store, SYSTEM)


class StatementCounter:
    """Counts SQL statements sent on an engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):  # transaction control
            self.count += 1


@pytest.fixture
def statements(engine: AsyncEngine) -> StatementCounter:
    return StatementCounter(engine)


class Api:
    """A GraphQL client bound to the app under test."""

    def __init__(
        self, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self.client = client
        self.sessionmaker = sessionmaker
        self.admin_key = ""
        self.app: Any = None
        """The ASGI app under test, to call without the HTTP client."""

    async def new_key(self, role: ApiKeyRole = ApiKeyRole.ADMIN, partner_id: Any = None) -> str:
        async with self.sessionmaker.begin() as session:
            new = await create_api_key(
                session, name=f"test {role.value}", role=role, partner_id=partner_id, actor=SYSTEM
            )
        return new.token

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, key: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key or self.admin_key}"}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, key: str | None = None
    ) -> dict[str, Any]:
        """Run a query that must succeed; return its data."""
        response = await self.post(query, variables, key)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def api_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra settings for the app under test (parametrize indirectly to change them)."""
    return dict(getattr(request, "param", {}))


@pytest.fixture
async def api(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    seeded: None,
    tmp_path: Path,
    api_settings: dict[str, Any],
) -> AsyncIterator[Api]:
    settings = Settings(
        database_url=database_url,
        PARTNERGRAPH_DATA_DIR=tmp_path / "data",
        PARTNERGRAPH_SECRET_KEY="test-signing-key",
        **api_settings,
    )
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        api = Api(client, sessionmaker)
        api.app = app
        api.admin_key = await api.new_key()
        yield api
