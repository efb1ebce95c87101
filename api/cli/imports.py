"""`partnergraph import` and `partnergraph export`: a program's history as CSV files
(docs/import.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from api.cli.common import EXIT_INVALID, database, refused
from services.errors import UseCaseError

EXIT_USAGE = 2


class _Bars:
    """One tqdm progress bar per import stage (checked, written, ledger, marked) on stderr."""

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, rows: int) -> None:
        from tqdm import tqdm

        if stage not in self.bars:
            unit = "partner" if stage == "ledger" else "row"
            self.bars[stage] = tqdm(desc=stage, unit=unit, file=sys.stderr, leave=True)
        self.bars[stage].update(rows)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _attachments(folder: Path) -> Any:
    def read(name: str) -> bytes | None:
        path = folder / name
        if Path(name).name != name or not path.is_file():
            return None
        return path.read_bytes()

    return read


async def _import(args: argparse.Namespace, files: dict[str, bytes]) -> int:
    from api.blob_stores import open_storage
    from api.settings import get_settings
    from services.actor import SYSTEM
    from services.imports.history import ImportRefusedError, analyze, import_history

    folder = Path(args.folder)
    storage = open_storage(get_settings())
    bars = _Bars()
    try:
        async with database() as sessionmaker:
            async with sessionmaker.begin() as session:
                report = await import_history(
                    session,
                    SYSTEM,
                    storage.blobs,
                    program_slug=args.program,
                    files=files,
                    attachments=_attachments(folder),
                    dry_run=args.dry_run,
                    progress=bars,
                )
            if not args.dry_run:
                async with sessionmaker.begin() as session:
                    await analyze(session)
    except ImportRefusedError as exc:
        bars.close()
        for e in exc.report.errors:
            print(
                f"{e.file}:{e.line}: {e.column}: {e.code.value.upper()}: {e.message}",
                file=sys.stderr,
            )
        print(f"error: {exc.errors[0].message}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        storage.close()
    bars.close()
    for f in report.files:
        print(f"{f.file:26} {f.rows:8} row(s) {f.created:8} created {f.unchanged:8} unchanged")
    if args.dry_run:
        print("dry run: checked and rolled back, nothing was written")
    return 0


async def _export(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from api.blob_stores import open_storage
    from api.settings import get_settings
    from models import Program
    from services.imports.export import export_history

    storage = open_storage(get_settings())
    try:
        async with database() as sessionmaker, sessionmaker() as session:
            program = await session.scalar(select(Program).where(Program.slug == args.program))
            if program is None:
                print(f"error: PROGRAM_NOT_FOUND: no program {args.program!r}", file=sys.stderr)
                return EXIT_INVALID
            files = await export_history(session, storage.blobs, program)
    finally:
        storage.close()
    _write(Path(args.folder), files)
    return 0


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
        print(f"wrote {folder / name}")


def _run(args: argparse.Namespace) -> int:
    if not Path(args.folder).is_dir() and args.command == "import":
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "export":
            return asyncio.run(_export(args))
        folder = Path(args.folder)
        files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
        return asyncio.run(_import(args, files))
    except UseCaseError as exc:
        return refused(exc)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `import` and `export` commands."""
    imp = sub.add_parser(
        "import",
        help="import a program's history from CSV files",
        description="Load a program's history from the CSV files in FOLDER (partners.csv, "
        "memberships.csv, agreements.csv, agreement_notices.csv, referrals.csv, "
        "qualified_agreements.csv, "
        "revenue_lines.csv, revenue_corrections.csv, client_payments.csv, payouts.csv, "
        "evidence.csv, tax_documents.csv; any subset; "
        "see docs/import.md), keeping every fact's own date, then recompute the commission "
        "ledger. One bad row refuses the whole import: every bad row is printed as "
        "file:line: column: CODE: message and nothing is written (exit 65). Rows imported "
        "before (same externalId, same values) are skipped, so a second import is a no-op.",
    )
    imp.add_argument("program", help="the program's slug, e.g. contentsquare")
    imp.add_argument("folder", help="the folder holding the CSV files and attached documents")
    imp.add_argument(
        "--dry-run", action="store_true", help="check and write everything, then roll back"
    )
    imp.set_defaults(func=_run)
    exp = sub.add_parser(
        "export",
        help="export a program's imported history as CSV files",
        description="Write the records imported into a program as the import files (same "
        "columns, rows in externalId order) and the attached acceptance documents into "
        "FOLDER (created if missing); importing them again changes nothing.",
    )
    exp.add_argument("program", help="the program's slug")
    exp.add_argument("folder", help="the folder to write the files to")
    exp.set_defaults(func=_run)
