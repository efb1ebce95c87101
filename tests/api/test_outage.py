"""A PostgreSQL outage answers 503 DATABASE_UNAVAILABLE with Retry-After (authentication
included: it was a plain-text 500) and the server recovers without a restart."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tests.conftest import Api
from tests.helpers.api import KEY_KEPT_SETTINGS, KEY_READ_SETTINGS

pytestmark = pytest.mark.anyio

QUERY = "{ viewer { role } partners { totalCount } }"


def _admin(database_url: str) -> psycopg.Connection[tuple[object, ...]]:
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def _allow(database_url: str, allowed: bool) -> None:
    name = make_url(database_url).database
    with _admin(database_url) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:  # cut the server's pooled connections too
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


@pytest.mark.parametrize(
    "api_settings",
    [KEY_READ_SETTINGS, KEY_KEPT_SETTINGS],
    indirect=True,
    ids=["key-read", "key-kept"],  # the outage met by authentication, or by the reads
)
async def test_database_outage_gives_503_and_recovers(
    api: Api, database_url: str, request: pytest.FixtureRequest
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the outage is made with PostgreSQL's ALLOW_CONNECTIONS")
    assert (await api.post(QUERY)).status_code == 200
    _allow(database_url, False)
    try:
        for _ in range(3):
            down = await api.post(QUERY)
            assert down.status_code == 503, down.text
            assert down.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
            assert int(down.headers["retry-after"]) >= 1
        ready = await api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert (await api.client.get("/healthz")).status_code == 200  # the process lives
    finally:
        _allow(database_url, True)
        suite_engine: Engine = request.getfixturevalue("_sync_engine")
        suite_engine.dispose()  # the suite's own pooled connection was cut too
    assert (await api.client.get("/readyz")).status_code == 200
    back = await api.post(QUERY)
    assert back.status_code == 200, back.text
    assert back.json()["data"]["viewer"]["role"] == "ADMIN"
