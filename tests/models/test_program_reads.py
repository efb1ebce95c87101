"""The request's read of every program (models/programs/queries.py `all_programs`)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Program
from models.programs.queries import all_programs
from services.programs.typed import spec_of

pytestmark = pytest.mark.anyio

RENAMED = hashlib.sha256(b"tests/models/test_program_reads.py: renamed").hexdigest()


async def test_a_definition_already_read_is_not_sent_again(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None
) -> None:
    """A program's definition is sent (and parsed) once per hash (issue 14): later reads get
    NULL in its place and the same object; a reloaded definition (new hash) is read."""
    async with sessionmaker() as session:
        first = {p.slug: p for p in await all_programs(session)}
    async with sessionmaker() as session:
        again = {p.slug: p for p in await all_programs(session)}
    assert again.keys() == first.keys() and len(again) == 2
    for slug, program in again.items():
        assert program.definition is first[slug].definition
        assert spec_of(program) is spec_of(first[slug])
    slug = sorted(first)[0]
    edited = {**first[slug].definition, "name": "Renamed in the file"}
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Program)
            .where(Program.slug == slug)
            .values(definition=edited, definition_sha256=RENAMED)
        )
    async with sessionmaker() as session:
        reloaded = {p.slug: p for p in await all_programs(session)}
    assert reloaded[slug].definition == edited
    assert reloaded[slug].definition_sha256 == RENAMED
    other = sorted(first)[1]
    assert reloaded[other].definition is first[other].definition
