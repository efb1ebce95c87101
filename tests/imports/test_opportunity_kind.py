"""History import of referrals' opportunity kinds (SEG-TIER-11, issue 12): an optional column,
checked against the program's `qualifying_opportunities`, both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Referral
from models.documents.blobs import BlobStore
from services.errors import ImportErrorCode as Code
from services.imports.history import ImportRefusedError
from services.programs.loader import load_program_files
from tests.imports.test_history import _generated, _import

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


def _with_kind(files: dict[str, bytes], kind: str) -> dict[str, bytes]:
    """The files with the first referral's opportunityKind set to `kind`."""
    lines = files["referrals.csv"].decode().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    row[header.index("opportunityKind")] = kind
    lines[1] = ",".join(row) + "\n"
    return {**files, "referrals.csv": "".join(lines).encode()}


def _without_column(files: dict[str, bytes]) -> dict[str, bytes]:
    lines = files["referrals.csv"].decode().splitlines()
    at = lines[0].split(",").index("opportunityKind")
    kept = [",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in lines]
    return {**files, "referrals.csv": ("\n".join(kept) + "\n").encode()}


async def _refusals(
    sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore, files: dict[str, bytes]
) -> set[tuple[str, int, str, Code]]:
    with pytest.raises(ImportRefusedError) as refused:
        await _import(sessionmaker, store, files)
    return {(e.file, e.line, e.column, e.code) for e in refused.value.report.errors}


async def test_import_checks_the_opportunity_kind_against_the_program(
    seeded: None, sessionmaker: async_sessionmaker[AsyncSession], store: BlobStore, tmp_path: Path
) -> None:
    """SEG-TIER-11: Contentsquare lists no kinds, so a kind is refused; with a list
    (`net_new_account`) an unlisted kind is refused, a listed one is recorded and exported, and
    an empty cell (history kept before kinds) is accepted. A file may leave the column out."""
    files = await _generated(sessionmaker)
    assert b"opportunityKind" in files["referrals.csv"].splitlines()[0]
    refused = await _refusals(sessionmaker, store, _with_kind(files, "net_new_account"))
    assert refused == {
        ("referrals.csv", 2, "opportunityKind", Code.OPPORTUNITY_KIND_NOT_QUALIFYING)
    }

    text = (ROOT / "programs" / "contentsquare.toml").read_text()
    anchor = (
        'revenue_exclusions = ["professional_services", "support", "customization", "consulting"]'
    )
    assert text.count(anchor) == 1
    variant = tmp_path / "contentsquare.toml"
    variant.write_text(
        text.replace(anchor, anchor + '\nqualifying_opportunities = ["net_new_account"]')
    )
    assert [r.action for r in await load_program_files(sessionmaker, [variant])] == ["updated"]
    refused = await _refusals(sessionmaker, store, _with_kind(files, "upsell_existing_product"))
    assert refused == {
        ("referrals.csv", 2, "opportunityKind", Code.OPPORTUNITY_KIND_NOT_QUALIFYING)
    }

    dry = await _import(sessionmaker, store, _without_column(files), dry_run=True)
    assert {f.file: f.created for f in dry.files}["referrals.csv"] == 40
    report = await _import(sessionmaker, store, _with_kind(files, "net_new_account"))
    assert {f.file: f.created for f in report.files}["referrals.csv"] == 40
    async with sessionmaker() as session:
        kinds = [r.opportunity_kind for r in await session.scalars(select(Referral))]
    assert sorted(kinds, key=str) == [None] * 39 + ["net_new_account"]
