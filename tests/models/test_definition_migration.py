"""Migration 0023g: a program definition stored before three keys left the program file
format reads again after the upgrade (issue 12 removed them), on both databases."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pydantic
import pytest
import sqlalchemy as sa

from models import migrate
from models.db import make_sync_engine
from services.programs.files import read_program
from services.programs.typed import parse_definition
from tests.models.test_notice_migration import _insert

PROGRAM_FILE = Path(__file__).parents[2] / "programs" / "contentsquare.toml"


def _stored_before() -> dict[str, Any]:
    """Contentsquare's definition as a load before the keys' removal stored it (the validated
    model dumped as JSON, defaults included)."""
    old = read_program(PROGRAM_FILE).definition.model_dump(mode="json")
    old["membership"]["upgrade_requires_written_approval"] = True
    old["engagement_plan"]["on_request"] = True
    old["tier_evaluation"]["program_year"] = "calendar"
    return old


def test_0023g_drops_the_removed_keys_from_stored_definitions(fresh_database_url: str) -> None:
    old = _stored_before()
    with pytest.raises(pydantic.ValidationError):
        parse_definition(old)
    migrate.upgrade(fresh_database_url, "0023b")
    engine = make_sync_engine(fresh_database_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=["programs"])
        with engine.begin() as conn:
            _insert(
                conn,
                meta.tables["programs"],
                id=uuid.uuid4(),
                slug="contentsquare",
                definition=old,
                definition_sha256="0" * 64,
            )
            _insert(
                conn,
                meta.tables["programs"],
                id=uuid.uuid4(),
                slug="current",
                definition=read_program(PROGRAM_FILE).definition.model_dump(mode="json"),
                definition_sha256="1" * 64,
            )
    finally:
        engine.dispose()
    migrate.upgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            (stored, digest), (_, untouched) = conn.execute(
                sa.text("SELECT definition, definition_sha256 FROM programs ORDER BY slug")
            ).all()
    finally:
        engine.dispose()
    definition = json.loads(stored) if isinstance(stored, str) else stored
    assert "program_year" not in definition["tier_evaluation"]
    assert "on_request" not in definition["engagement_plan"]
    assert "upgrade_requires_written_approval" not in definition["membership"]
    assert digest != "0" * 64 and untouched == "1" * 64  # a current definition is left alone
    assert parse_definition(definition).program_year.starts_on == "01-01"


def test_0023l_names_contentsquares_service_in_its_stored_definition(
    fresh_database_url: str,
) -> None:
    """Migration 0023l (issue 12): a Contentsquare definition stored before `operator.service_name`
    existed gets "CS Service", so its documents read as before; another program's loads with
    the default (documents then say "<short_name> services")."""
    old = read_program(PROGRAM_FILE).definition.model_dump(mode="json")
    del old["operator"]["service_name"]
    migrate.upgrade(fresh_database_url, "0023g")
    engine = make_sync_engine(fresh_database_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=["programs"])
        with engine.begin() as conn:
            for slug in ("contentsquare", "other"):
                _insert(
                    conn,
                    meta.tables["programs"],
                    id=uuid.uuid4(),
                    slug=slug,
                    definition=old,
                    definition_sha256="0" * 64,
                )
    finally:
        engine.dispose()
    migrate.upgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            (cs, cs_digest), (other, other_digest) = conn.execute(
                sa.text("SELECT definition, definition_sha256 FROM programs ORDER BY slug")
            ).all()
    finally:
        engine.dispose()
    cs = json.loads(cs) if isinstance(cs, str) else cs
    other = json.loads(other) if isinstance(other, str) else other
    assert parse_definition(cs).operator.service_name == "CS Service" and cs_digest != "0" * 64
    assert "service_name" not in other["operator"] and other_digest == "0" * 64
    assert parse_definition(other).operator.service_name == ""
