"""A server SIGKILLed between claiming an Idempotency-Key and answering leaves a retryable key
(issue 13): the retry runs the request once, or replays the answer that committed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SEED_PROGRAMS
from tests.helpers.api import CREATE_PARTNER, partner_input
from tests.helpers.servers import api_server, cli, free_port

COUNT = "{ partners(first: 5) { totalCount } }"


def _frozen_server(env: dict[str, str], point: str, marker: Path) -> subprocess.Popen[bytes]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.crashing_server", point, str(marker), str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    server.port = port  # type: ignore[attr-defined]
    return server


@pytest.mark.parametrize(("point", "replayed"), [("before-answer", False), ("after-commit", True)])
def test_sigkill_between_claim_and_answer_leaves_a_retryable_key(
    database_url: str, tmp_path: Path, point: str, replayed: bool
) -> None:
    env = {"DATABASE_URL": database_url, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    token = cli(env, "apikey", "create").stdout.strip().splitlines()[-1]
    cli(env, "programs", "load", *map(str, SEED_PROGRAMS))  # they list the partner's capacities
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "create-acme"}
    body = {"query": CREATE_PARTNER, "variables": {"input": partner_input()}}
    marker = tmp_path / "frozen"
    server = _frozen_server(env, point, marker)
    url = f"http://127.0.0.1:{server.port}"  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=0.5)
            if marker.exists():
                break
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the request never reached the freeze point"
            time.sleep(0.2)
        os.kill(server.pid, signal.SIGKILL)
    finally:
        server.kill()
        server.wait()
    with api_server(env) as fresh:
        retry = httpx.post(f"{fresh}/graphql", json=body, headers=headers, timeout=30)
        assert retry.status_code == 200, retry.text
        assert retry.json()["data"]["createPartner"]["userErrors"] == []
        assert (retry.headers.get("idempotent-replayed") == "true") is replayed
        again = httpx.post(f"{fresh}/graphql", json=body, headers=headers, timeout=30)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json() == retry.json()
        count = httpx.post(
            f"{fresh}/graphql",
            json={"query": COUNT},
            headers={"Authorization": headers["Authorization"]},
        )
        assert count.json()["data"]["partners"]["totalCount"] == 1  # ran exactly once
