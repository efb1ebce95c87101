"""`partnergraph sweep`: persist time-driven referral transitions (CS-REF-02, CS-REF-10)."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.common import database


async def _sweep() -> dict[str, int]:
    from api.jobs import sweep_job

    async with database() as sessionmaker:
        return await sweep_job(sessionmaker)


def _sweep_cmd(_args: argparse.Namespace) -> int:
    counts = asyncio.run(_sweep())
    print(f"deemed rejected: {counts['deemed_rejected']}, lapsed: {counts['lapsed']}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sweep` command."""
    sweep = sub.add_parser(
        "sweep",
        help="persist time-driven referral transitions (deemed rejected, lapsed)",
        description="Record, as of each program's today, referrals deemed rejected after their "
        "decision window (CS-REF-02) and opportunities lapsed for want of a meeting "
        "(CS-REF-10). Idempotent and safe to run twice at once; the API never waits for it.",
    )
    sweep.set_defaults(func=_sweep_cmd)
