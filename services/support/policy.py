"""The program's support policy as the support use cases read it, and the checks they share."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, Program
from rules.support_hours import Window
from services.actor import Actor
from services.errors import SupportErrorCode, input_error
from services.programs.sections.support import SupportPolicy
from services.programs.typed import spec_of
from services.scope import partner_and_program

Code = SupportErrorCode
TEXT_MAX = 200
LONG_MAX = 20_000


def policy(program: Program) -> SupportPolicy:
    """The program's support section."""
    section = spec_of(program).support
    if section is None:
        raise input_error(
            "programId", Code.NO_SUPPORT_POLICY, f"{program.slug} has no support policy"
        )
    return section


def window_of(program: Program, key: str) -> Window:
    """A support window of the program by key."""
    for item in policy(program).windows:
        if item.key == key:
            return Window.from_program(item.model_dump())
    raise input_error("window", Code.UNKNOWN_WINDOW, f"unknown support window {key!r}")


async def scope(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None, program_id: uuid.UUID
) -> tuple[Partner, Program]:
    """The partner and program a support use case acts on; the program must have a policy."""
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    policy(program)
    return partner, program


def clean_text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    """`value` stripped; refused when empty (if required) or longer than `limit`."""
    text = value.strip()
    if required and not text:
        raise input_error(field, Code.REQUIRED, f"{field} is required")
    if len(text) > limit:
        raise input_error(field, Code.TOO_LONG, f"{field} is limited to {limit} characters")
    return text
