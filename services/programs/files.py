"""Reading program files: TOML in, a validated ProgramDefinition or precise errors out."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from services.programs.definition import ProgramDefinition


class ProgramFileError(Exception):
    """A program file that cannot be loaded; `problems` name file, key path and problem."""

    code = "INVALID_PROGRAM_FILE"

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass(frozen=True)
class ProgramFile:
    """A validated program file and the SHA-256 of its canonical content."""

    path: Path
    definition: ProgramDefinition
    sha256: str


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not text:
            text = part
        else:
            text += f".{part}"
    return text or "(file)"


def _describe(error: dict[str, object]) -> str:
    loc = error.get("loc", ())
    where = _location(loc if isinstance(loc, tuple) else ())
    if error.get("type") == "extra_forbidden":
        return f"{where}: unknown key (check its spelling; unknown keys are never ignored)"
    if error.get("type") == "missing":
        return f"{where}: required key is missing"
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}"


def parse_program(path: Path, text: str) -> ProgramFile:
    """Validate a program file's text; raise ProgramFileError naming every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramFileError(path, [f"(file): not valid TOML: {exc}"]) from exc
    try:
        definition = ProgramDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(dict(e)) for e in exc.errors(include_url=False)]
        raise ProgramFileError(path, problems) from exc
    canonical = json.dumps(definition.model_dump(mode="json"), sort_keys=True)
    return ProgramFile(path, definition, hashlib.sha256(canonical.encode()).hexdigest())


def read_program(path: Path) -> ProgramFile:
    """Read and validate one program file from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgramFileError(path, [f"(file): cannot be read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise ProgramFileError(path, ["(file): not UTF-8 text"]) from exc
    return parse_program(path, text)
