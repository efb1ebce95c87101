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


def test_commission_figures_are_worked_out_once_per_program_version_and_formatter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worked: list[str] = []

    def figures(definition: Any, fmt: Formatter) -> dict[str, Any]:
        worked.append(f"{definition} {fmt.locale}")
        return {"currency": "USD"}

    monkeypatch.setattr(terms, "commission_context", figures)
    monkeypatch.setattr(terms, "spec_of", lambda program: program.definition_sha256)
    monkeypatch.setattr(terms, "_COMMISSIONS", BoundedCache(256))
    program: Any = SimpleNamespace(id=uuid.uuid4(), definition_sha256="a")
    fmt = Formatter("en_US", "UTC")
    first = terms.commission_terms(program, fmt)
    first["currency"] = "changed by a caller"
    assert terms.commission_terms(program, fmt) == {"currency": "USD"}
    program.definition_sha256 = "b"  # the program file was reloaded
    terms.commission_terms(program, fmt)
    terms.commission_terms(program, Formatter("de_CH", "UTC"))
    assert worked == ["a en_US", "b en_US", "b de_CH"]


def test_a_formatter_parses_its_locale_once() -> None:
    fmt = Formatter("de_CH", "Europe/Zurich")
    assert str(fmt.babel) == "de_CH" and fmt == Formatter("de_CH", "Europe/Zurich")
