"""The typed program definition of a program row, parsed once per program version.

Every use case reads a program's figures and switches through `spec_of(program)`, never
through the raw `Program.definition` JSON, so a switch nobody reads is visible to review and
mypy (issue 12). Parsed definitions are cached by the SHA-256 of their canonical content, so a
program version is validated once per process however often it is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from models import Program
from rules.bounded_cache import BoundedCache
from services.programs.definition import ProgramDefinition

_cache: BoundedCache[str, ProgramDefinition] = BoundedCache(64)


def _digest(definition: Mapping[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_definition(definition: Mapping[str, Any], digest: str | None = None) -> ProgramDefinition:
    """The validated definition of stored program JSON, from the cache when already parsed."""
    key = digest or _digest(definition)
    cached = _cache.entries.get(key)
    if cached is None:
        cached = _cache.put(key, ProgramDefinition.model_validate(dict(definition)))
    return cached


def spec_of(program: Program) -> ProgramDefinition:
    """The typed definition of a program row (its stored file, validated and cached)."""
    return parse_definition(program.definition, program.definition_sha256)


def membership_kinds(program: Program) -> list[str]:
    """The agreement kinds that make a partner a member of the program."""
    return [a.kind for a in spec_of(program).agreements if a.role == "membership"]
