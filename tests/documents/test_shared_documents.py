"""Two API servers against one PostgreSQL serve the same documents, whichever generated them.

Each server has its own data folder (as on separate machines); documents and the PDF cache go to
the PostgreSQL blob store, the default on PostgreSQL. PDFs are converted by LibreOffice (which
stamps each conversion with its time), so equal PDFs from both servers came from the cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from models import migrate
from tests import databases
from tests.conftest import SEED_PROGRAMS
from tests.helpers.agreements import ACCEPT, SIGNER
from tests.helpers.api import CREATE_PARTNER, PROGRAM_TIERS, partner_input
from tests.helpers.servers import api_server, cli


def _gql(url: str, key: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _accept(url: str, admin: str, env: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """A new partner accepts Segment's agreement through `url`; its key and the document."""
    partner = _gql(url, admin, CREATE_PARTNER, {"input": partner_input()})["createPartner"]
    partner_id = partner["partner"]["id"]
    key = cli(env, "apikey", "create", "--role", "partner", "--partner", partner_id)
    token = key.stdout.strip().splitlines()[-1]
    segment = _gql(url, admin, PROGRAM_TIERS, {"slug": "segment-technology"})["program"]
    accepted = _gql(
        url,
        token,
        ACCEPT,
        {
            "input": {
                "programId": segment["id"],
                "kind": "segment-program-agreement",
                "signer": SIGNER,
            }
        },
    )["acceptAgreement"]
    assert accepted["userErrors"] == []
    return token, accepted["agreement"]["documents"][0]


def _download(url: str, key: str, document: dict[str, Any], fmt: str = "docx") -> bytes:
    response = httpx.get(
        f"{url}/documents/{document['id']}?format={fmt}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.content


def test_two_servers_serve_the_same_documents(postgres_admin: str, tmp_path: Path) -> None:
    with databases.postgres_database(postgres_admin) as database_url:
        migrate.upgrade(database_url)
        shared = {
            "DATABASE_URL": database_url,
            "PARTNERGRAPH_SECRET_KEY": "shared-signing-key",
        }
        first = {**shared, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "machine-1")}
        second = {**shared, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "machine-2")}
        cli(first, "programs", "load", *map(str, SEED_PROGRAMS))
        cli(first, "templates", "sync")
        admin = cli(first, "apikey", "create").stdout.strip().splitlines()[-1]
        with api_server(first) as one, api_server(second) as two:
            for maker, other in ((one, two), (two, one)):
                key, document = _accept(maker, admin, first)
                docx = _download(other, key, document)
                assert docx == _download(maker, key, document)
                assert docx.startswith(b"PK")
                pdf = _download(other, key, document, "pdf")
                assert pdf.startswith(b"%PDF")
                assert _download(maker, key, document, "pdf") == pdf  # from the shared cache
                signed = httpx.get(document["downloadUrl"].replace(maker, other), timeout=60)
                assert signed.status_code == 200 and signed.content == docx
        for machine in ("machine-1", "machine-2"):  # nothing went to either server's disk
            assert not (tmp_path / machine / "blobs").exists()
            assert not (tmp_path / machine / "pdf").exists()
