"""Reads of programs that leave out a definition already read (models/programs/definitions.py):
the request's read of every program (`all_programs`) and a signature's first read."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Partner, Program
from models.agreements.first_read import first_rows
from models.programs import definitions
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


async def test_a_signatures_first_read_leaves_out_a_definition_already_read(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None
) -> None:
    """The first read of a signature (issue 14) binds the hashes read so far: the database
    sends NULL for those, the program gets the process's copy; an unknown hash is sent."""
    partner = Partner(
        id=uuid.uuid4(),
        legal_name="Acme Inc.",
        display_name="Acme",
        country="US",
        notice_address="1 Main Street, Springfield",
        capacities=["referrer"],
    )
    async with sessionmaker.begin() as session:
        session.add(partner)
        program_id = await session.scalar(
            select(Program.id).where(Program.slug == "segment-technology")
        )
    assert program_id is not None
    sent: list[object] = []
    original = definitions.settle

    def settle(program: Program, definition: object, known: object) -> Program:
        sent.append(definition)
        return original(program, definition, known)  # type: ignore[arg-type]

    for _ in range(2):
        async with sessionmaker() as session:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(definitions, "settle", settle)
                rows = await first_rows(
                    session, partner.id, program_id, "segment-program-agreement"
                )
            assert rows is not None and rows.program.definition["slug"] == "segment-technology"
    read = rows.program.definition
    assert sent[-1] is None  # known after the first read (or the seeding), not sent again
    fresh = hashlib.sha256(uuid.uuid4().bytes).hexdigest()  # new to this process
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Program)
            .where(Program.id == program_id)
            .values(definition={**read, "name": "Renamed"}, definition_sha256=fresh)
        )
    async with sessionmaker() as session:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(definitions, "settle", settle)
            rows = await first_rows(session, partner.id, program_id, "segment-program-agreement")
    assert rows is not None and rows.program.definition["name"] == "Renamed"
    assert sent[-1] == {**read, "name": "Renamed"}
