"""`partnergraph programs`: check or load program definition files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from api.cli.common import EXIT_INVALID, database
from services.programs.loader import ProgramLoadError, load_program_files


async def _load(paths: Sequence[Path]) -> int:
    from api.blob_stores import open_storage
    from api.settings import get_settings

    storage = open_storage(get_settings())
    try:
        async with database() as sessionmaker:
            results = await load_program_files(sessionmaker, paths, storage.blobs)
    finally:
        storage.close()
    for result in results:
        print(f"{result.action:9} {result.slug} ({result.path})")
    return 0


def _check(paths: Sequence[Path]) -> int:
    from services.programs.files import ProgramFileError, read_program
    from services.programs.templates import program_templates

    failed = False
    for path in paths:
        try:
            file = read_program(path)
            program_templates(file)  # the templates it names exist (issue 12)
            print(f"ok        {file.definition.slug} ({path})")
        except ProgramFileError as exc:
            failed = True
            print(exc, file=sys.stderr)
    return EXIT_INVALID if failed else 0


def _programs(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    try:
        if args.action == "check":
            return _check(paths)
        return asyncio.run(_load(paths))
    except ProgramLoadError as exc:
        print(f"error: {exc.code}: nothing was loaded", file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_INVALID


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `programs` command."""
    programs = sub.add_parser("programs", help="check or load program definition files")
    programs.add_argument(
        "action",
        choices=["load", "check"],
        help="load: validate all, then create or update them in one "
        "transaction (idempotent), publishing the DOCX templates a file names; "
        "check: validate only (including that the templates a file names exist)",
    )
    programs.add_argument("paths", nargs="+", metavar="PATH", help="programs/*.toml files")
    programs.set_defaults(func=_programs)
