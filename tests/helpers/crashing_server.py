"""A real API server that freezes at one point of a keyed request, for SIGKILL tests.

`python -m tests.helpers.crashing_server POINT MARKER PORT`: POINT is `before-answer` (the
request's changes are made, its answer not yet stored) or `after-commit` (changes and answer
committed, the response not yet sent). The server writes MARKER when it gets there.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import uvicorn

import api.graphql_view
from api import idempotency
from api.app import create_app


def main() -> None:
    point, marker, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])

    async def freeze() -> None:
        marker.write_text(point)  # noqa: ASYNC240 - one tiny write, then the server hangs
        await asyncio.sleep(3600)

    if point == "before-answer":

        async def stuck_store(*_args: Any, **_kwargs: Any) -> None:
            await freeze()

        idempotency.store = stuck_store
    else:
        run_keyed = api.graphql_view.run_keyed  # type: ignore[attr-defined]

        async def stuck_after(*args: Any, **kwargs: Any) -> Any:
            response = await run_keyed(*args, **kwargs)
            await freeze()
            return response

        api.graphql_view.run_keyed = stuck_after  # type: ignore[attr-defined]
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
