"""Use case: load program definition files into the database, idempotently and all-or-nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Benefit, Membership, Program, Requirement, Tier, TierChange
from models.base import Base, utcnow
from models.documents.blobs import BlobStore
from services.programs.definition import ProgramDefinition
from services.programs.files import ProgramFile, ProgramFileError, read_program
from services.programs.templates import (
    ProgramTemplate,
    program_templates,
    publish_program_templates,
)

Action = Literal["created", "updated", "unchanged"]
M = TypeVar("M", bound=Base)


@dataclass(frozen=True)
class LoadResult:
    """What loading one file did."""

    slug: str
    path: Path
    action: Action


async def load_program_files(
    sessionmaker: async_sessionmaker[AsyncSession],
    paths: Sequence[Path],
    store: BlobStore | None = None,
) -> list[LoadResult]:
    """Validate every file first, then load them all in one transaction (or none).

    The DOCX templates a file names are published with it (`store` holds their bytes)."""
    files: list[ProgramFile] = []
    docs: list[list[ProgramTemplate]] = []
    problems: list[ProgramFileError] = []
    for path in paths:
        try:
            file = read_program(path)
            docs.append(program_templates(file))
            files.append(file)
        except ProgramFileError as exc:
            problems.append(exc)
    if problems:
        raise ProgramLoadError(problems)
    slugs = [f.definition.slug for f in files]
    duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicated:
        raise ProgramLoadError(
            [
                ProgramFileError(f.path, [f"slug: {f.definition.slug!r} is given by two files"])
                for f in files
                if f.definition.slug in duplicated
            ]
        )
    try:
        async with sessionmaker.begin() as session:
            for file, items in zip(files, docs, strict=True):
                await publish_program_templates(session, store, items, file.path)
            return [await load_program(session, f) for f in files]
    except ProgramFileError as exc:
        raise ProgramLoadError([exc]) from exc


class ProgramLoadError(Exception):
    """One or more program files were refused; nothing was written."""

    code = "INVALID_PROGRAM_FILE"

    def __init__(self, errors: list[ProgramFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


async def load_program(session: AsyncSession, file: ProgramFile) -> LoadResult:
    """Create or update one program from its validated file, within the caller's transaction."""
    spec = file.definition
    program = await session.scalar(select(Program).where(Program.slug == spec.slug))
    if program is not None and program.definition_sha256 == file.sha256:
        return LoadResult(spec.slug, file.path, "unchanged")
    action: Action = "updated" if program is not None else "created"
    if program is None:
        program = Program(id=uuid.uuid4(), slug=spec.slug)
        session.add(program)
    program.name = spec.name
    program.description = spec.description
    program.currency = spec.currency
    program.timezone = spec.timezone
    program.definition = spec.model_dump(mode="json")
    program.definition_sha256 = file.sha256
    program.loaded_at = utcnow()
    await session.flush()
    tiers = await _sync_tiers(session, program, spec, file.path)
    await _sync_benefits(session, spec, tiers)
    await _sync_requirements(session, spec, tiers)
    return LoadResult(spec.slug, file.path, action)


async def _sync_tiers(
    session: AsyncSession, program: Program, spec: ProgramDefinition, path: Path
) -> dict[str, Tier]:
    existing = {
        t.key: t for t in await session.scalars(select(Tier).where(Tier.program_id == program.id))
    }
    wanted = {t.key for t in spec.tiers}
    for key, tier in existing.items():
        if key not in wanted:
            await _refuse_if_used(session, tier, path)
            await session.delete(tier)
    # Park current ranks out of the way so a reordering never trips the (program, rank) key.
    for offset, tier in enumerate(existing.values(), start=1):
        tier.rank = -offset
    await session.flush()
    result: dict[str, Tier] = {}
    for rank, tier_def in enumerate(spec.tiers):
        tier = existing.get(tier_def.key) or Tier(
            id=uuid.uuid4(), program_id=program.id, key=tier_def.key
        )
        tier.name = tier_def.name
        tier.description = tier_def.description
        tier.rank = rank
        tier.invite_only = tier_def.invite_only
        session.add(tier)
        result[tier_def.key] = tier
    await session.flush()
    return result


async def _refuse_if_used(session: AsyncSession, tier: Tier, path: Path) -> None:
    members = await session.scalar(
        select(func.count()).select_from(Membership).where(Membership.tier_id == tier.id)
    )
    history = await session.scalar(
        select(func.count())
        .select_from(TierChange)
        .where(or_(TierChange.to_tier_id == tier.id, TierChange.from_tier_id == tier.id))
    )
    if members or history:
        raise ProgramLoadError(
            [
                ProgramFileError(
                    path,
                    [
                        f"tiers: tier {tier.key!r} was removed from the file but "
                        f"{members} membership(s) and {history} tier history entries "
                        "refer to it; keep the tier"
                    ],
                )
            ]
        )


async def _sync_benefits(
    session: AsyncSession, spec: ProgramDefinition, tiers: dict[str, Tier]
) -> None:
    desired: dict[tuple[str, str], dict[str, Any]] = {}
    for position, benefit in enumerate(spec.benefits):
        for tier_key in benefit.tiers:
            desired[(tier_key, benefit.key)] = {
                "name": benefit.name,
                "description": benefit.description,
                "position": position,
                "invite_only": tier_key in benefit.invite_only_tiers,
                "requires_active_agreement": benefit.requires_active_agreement,
            }
    await _sync_children(session, Benefit, tiers, desired)


async def _sync_requirements(
    session: AsyncSession, spec: ProgramDefinition, tiers: dict[str, Tier]
) -> None:
    desired: dict[tuple[str, str], dict[str, Any]] = {}
    for position, req in enumerate(spec.requirements):
        for tier_key, threshold in req.tiers.items():
            desired[(tier_key, req.key)] = {
                "kind": req.kind.value,
                "description": req.description,
                "position": position,
                "threshold": None if isinstance(threshold, bool) else Decimal(threshold),
                "currency": req.currency,
                "invited_only": tier_key in req.invited_only_tiers,
                "rule_ids": list(req.rule_ids),
            }
    await _sync_children(session, Requirement, tiers, desired)


async def _sync_children(
    session: AsyncSession,
    model: type[Benefit] | type[Requirement],
    tiers: dict[str, Tier],
    desired: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """Make the rows of `model` under these tiers exactly `desired`, keeping ids of kept rows."""
    tier_keys = {tier.id: key for key, tier in tiers.items()}
    rows: Sequence[Benefit | Requirement] = (  # type: ignore[assignment]
        await session.scalars(select(model).where(model.tier_id.in_(list(tier_keys))))
    ).all()
    existing = {(tier_keys[row.tier_id], row.key): row for row in rows}
    for ident, row in existing.items():
        if ident not in desired:
            await session.delete(row)
    make: Callable[..., Benefit | Requirement] = model
    for (tier_key, key), values in desired.items():
        row = existing.get((tier_key, key)) or make(
            id=uuid.uuid4(), tier_id=tiers[tier_key].id, key=key
        )
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
    await session.flush()
