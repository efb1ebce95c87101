"""Each SQL mirror of models/json_answers.py writes what the API's Python path writes, checked
value by value against the rules on PostgreSQL (issue 14)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from models import json_answers
from rules.agreement_terms import Facts, Terms, state_on
from rules.global_ids import global_id
from rules.money import MINOR_UNITS, round_money
from rules.referral_state import status_on
from services.commissions.ledger import commission_status
from tests.models.test_referral_stages import TODAY, fact_combinations

pytestmark = pytest.mark.anyio
DAY = timedelta(days=1)
PROGRAM = uuid.UUID(int=7)


async def _evaluate(
    engine: AsyncEngine,
    database_url: str,
    expression: str,
    columns: dict[str, str],
    rows: Sequence[dict[str, Any]],
    **params: Any,
) -> list[Any]:
    """`expression` over `rows` (alias `a`, typed `columns`), one value per row, in order."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the answers' JSON is PostgreSQL's (schema/sql_path.py)")
    typed = ", ".join(f"{name} {kind}" for name, kind in {"n": "int", **columns}.items())
    rows_of = f"jsonb_to_recordset(%(rows)s::jsonb) AS a({typed})"
    sql = f"{json_answers.DEFINED} SELECT {expression} FROM {rows_of} ORDER BY a.n"  # noqa: S608
    payload = [{"n": n, **row} for n, row in enumerate(rows)]
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql(
            sql,
            {
                "rows": json.dumps(payload, default=str),
                "program_ids": [PROGRAM],
                "days": [TODAY],
                "nonce": "later",
                "kinds": "{}",
                "minor": json_answers.MINOR,
                **params,
            },
        )
        return [row[0] for row in result]


async def test_global_ids_are_the_apis(engine: AsyncEngine, database_url: str) -> None:
    ids = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), *(uuid.uuid4() for _ in range(50))]
    for type_name in ("Partner", "Commission", "Membership", "Tier"):
        found = await _evaluate(
            engine,
            database_url,
            json_answers.global_id(type_name, "a.id"),
            {"id": "uuid"},
            [{"id": i} for i in ids],
        )
        assert found == [global_id(type_name, i) for i in ids]


async def test_timestamps_are_written_as_isoformat(engine: AsyncEngine, database_url: str) -> None:
    moments = [
        datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 10, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 12, 2, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 2, 29, 12, 30, 15, 120000, tzinfo=UTC),
    ]
    found = await _evaluate(
        engine,
        database_url,
        json_answers.date_time("a.at"),
        {"at": "timestamptz"},
        [{"at": m.isoformat()} for m in moments] + [{"at": None}],
    )
    assert found == [m.isoformat() for m in moments] + [None]


async def test_money_is_rounded_as_round_money(engine: AsyncEngine, database_url: str) -> None:
    amounts = [
        Decimal(a)
        for a in (
            "0",
            "1234.5",
            "10.005",
            "10.0049",
            "-10.005",
            "-0.004",
            "-0.0001",
            "0.0001",
            "99999999.9999",
            "1.0005",
            "7",
        )
    ]
    currencies = ["EUR", "USD", *sorted(MINOR_UNITS), "XXX"]
    rows = [{"amount": str(a), "currency": c} for a in amounts for c in currencies]
    found = await _evaluate(
        engine,
        database_url,
        json_answers.money_amount("a.amount", "a.currency"),
        {"amount": "numeric(20, 4)", "currency": "text"},
        rows,
    )
    stored = [Decimal(a).quantize(Decimal("0.0001")) for a in amounts]
    assert found == [str(round_money(a, c)) for a in stored for c in currencies]


REFERRAL_COLUMNS = {
    "program_id": "uuid",
    "decision_deadline": "date",
    "meeting_deadline": "date",
    "undecided_outcome": "text",
    "approved_on": "date",
    "rejected_on": "date",
    "not_viable_on": "date",
    "qualified_on": "date",
    "closed_on": "date",
    "meeting_on": "date",
}


