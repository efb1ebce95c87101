"""Queries of programs: the program list and a program by slug."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from models import Program as ProgramRow
from schema.context import Info
from schema.listing import connection
from schema.pagination import Connection, check_slice, page_request
from schema.programs.types import Program


@strawberry.type
class ProgramQueries:
    """Programs."""

    @strawberry.field(description="Programs, ordered by slug.")
    async def programs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Program]:
        page_args = check_slice(first, after, last, before)
        request = page_request(page_args, "slug", 1, lambda raw: (str(raw[0]),))
        return await connection(
            info,
            select(ProgramRow),
            [ProgramRow.slug],
            request,
            "slug",
            lambda row: (row.slug,),
            Program.from_row,
        )

    @strawberry.field(description="A program by its slug, e.g. `segment-technology`.")
    async def program(self, info: Info, slug: str) -> Program | None:
        row = await info.context.loaders.program_by_slug.load(slug[:64])
        return None if row is None else Program.from_row(row)
