"""`serve --workers N`: each worker listens on its own socket, so connections spread (issue 14)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from api.worker_sockets import balanced, reuse_port_socket
from tests.conftest import ROOT
from tests.helpers.servers import api_server

linux_only = pytest.mark.skipif(not balanced(), reason="SO_REUSEPORT balancing is Linux's")


@linux_only
def test_sockets_share_one_address() -> None:
    first = reuse_port_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = reuse_port_socket("127.0.0.1", port)
    with first, second:
        first.listen()
        second.listen()
        assert second.getsockname()[1] == port


def _sockets(port: int, state: str) -> set[str]:
    """The sockets on local `port` in `state` (01 established, 0A listening)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.add(f"socket:[{fields[9]}]")
    return found


def _owners(port: int) -> Counter[int]:
    """The processes holding the server side of each established connection to `port`."""
    inodes = _sockets(port, "01")
    owners: Counter[int] = Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        owners[int(pid)] += sum(link in inodes for link in links)
    return +owners


@linux_only
def test_connections_opened_together_reach_every_worker(database_url: str, tmp_path: Path) -> None:
    # uvicorn's shared socket gave all 8 of 8 such connections to one worker in 5 of 6 tries
    env = {"DATABASE_URL": database_url, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    with api_server(env, workers=2) as url, ExitStack() as stack:
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30  # the second worker may still be starting
        while len(_sockets(port, "0A")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_sockets(port, "0A")) == 2  # one listening socket per worker
        for _ in range(16):
            client = stack.enter_context(socket.create_connection(("127.0.0.1", port)))
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        deadline = time.monotonic() + 10
        while sum((owners := _owners(port)).values()) < 16 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sum(owners.values()) == 16
        # a hash spreads 16 connections over 2 sockets; all on one: 2 in 65,536
        assert len(owners) == 2, owners


@linux_only
def test_an_address_in_use_is_one_clear_line(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PARTNERGRAPH_DATA_DIR": str(tmp_path)}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "serve", "--workers", "2", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
            check=False,
        )
    assert result.returncode == 69
    assert "Traceback" not in result.stderr
    assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
