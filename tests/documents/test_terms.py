"""Clause figures (services/documents/terms.py) are program data: worked out once per program
file version, agreement kind and formatter, not on every document (issue 14)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from rules.bounded_cache import BoundedCache
from services.documents import terms
from services.documents.formatting import Formatter


def test_terms_are_worked_out_once_per_program_version_and_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worked: list[tuple[str, str]] = []

    def figures(program: Any, spec: Any, fmt: Formatter) -> dict[str, Any]:
        worked.append((program.definition_sha256, spec.kind))
        return {"initial_term": "12 months"}

    monkeypatch.setattr(terms, "_terms", figures)
    monkeypatch.setattr(terms, "_TERMS", BoundedCache(256))
    program: Any = SimpleNamespace(id=uuid.uuid4(), definition_sha256="a")
    spec: Any = SimpleNamespace(kind="msa")
    fmt = Formatter("en_US", "UTC")
    first = terms.terms_context(program, spec, fmt)
    first["initial_term"] = "changed by a caller"
    assert terms.terms_context(program, spec, fmt) == {"initial_term": "12 months"}
    assert worked == [("a", "msa")]
    terms.terms_context(program, SimpleNamespace(kind="dpa"), fmt)  # type: ignore[arg-type]
    program.definition_sha256 = "b"  # the program file was reloaded
    terms.terms_context(program, spec, fmt)
    terms.terms_context(program, spec, Formatter("de_CH", "UTC"))
    assert worked == [("a", "msa"), ("a", "dpa"), ("b", "msa"), ("b", "msa")]
