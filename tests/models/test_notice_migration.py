"""Migration 0023b moves an agreement's notice columns into `agreement_notices` (issue 11/12)
and back, keeping every other row, on both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from models import migrate
from models.db import make_sync_engine

DAY = date(2025, 6, 1)


def _filler(column: sa.Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, sa.Uuid):
        return uuid.uuid4()
    if isinstance(kind, sa.DateTime):
        return datetime(2025, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return DAY
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 0
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _insert(conn: sa.Connection, table: sa.Table, **values: Any) -> None:
    row = {c.name: _filler(c) for c in table.columns if not c.nullable and c.name not in values}
    if conn.dialect.name == "sqlite":  # reflected as CHAR(32): the hex a Uuid column stores
        values = {k: v.hex if isinstance(v, uuid.UUID) else v for k, v in values.items()}
    conn.execute(table.insert().values(**row, **values))


def test_0023b_moves_notices_into_their_table_and_back(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url, "0018b")
    engine = make_sync_engine(fresh_database_url)
    partner_id, program_id = uuid.uuid4(), uuid.uuid4()
    breached, expiring = uuid.uuid4(), uuid.uuid4()
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=["partners", "programs", "agreements", "acceptances"])
        with engine.begin() as conn:
            _insert(conn, meta.tables["partners"], id=partner_id)
            _insert(conn, meta.tables["programs"], id=program_id, slug="p")
            common = {"partner_id": partner_id, "program_id": program_id, "effective_on": DAY}
            _insert(
                conn,
                meta.tables["agreements"],
                id=breached,
                kind="a",
                **common,
                termination_reason="breach",
                termination_cause="unpaid",
                termination_by="program",
                termination_notice_sent_on=date(2025, 7, 1),
                termination_notice_method="certified_mail",
                termination_notice_received_on=date(2025, 7, 3),
                termination_notice_on=date(2025, 7, 3),
                cured_on=date(2025, 7, 10),
            )
            _insert(
                conn,
                meta.tables["agreements"],
                id=expiring,
                kind="b",
                **common,
                non_renewal_notice_on=date(2025, 11, 1),
                non_renewal_notice_by="partner",
            )
            _insert(conn, meta.tables["acceptances"], agreement_id=breached)
    finally:
        engine.dispose()
    migrate.upgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("agreements")}
            assert "termination_reason" not in columns and "cured_on" not in columns
            rows = conn.execute(
                sa.text(
                    "SELECT kind, reason, party, cause, sent_on, method, received_on, given_on,"
                    " cured_on FROM agreement_notices ORDER BY kind"
                )
            ).all()
            kept = conn.execute(sa.text("SELECT count(*) FROM acceptances")).scalar()
    finally:
        engine.dispose()
    as_dates = [tuple(date.fromisoformat(v) if _is_day(v) else v for v in r) for r in rows]
    assert as_dates == [
        (
            "breach",
            "breach",
            "operator",
            "unpaid",
            date(2025, 7, 1),
            "certified_mail",
            date(2025, 7, 3),
            date(2025, 7, 3),
            date(2025, 7, 10),
        ),
        (
            "non_renewal",
            None,
            "partner",
            None,
            date(2025, 11, 1),
            None,
            None,
            date(2025, 11, 1),
            None,
        ),
    ]
    assert kept == 1  # the agreements' other rows are untouched (no table copy cascading)
    migrate.downgrade(fresh_database_url, "0018b")
    engine = make_sync_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "SELECT termination_by, termination_notice_on, cured_on, non_renewal_notice_by"
                    " FROM agreements ORDER BY kind"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(date.fromisoformat(v) if _is_day(v) else v for v in r) for r in back] == [
        ("program", date(2025, 7, 3), date(2025, 7, 10), None),
        (None, None, None, "partner"),
    ]


def _is_day(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-"
