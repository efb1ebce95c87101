"""Program definitions read once per process: a read binds the hashes it holds and the
database sends NULL in place of those definitions (issue 14). Each request reads a program, and
parsing its ~20 kB of JSON cost ~1 ms; a reloaded file has a new hash, so it is read again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, case, inspect, null
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm.attributes import set_committed_value

from models import Program
from rules.bounded_cache import BoundedCache

KNOWN = "known_definitions"
"""The name of the parameter holding the hashes already read (`known()`)."""

_definitions: BoundedCache[str, dict[str, Any]] = BoundedCache(64)
"""Program definitions already read, by their `definition_sha256`."""


def unless_known(dialect: str) -> ColumnElement[dict[str, Any] | None]:
    """A column to select beside a `Program` whose definition is deferred: the definition, or
    NULL when its hash is among those bound as `KNOWN`."""
    if dialect == "postgresql":
        seen = Program.definition_sha256 == any_(bindparam(KNOWN, type_=ARRAY(String())))
    else:
        seen = Program.definition_sha256.in_(bindparam(KNOWN, expanding=True))
    return case((seen, null()), else_=Program.definition)


def known() -> dict[str, dict[str, Any]]:
    """The definitions read so far: bind `list(known)` as `KNOWN` and hand the same dict to
    `settle` (a snapshot, so no eviction meanwhile can lose one the database left out)."""
    return dict(_definitions.entries)


def settle(
    program: Program, definition: dict[str, Any] | None, known: Mapping[str, dict[str, Any]]
) -> Program:
    """`program` with its definition: the one sent, kept for later reads, else the known one."""
    digest = program.definition_sha256
    definition = known[digest] if definition is None else _definitions.put(digest, definition)
    if "definition" in inspect(program).unloaded:
        set_committed_value(program, "definition", definition)
    return program
