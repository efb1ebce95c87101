"""A program's typed definition (services/programs/typed.py): parsed once per program version
per process, however many requests and rows read it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from rules.bounded_cache import BoundedCache
from services.agreements import state
from services.programs import typed
from services.programs.definition import ProgramDefinition
from tests.conftest import Api

pytestmark = pytest.mark.anyio


async def test_the_dashboard_parses_each_program_version_once_per_process(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every agreement status reads its program's definition; three dashboards (each reading
    the programs afresh from the database) validate the program file once (issue 14)."""
    dataset.load(database_url, partners=4, referrals=12)
    parsed: list[str] = []

    class Counting:
        @staticmethod
        def model_validate(data: Mapping[str, Any]) -> ProgramDefinition:
            parsed.append(str(data["slug"]))
            return ProgramDefinition.model_validate(data)

    monkeypatch.setattr(typed, "_cache", BoundedCache(64))
    # what earlier tests looked up in this process
    monkeypatch.setattr(state, "_kinds", BoundedCache(256))
    monkeypatch.setattr(state, "_SUPPLEMENTED", BoundedCache(256))
    monkeypatch.setattr(typed, "ProgramDefinition", Counting)
    for _ in range(3):
        data = await api.gql(DASHBOARD, {"partners": 4, "referrals": 3})
        agreements = [a for p in data["partners"]["nodes"] for a in p["agreements"]]
        assert len(agreements) >= 8 and all(a["status"] for a in agreements)
    # once per program version: the dataset's program (statuses), and on PostgreSQL every
    # program (its agreement kinds bound to the dashboard's statement, schema/sql_path.py)
    assert "contentsquare" in parsed and len(parsed) == len(set(parsed))
