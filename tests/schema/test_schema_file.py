"""The committed schema.graphql is the code's schema."""

from __future__ import annotations

from pathlib import Path

from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_matches_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == str(build_schema()) + "\n", (
        "schema.graphql is stale: run `make schema` and commit it"
    )
