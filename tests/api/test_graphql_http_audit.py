"""The graphql-http package's server audit, run against a live server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys.keys import create_api_key
from tests.conftest import ROOT

AUDIT = Path(__file__).parent / "graphql_http_audit.mjs"
PACKAGES = ("graphql-http@1.23.1", "graphql@16.15.0")
CACHE = ROOT / ".venv" / "graphql-http-audit"


def _install() -> Path:
    """The audit's node packages, installed once into the (git-ignored) .venv."""
    marker = CACHE / "node_modules" / "graphql-http" / "package.json"
    if not marker.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(CACHE),
                *PACKAGES,
            ],
            check=True,
            timeout=300,
        )
    shutil.copy(AUDIT, CACHE / AUDIT.name)
    return CACHE / AUDIT.name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.anyio
async def test_graphql_over_http_audit(
    database_url: str, seeded: None, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """Done when: the graphql-http server audit reports no errors and no warnings."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the graphql-http audit")
    script = _install()
    async with sessionmaker.begin() as session:
        key = (
            await create_api_key(
                session, name="audit", role=ApiKeyRole.ADMIN, partner_id=None, actor=SYSTEM
            )
        ).token
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data"),
        "PARTNERGRAPH_RATE_LIMIT_POINTS": "10000000",
        "PARTNERGRAPH_LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "1", "--port", str(port)],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        result = subprocess.run(
            ["node", str(script)],
            capture_output=True,
            text=True,
            env={**os.environ, "URL": url, "KEY": key},
            timeout=300,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "audit: 0 errors, 0 warnings" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0
