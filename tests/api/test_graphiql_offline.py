"""GraphiQL works with no outside network: its assets come from the server, the key first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys.keys import create_api_key
from tests.helpers.chromium import browser_page, chromium_binary
from tests.helpers.servers import api_server

pytestmark = pytest.mark.anyio

QUERY = "{ programs { edges { node { slug name } } } }"


async def test_graphiql_renders_takes_a_key_and_runs_a_query_offline(
    database_url: str,
    seeded: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    chromium_binary()
    async with sessionmaker.begin() as session:
        key = (
            await create_api_key(
                session, name="graphiql", role=ApiKeyRole.ADMIN, partner_id=None, actor=SYSTEM
            )
        ).token
    env = {"DATABASE_URL": database_url, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    with api_server(env) as url:
        async with browser_page() as page:
            await page.goto(f"{url}/graphql")
            await page.wait_for("document.getElementById('pg-key') !== null")
            await page.wait_for("typeof GraphiQL === 'function'")
            # nothing is asked of the API before a key is given
            assert not [r for r in page.requests if r["url"].startswith(f"{url}/graphql?")]
            assert not [r for r in page.requests if r["method"] == "POST"]
            await page.evaluate(
                f"document.getElementById('pg-key').value = {json.dumps(key)};"
                "document.getElementById('pg-use').click(); true"
            )
            await page.wait_for("!!document.querySelector('.graphiql-query-editor .CodeMirror')")
            # the schema was fetched with the key: the documentation explorer knows Query
            await page.evaluate(
                "document.querySelector('.graphiql-query-editor .CodeMirror')"
                f".CodeMirror.setValue({json.dumps(QUERY)}); true"
            )
            await page.evaluate("document.querySelector('.graphiql-execute-button').click(); true")
            shown = await page.wait_for(
                "(document.querySelector('.graphiql-response') || {}).innerText"
                " && document.querySelector('.graphiql-response').innerText"
                ".includes('segment-technology')"
                " && document.querySelector('.graphiql-response').innerText"
            )
            assert "contentsquare" in shown
            posts = [r for r in page.requests if r["method"] == "POST"]
            assert len(posts) >= 2  # the schema (introspection), then the query
            assert all(r["headers"].get("Authorization") == f"Bearer {key}" for r in posts)
            assert "IntrospectionQuery" in posts[0]["postData"]
            # the key stays in the browser for the next visit
            assert await page.evaluate("localStorage.getItem('partnergraph:authorization')") == key
            assert page.hosts() == {"127.0.0.1"}
