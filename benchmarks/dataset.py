"""Benchmark data: partners with memberships and agreements, referrals with commissions.

`python -m benchmarks.dataset --url URL --partners 50 --referrals 1000000` loads a migrated
database with the seed programs (COPY on PostgreSQL: a million referrals in about a minute;
batched INSERTs on SQLite). Referrals are spread over every stage; qualified and closed ones
carry a qualified agreement and a commission. Facts are never dated after today.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import JSON, Column, Enum, Table, select
from sqlalchemy.engine import Connection, make_url

from models import Agreement, Commission, Membership, Partner, Program, QualifiedAgreement, Referral
from models.db import make_sync_engine
from models.programs.tables import Tier

BATCH = 20_000
STAGES = ("open", "approved", "not_viable", "rejected", "qualified", "closed")


def _value(column: Column[Any], row: dict[str, Any]) -> Any:
    if column.name in row:
        value = row[column.name]
    elif column.default is not None and getattr(column.default, "is_scalar", False):
        value = column.default.arg  # type: ignore[attr-defined]
    elif column.default is not None and getattr(column.default, "is_callable", False):
        value = column.default.arg(None)  # type: ignore[attr-defined]
    else:
        value = None
    return value


def _copy_text(value: Any, column: Column[Any]) -> str:
    if value is None:
        return "\\N"
    if isinstance(column.type, JSON):
        value = json.dumps(value)
    elif isinstance(column.type, Enum) and hasattr(value, "value"):
        value = value.value
    elif isinstance(value, datetime):
        value = value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (COPY on PostgreSQL), filling each column's Python-side default."""
    columns = [c for c in table.columns if c.computed is None]
    if conn.dialect.name != "postgresql":
        full = [{c.name: _value(c, r) for c in columns} for r in rows]
        for start in range(0, len(full), BATCH):
            conn.execute(table.insert(), full[start : start + BATCH])
        return
    buffer = io.StringIO()
    for r in rows:
        buffer.write("\t".join(_copy_text(_value(c, r), c) for c in columns) + "\n")
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    names = ", ".join(f'"{c.name}"' for c in columns)
    with raw.cursor().copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _referral(
    rng: random.Random, i: int, program_id: uuid.UUID, partner_id: uuid.UUID, today: date
) -> dict[str, Any]:
    submitted = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=3 * i + rng.randrange(3))
    submitted_at = min(submitted, datetime.combine(today, datetime.min.time(), UTC))
    on = submitted_at.date()
    stage = rng.choice(STAGES)
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "program_id": program_id,
        "partner_id": partner_id,
        "client_name": f"Client {i}",
        "client_keys": [f"client-{i}"],
        "contact_name": "Grace Hopper",
        "contact_role": "CTO",
        "contact_email": "grace@client.example",
        "contact_phone": "+33 1 23 45 67 89",
        "description": "Wants better analytics.",
        "submitted_at": submitted_at,
        "submitted_on": on,
        "decision_deadline": on + timedelta(days=14),
        "meeting_deadline": on + timedelta(days=45),
        "undecided_outcome": "deemed_rejected",
        "is_primary": True,
        "created_at": submitted_at,
        "updated_at": submitted_at,
    }
    step = min(on + timedelta(days=2), today)
    if stage != "open":
        row["approved_on" if stage != "rejected" else "rejected_on"] = step
    if stage in ("qualified", "closed", "not_viable") or (stage == "approved" and i % 2):
        row["meeting_on"] = step  # half the approved ones met in time: they stay APPROVED
    if stage == "not_viable":
        row["not_viable_on"] = step
    if stage in ("qualified", "closed"):
        row["qualified_on"] = step
    if stage == "closed":
        row["closed_on"] = step
    return row


def _drop_indexes(conn: Connection, table: str) -> list[str]:
    """Drop `table`'s secondary indexes; return the statements that recreate them."""
    rows = conn.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
        " AND indexname NOT LIKE 'pk_%%' AND indexname NOT LIKE 'uq_%%'",
        (table,),
    ).all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _partners(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {
            "id": uuid.uuid4(),
            "legal_name": f"Partner {i} SAS",
            "display_name": f"Partner {i}",
            "country": "FR",
            "notice_address": "1 rue de la Paix, Paris",
            "capacities": ["referrer"],
        }


def load(url: str, partners: int, referrals: int, agreements: int = 3, seed: int = 1) -> None:
    """Add `partners` partners (a membership and `agreements` agreements each) and `referrals`
    referrals spread over them, in the first program of the database."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not secrets)
    engine = make_sync_engine(url)
    postgres = make_url(url).get_backend_name() == "postgresql"
    with engine.begin() as conn:
        if postgres and referrals > 100_000:
            # a bulk load: foreign-key triggers off for this transaction (the generator makes
            # consistent rows), secondary indexes built once at the end
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            dropped = _drop_indexes(conn, "referrals")
        found = conn.execute(select(Program.id, Program.definition).order_by(Program.slug)).first()
        assert found is not None, "load the seed programs first"
        program, definition = found
        kinds = [spec["kind"] for spec in definition.get("agreements", [])]
        tier = (
            conn.execute(select(Tier.id).where(Tier.program_id == program).order_by(Tier.rank))
            .scalars()
            .first()
        )
        today = datetime.now(UTC).date()
        people = list(_partners(partners))
        insert(conn, Partner.__table__, people)  # type: ignore[arg-type]
        insert(
            conn,
            Membership.__table__,  # type: ignore[arg-type]
            [
                {
                    "partner_id": p["id"],
                    "program_id": program,
                    "tier_id": tier,
                    "status": "active",
                    "joined_on": date(2020, 1, 1),
                }
                for p in people
            ],
        )
        insert(
            conn,
            Agreement.__table__,  # type: ignore[arg-type]
            [
                {
                    "partner_id": p["id"],
                    "program_id": program,
                    "kind": kind,
                    "applied_on": date(2020, 1, 1),
                    "effective_on": date(2020, 1, 2),
                }
                for p in people
                for kind in kinds[:agreements]
            ],
        )
        for start in range(0, referrals, 100_000):
            rows = [
                _referral(rng, i, program, people[i % partners]["id"], today)
                for i in range(start, min(referrals, start + 100_000))
            ]
            insert(conn, Referral.__table__, rows)  # type: ignore[arg-type]
            qualified = [
                {
                    "id": uuid.uuid4(),
                    "referral_id": r["id"],
                    "signed_on": r["qualified_on"],
                    "products": ["analytics"],
                }
                for r in rows
                if r.get("qualified_on")
            ]
            insert(conn, QualifiedAgreement.__table__, qualified)  # type: ignore[arg-type]
            by_referral = {r["id"]: r for r in rows}
            insert(
                conn,
                Commission.__table__,  # type: ignore[arg-type]
                [
                    {
                        "qualified_agreement_id": q["id"],
                        "partner_id": by_referral[q["referral_id"]]["partner_id"],
                        "program_id": program,
                        "year": q["signed_on"].year,
                        "schedule_version": "bench",
                        "currency": "EUR",
                        "ncr": Decimal(40000),
                        "amount": Decimal(4000),
                        "lines": [],
                    }
                    for q in qualified
                ],
            )
        if postgres and referrals > 100_000:
            for ddl in dropped:
                conn.exec_driver_sql(ddl)
    if postgres:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()


def main() -> int:
    """Load the data and print how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="a migrated database with the programs")
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--referrals", type=int, default=250)
    args = parser.parse_args()
    started = time.perf_counter()
    load(args.url, args.partners, args.referrals)
    print(f"loaded {args.referrals} referrals in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
