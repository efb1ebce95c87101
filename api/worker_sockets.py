"""Each server worker listens on its own socket (SO_REUSEPORT), so connections spread.

uvicorn's workers share one listening socket, and whichever worker wakes first accepts every
connection waiting: eight keep-alive connections opened together mostly all land on one
worker, which then serves them alone while the others idle (issue 14: throughput must grow
with `--workers`). With SO_REUSEPORT each worker binds the same address with a socket of its
own and the kernel hands each new connection to one of them, by a hash of its addresses.
Where the platform has no such balancing (not Linux), the shared socket is kept.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

from uvicorn.config import Config
from uvicorn.supervisors import multiprocess

from api.serving import ListenError

logger = logging.getLogger("uvicorn.error")


def balanced() -> bool:
    """Whether the kernel spreads connections over sockets bound with SO_REUSEPORT."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) with SO_REUSEPORT, not yet listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class OwnSocketProcess(multiprocess.Process):
    """A uvicorn worker process that binds its own SO_REUSEPORT socket when it starts."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        own = reuse_port_socket(self.config.host, self.config.port)
        super().target([own])


def run_workers(config: Config) -> None:
    """Run `config.workers` worker processes, each on its own socket, until interrupted.

    The supervisor binds the address first (not listening: the kernel only hands connections
    to listening sockets), so an address in use fails here, once, and port 0 picks one port
    for every worker. ListenError when the address cannot be bound."""
    try:
        reserved = reuse_port_socket(config.host, config.port)
    except OSError as exc:
        where = f"{config.host}:{config.port}"
        raise ListenError(f"cannot listen on {where}: {exc.strerror or exc}") from exc
    try:
        config.port = int(reserved.getsockname()[1])
        logger.info(
            "serving on http://%s:%d, %d workers each on its own socket (SO_REUSEPORT)",
            config.host,
            config.port,
            config.workers,
        )
        original: Any = multiprocess.Process
        # uvicorn's supervisor makes its workers (and their replacements) from this name
        multiprocess.Process = OwnSocketProcess  # type: ignore[misc]
        try:
            multiprocess.Multiprocess(config, sockets=[]).run()
        finally:
            multiprocess.Process = original  # type: ignore[misc]
    finally:
        reserved.close()
