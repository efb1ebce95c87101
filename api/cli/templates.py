"""`partnergraph templates`: publish contract templates (the shipped ones, or a new version)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from api.blob_stores import open_storage
from api.cli.common import EXIT_INVALID, database, refused
from api.settings import get_settings
from services.actor import SYSTEM
from services.documents import templates
from services.errors import UseCaseError


async def _templates(args: argparse.Namespace, data: bytes) -> list[str]:
    storage = open_storage(get_settings())
    store = storage.blobs
    try:
        async with database() as sessionmaker, sessionmaker.begin() as session:
            if args.action == "sync":
                results = await templates.sync_shipped(session, store, SYSTEM)
                return [f"{r.action:9} {r.template_id} v{r.version}" for r in results]
            version = await templates.publish_version(
                session, SYSTEM, store, args.template_id, data, args.notes
            )
            return [f"published {version.template_id} v{version.version} ({version.sha256})"]
    finally:
        storage.close()


def _templates_cmd(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes() if args.action == "publish" else b""
        lines = asyncio.run(_templates(args, data))
    except UseCaseError as exc:
        return refused(exc)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `templates` command and its `sync` and `publish` actions."""
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