async def test_referral_statuses_are_status_on(engine: AsyncEngine, database_url: str) -> None:
    """Every shape of facts, also facts dated after today (which the stage predicates of
    models/referrals/stages.py may not see: the mirror reads the dates themselves)."""
    later = [
        {**facts, "approved_on": TODAY + 2 * DAY}
        for facts in fact_combinations()[:40]
        if facts["rejected_on"] is None
    ]
    rows = [
        {**facts, "program_id": PROGRAM}
        for facts in [
            *fact_combinations(),
            *later,
            {**fact_combinations()[0], "undecided_outcome": None},
        ]
    ]
    found = await _evaluate(
        engine, database_url, json_answers.referral_status("a"), REFERRAL_COLUMNS, rows
    )
    expected = []
    for row in rows:
        facts = _Facts(
            **{k: v for k, v in row.items() if k not in ("program_id", "undecided_outcome")}
        )
        expected.append(status_on(facts, TODAY, row["undecided_outcome"]).name)
    assert found == expected


class _Facts:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


async def test_commission_statuses_are_the_ledgers(engine: AsyncEngine, database_url: str) -> None:
    days = (None, TODAY - DAY, TODAY, TODAY + DAY)
    rows = [
        {"program_id": PROGRAM, "paid_on": paid, "payable_on": payable}
        for paid, payable in itertools.product(days, days)
    ]
    found = await _evaluate(
        engine,
        database_url,
        json_answers.commission_status("a"),
        {"program_id": "uuid", "paid_on": "date", "payable_on": "date"},
        rows,
    )
    assert found == [
        commission_status(_Facts(**row), TODAY).upper()  # type: ignore[arg-type]
        for row in rows
    ]


async def test_agreement_statuses_follow_their_dates_or_wait_for_the_term_engine(
    engine: AsyncEngine, database_url: str
) -> None:
    """Without notices the dates decide, as `state_on` reads them; a kind the program does not
    define, a parent that is itself a supplement, or a notice (the agreement's, or its parent's
    for a supplement) leaves a placeholder for the term engine."""
    terms = Terms(12, 12, 30, 30, 30)
    days = (None, TODAY - 400 * DAY, TODAY - DAY, TODAY, TODAY + DAY)
    rows = [
        {
            "id": uuid.uuid4(),
            "partner_id": uuid.uuid4(),
            "program_id": PROGRAM,
            "kind": kind,
            "effective_on": effective,
            "rejected_on": rejected,
        }
        for effective, rejected in itertools.product(days, days)
        for kind in ("main", "addendum")
    ]
    placeholders = [
        {**rows[0], "id": uuid.uuid4(), "kind": kind} for kind in ("gone", "sub-addendum")
    ]
    kinds = json.dumps({str(PROGRAM): {"main": "", "addendum": "main", "sub-addendum": "*"}})
    expression = json_answers.agreement_status("a")
    found = await _evaluate(
        engine,
        database_url,
        expression,
        {
            "id": "uuid",
            "partner_id": "uuid",
            "program_id": "uuid",
            "kind": "text",
            "effective_on": "date",
            "rejected_on": "date",
        },
        [*rows, *placeholders],
        kinds=kinds,
    )
    expected = [
        state_on(terms, Facts(r["effective_on"], r["rejected_on"]), TODAY).status.name for r in rows
    ]
    assert found[: len(rows)] == expected
    assert found[len(rows) :] == [f"later:A:{r['partner_id']}:{r['id']}" for r in placeholders]


def test_counted_keys_are_the_answers_fields() -> None:
    text = (
        '{"a" : "x\\" : y", "b" : [{"c" : 1, "d" : "\\\\\\" : "}, {"c" : null, "d" : "q"}], '
        '"e" : {"f" : "\\\\"}}'
    )
    assert json_answers.count_keys(text) == 8
