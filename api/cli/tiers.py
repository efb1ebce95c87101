"""`partnergraph tiers`: tier governance, the program-year rollover (SEG-TIER-05/06)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.cli.common import database, refused
from services.actor import SYSTEM
from services.errors import GovernanceErrorCode, UseCaseError


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


async def _rollover(args: argparse.Namespace) -> list[str]:
    from sqlalchemy import select

    from models import Partner, Program
    from services.tiers.program_year import rollover

    lines = []
    async with database() as sessionmaker, sessionmaker.begin() as session:
        stmt = select(Program).order_by(Program.slug)
        if args.program:
            stmt = stmt.where(Program.slug == args.program)
        programs = list(await session.scalars(stmt))
        if not programs:
            raise UseCaseError.one(
                ["program"], GovernanceErrorCode.NOT_FOUND, f"no program {args.program!r}"
            )
        for program in programs:
            proposals = await rollover(
                session, SYSTEM, program, args.year, apply=args.apply, progress=_progress
            )
            names = {p.id: p.display_name for p in await session.scalars(select(Partner))}
            lines.append(f"{program.slug} {args.year}: {len(proposals)} member(s)")
            lines.append(f"  {'partner':30} {'current':12} {'proposed':12} change")
            for item in proposals:
                lines.append(
                    f"  {names[item.membership.partner_id][:30]:30} "
                    f"{item.current:12} {item.proposed:12} {item.direction}"
                )
            moves = sum(p.direction != "same" for p in proposals)
            verb = "applied" if args.apply else "proposed (dry run; add --apply)"
            lines.append(f"  {moves} change(s) {verb}")
    return lines


def _rollover_cmd(args: argparse.Namespace) -> int:
    try:
        lines = asyncio.run(_rollover(args))
    except UseCaseError as exc:
        return refused(exc)
    print("\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `tiers` command and its `rollover` action."""
    tiers = sub.add_parser("tiers", help="tier governance")
    tiers_sub = tiers.add_subparsers(dest="action", required=True)
    roll = tiers_sub.add_parser(
        "rollover",
        help="propose (or apply) every member's tier for a program year",
        description="Evaluate every active or applicant member in annual mode as of the first "
        "day of program year YEAR (1 January unless the program file's program_year.starts_on "
        "says otherwise; influenced revenue of the program's annual window, SEG-TIER-05/06) "
        "and print a "
        "table of proposals. Dry run by default; --apply changes the tiers in one transaction, "
        "keeping each evaluation in the tier history, and only once the year has started.",
    )
    roll.add_argument("--year", type=int, required=True, help="the program year, e.g. 2027")
    roll.add_argument("--program", help="one program slug (default: every program)")
    roll.add_argument("--apply", action="store_true", help="apply the proposals")
    roll.set_defaults(func=_rollover_cmd)
