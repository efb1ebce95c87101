"""`partnergraph sweep`: persist time-driven referral transitions (CS-REF-02, CS-REF-10) and
issue the notices of termination after an uncured breach (SEG-AGR-09, CS-AGR-06)."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.common import database


async def _sweep() -> dict[str, int]:
    from api.blob_stores import open_storage
    from api.jobs import sweep_job
    from api.settings import get_settings

    storage = open_storage(get_settings())
    try:
        async with database() as sessionmaker:
            return await sweep_job(sessionmaker, storage.blobs)
    finally:
        storage.close()


def _sweep_cmd(_args: argparse.Namespace) -> int:
    counts = asyncio.run(_sweep())
    print(
        f"deemed rejected: {counts['deemed_rejected']}, lapsed: {counts['lapsed']}, "
        f"breach terminations: {counts['breach_terminations']}"
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sweep` command."""
    sweep = sub.add_parser(
        "sweep",
        help="persist time-driven referral transitions (deemed rejected, lapsed)",
        description="Record, as of each program's today, referrals deemed rejected after their "
        "decision window (CS-REF-02) and opportunities lapsed for want of a meeting "
        "(CS-REF-10), and issue the notice of termination after an uncured breach for every "
        "agreement whose cure period lapsed (SEG-AGR-09, CS-AGR-06). Idempotent; the API never "
        "waits for it.",
    )
    sweep.set_defaults(func=_sweep_cmd)
