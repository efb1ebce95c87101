"""`partnergraph`: serve the API, migrate the database, load programs, make API keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from api.keys import ApiKeyError, create_api_key
from api.settings import get_settings
from models import migrate
from models.db import UnsupportedDatabaseError, make_async_engine, make_sessionmaker
from models.documents.blobs import LocalBlobStore
from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.documents import templates
from services.errors import GovernanceErrorCode as _CliCode
from services.errors import UseCaseError
from services.programs.loader import ProgramLoadError, load_program_files

EXIT_USAGE = 2
EXIT_INVALID = 65


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level=settings.log_level,
    )
    return 0


def _db(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    else:
        migrate.downgrade(url, args.revision or "base")
    target = args.revision or ("head" if args.action == "upgrade" else "base")
    print(f"database {args.action}d to {target}")
    return 0


async def _load(paths: Sequence[Path]) -> int:
    engine = make_async_engine(get_settings().database_url)
    try:
        results = await load_program_files(make_sessionmaker(engine), paths)
    finally:
        await engine.dispose()
    for result in results:
        print(f"{result.action:9} {result.slug} ({result.path})")
    return 0


def _programs(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    try:
        if args.action == "check":
            from services.programs.files import ProgramFileError, read_program

            failed = False
            for path in paths:
                try:
                    print(f"ok        {read_program(path).definition.slug} ({path})")
                except ProgramFileError as exc:
                    failed = True
                    print(exc, file=sys.stderr)
            return EXIT_INVALID if failed else 0
        return asyncio.run(_load(paths))
    except ProgramLoadError as exc:
        print(f"error: {exc.code}: nothing was loaded", file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_INVALID


async def _create_key(args: argparse.Namespace) -> str:
    from schema.errors import CodedError
    from schema.ids import expect_id

    partner_id = None
    if args.partner:
        try:
            partner_id = expect_id(args.partner, "Partner")
        except CodedError as exc:
            raise ApiKeyError("INVALID_ID", f"--partner: {exc}") from exc
    engine = make_async_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            new = await create_api_key(
                session,
                name=args.name,
                role=ApiKeyRole(args.role),
                partner_id=partner_id,
                actor=SYSTEM,
                owner_email=args.email,
            )
    finally:
        await engine.dispose()
    print(
        f"created {new.key.role.value} key {new.key.name!r} (prefix {new.key.prefix}); "
        "it is shown once, store it now:"
    )
    return new.token


def _apikey(args: argparse.Namespace) -> int:
    try:
        token = asyncio.run(_create_key(args))
    except ApiKeyError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(token)
    return 0


async def _templates(args: argparse.Namespace, data: bytes) -> list[str]:
    settings = get_settings()
    store = LocalBlobStore(settings.blob_dir)
    engine = make_async_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            if args.action == "sync":
                results = await templates.sync_shipped(session, store, SYSTEM)
                return [f"{r.action:9} {r.template_id} v{r.version}" for r in results]
            version = await templates.publish_version(
                session, SYSTEM, store, args.template_id, data, args.notes
            )
            return [f"published {version.template_id} v{version.version} ({version.sha256})"]
    finally:
        await engine.dispose()


def _templates_cmd(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes() if args.action == "publish" else b""
        lines = asyncio.run(_templates(args, data))
    except UseCaseError as exc:
        for error in exc.errors:
            print(f"error: {error.code.value.upper()}: {error.message}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(lines))
    return 0


async def _sweep() -> dict[str, int]:
    from sqlalchemy import select

    from models import Program
    from services.partners.memberships import program_today
    from services.referrals.sweep import sweep

    engine = make_async_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            programs = list(await session.scalars(select(Program)))
            return await sweep(session, {p.id: program_today(p) for p in programs})
    finally:
        await engine.dispose()


def _sweep_cmd(_args: argparse.Namespace) -> int:
    counts = asyncio.run(_sweep())
    print(f"deemed rejected: {counts['deemed_rejected']}, lapsed: {counts['lapsed']}")
    return 0


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

    engine = make_async_engine(get_settings().database_url)
    lines = []
    try:
        async with make_sessionmaker(engine).begin() as session:
            stmt = select(Program).order_by(Program.slug)
            if args.program:
                stmt = stmt.where(Program.slug == args.program)
            programs = list(await session.scalars(stmt))
            if not programs:
                raise UseCaseError.one(
                    ["program"], _CliCode.NOT_FOUND, f"no program {args.program!r}"
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
    finally:
        await engine.dispose()
    return lines


def _rollover_cmd(args: argparse.Namespace) -> int:
    try:
        lines = asyncio.run(_rollover(args))
    except UseCaseError as exc:
        for error in exc.errors:
            print(f"error: {error.code.value.upper()}: {error.message}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(lines))
    return 0


async def _worker(args: argparse.Namespace) -> int:
    import httpx

    from services.webhooks.delivery import run_once

    settings = get_settings()
    engine = make_async_engine(settings.database_url)
    sessionmaker = make_sessionmaker(engine)
    policy = settings.delivery_policy()
    total: dict[str, int] = {}
    try:
        async with httpx.AsyncClient(follow_redirects=False) as client:
            while True:
                counts = await run_once(sessionmaker, client, policy, args.batch)
                for status, count in counts.items():
                    total[status] = total.get(status, 0) + count
                if counts:
                    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), flush=True)
                if args.once:
                    break
                if not counts:
                    await asyncio.sleep(args.interval)
    finally:
        await engine.dispose()
    print(f"worker done: {', '.join(f'{k}: {v}' for k, v in sorted(total.items())) or 'idle'}")
    return 0


def _worker_cmd(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_worker(args))
    except KeyboardInterrupt:
        return 0


def _schema(args: argparse.Namespace) -> int:
    from schema import build_schema

    sdl = str(build_schema()) + "\n"
    if args.path == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.path).write_text(sdl, encoding="utf-8")
        print(f"wrote {args.path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="partnergraph",
        description="PartnerGraph: run partner programs the way their contracts read. "
        "Configuration comes from the environment (DATABASE_URL, PARTNERGRAPH_ENV, ...).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="migrate the database (DATABASE_URL)")
    db.add_argument(
        "action",
        choices=["upgrade", "downgrade"],
        help="upgrade (default to head) or downgrade (default to base)",
    )
    db.add_argument("revision", nargs="?", help="target revision")
    db.set_defaults(func=_db)

    programs = sub.add_parser("programs", help="check or load program definition files")
    programs.add_argument(
        "action",
        choices=["load", "check"],
        help="load: validate all, then create or update them in one "
        "transaction (idempotent); check: validate only",
    )
    programs.add_argument("paths", nargs="+", metavar="PATH", help="programs/*.toml files")
    programs.set_defaults(func=_programs)

    apikey = sub.add_parser("apikey", help="manage API keys")
    apikey_sub = apikey.add_subparsers(dest="action", required=True)
    create_help = "create a key; the key alone is printed on the last line, once"
    create = apikey_sub.add_parser(
        "create",
        help=create_help,
        description=create_help.capitalize() + ". Store it: only its SHA-256 hash is kept.",
    )
    create.add_argument("--name", default="admin", help="a label for the key (default admin)")
    create.add_argument(
        "--role",
        choices=[r.value for r in ApiKeyRole],
        default="admin",
        help="admin: everything; partner: one partner's data (default admin)",
    )
    create.add_argument("--partner", help="the Partner ID a partner key speaks for")
    create.add_argument("--email", help="e-mail of the person who holds the key (optional)")
    create.set_defaults(func=_apikey)

    tpl = sub.add_parser("templates", help="publish contract templates")
    tpl_sub = tpl.add_subparsers(dest="action", required=True)
    sync = tpl_sub.add_parser(
        "sync",
        help="publish the shipped templates of "
        "contract_templates/manifest.toml that are not yet published",
    )
    sync.set_defaults(func=_templates_cmd)
    publish = tpl_sub.add_parser(
        "publish",
        help="publish a DOCX as the next version of a template",
        description="Publish a DOCX as the next version of an existing template. The file is "
        "checked (real DOCX, size and zip limits, Jinja syntax, sandbox, known variables); "
        "published versions never change.",
    )
    publish.add_argument("template_id", help="e.g. segment-program-agreement")
    publish.add_argument("file", help="the DOCX file")
    publish.add_argument("--notes", default="", help="what changed (at most 1000 characters)")
    publish.set_defaults(func=_templates_cmd)

    sweep = sub.add_parser(
        "sweep",
        help="persist time-driven referral transitions (deemed rejected, lapsed)",
        description="Record, as of each program's today, referrals deemed rejected after their "
        "decision window (CS-REF-02) and opportunities lapsed for want of a meeting "
        "(CS-REF-10). Idempotent and safe to run twice at once; the API never waits for it.",
    )
    sweep.set_defaults(func=_sweep_cmd)

    tiers = sub.add_parser("tiers", help="tier governance")
    tiers_sub = tiers.add_subparsers(dest="action", required=True)
    roll = tiers_sub.add_parser(
        "rollover",
        help="propose (or apply) every member's tier for a program year",
        description="Evaluate every active or applicant member in annual mode as of 1 January "
        "of YEAR (influenced revenue of the prior calendar year, SEG-TIER-05/06) and print a "
        "table of proposals. Dry run by default; --apply changes the tiers in one transaction, "
        "keeping each evaluation in the tier history, and only once the year has started.",
    )
    roll.add_argument("--year", type=int, required=True, help="the program year, e.g. 2027")
    roll.add_argument("--program", help="one program slug (default: every program)")
    roll.add_argument("--apply", action="store_true", help="apply the proposals")
    roll.set_defaults(func=_rollover_cmd)

    worker = sub.add_parser(
        "worker",
        help="deliver webhook events (run one or more)",
        description="Deliver due webhook events with Standard Webhooks signatures, retrying "
        "with exponential backoff and jitter. Several workers may run at once: each claims its "
        "deliveries, so no event is sent twice concurrently.",
    )
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.add_argument(
        "--interval", type=float, default=2.0, help="seconds to sleep when idle (default 2)"
    )
    worker.add_argument("--batch", type=int, default=50, help="deliveries per pass (default 50)")
    worker.set_defaults(func=_worker_cmd)

    schema = sub.add_parser("schema", help="print or write the GraphQL schema (SDL)")
    schema.add_argument("action", choices=["export"])
    schema.add_argument("path", nargs="?", default="-", help="file to write, or - for stdout")
    schema.set_defaults(func=_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `partnergraph` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UnsupportedDatabaseError as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
