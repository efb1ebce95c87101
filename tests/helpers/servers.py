"""Real API servers (`partnergraph serve`) on loopback ports, for browser and multi-server tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `partnergraph ARGS` with `env` added to the environment; it must succeed."""
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


@contextmanager
def api_server(env: dict[str, str], workers: int = 1, port: int | None = None) -> Iterator[str]:
    """A server with `env` added to the environment; yields its base URL once it is healthy."""
    port = port or free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PARTNERGRAPH_LOG_LEVEL": "warning", **env},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server stopped"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
