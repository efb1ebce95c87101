"""A small HTTP load generator: `c` connections POST a GraphQL request for `seconds`.

Both servers of `make bench` are loaded with it, so the figures compare like with like.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


@dataclass(frozen=True)
class Run:
    """What one load run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    first_error: str = ""
    """The status and the start of the body of the first failed request."""

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


async def load(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    connections: int,
    seconds: float,
    document: str | None = None,
) -> Run:
    """Keep `connections` requests in flight for `seconds`; latencies of those answered without
    an error (a failed request is only counted, and its first failure kept).

    With `document`, `body` is a persisted query (APQ): a PERSISTED_QUERY_NOT_FOUND answer (a
    worker that has not seen the hash yet) is followed by the registration with the document,
    as an Apollo client does; the round trip counts as one request.
    """
    latencies: list[float] = []
    errors = 0
    first_error = ""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors, first_error
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post(url, json=body, headers=headers)
                if document is not None and b"PERSISTED_QUERY_NOT_FOUND" in response.content:
                    full = {**body, "query": document}
                    response = await client.post(url, json=full, headers=headers)
                if response.status_code != 200 or b'"errors"' in response.content:
                    errors += 1  # not counted as served: a quick refusal would inflate req/s
                    text = response.content[:160].decode("utf-8", "replace")
                    first_error = first_error or f"{response.status_code} {text}"
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    return Run(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=statistics.median(ordered),
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        errors=errors,
        first_error=first_error,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (Linux /proc)."""
    tick = 100.0
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (OSError, IndexError, ValueError):
            continue
    return total
