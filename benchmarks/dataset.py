"""Benchmark data: partners with memberships and agreements, referrals with commissions.

`python -m benchmarks.dataset --url URL --partners 50 --referrals 1000000` loads a migrated
database with the seed programs and prints how long it took (COPY on PostgreSQL, with the
secondary indexes of the referral tables built after the rows when loading over 100,000
referrals; batched INSERTs on SQLite). Referrals arrive at the same recent rate whatever the
size (`--recent-per-day`, 15 a day over the last 30 days, at most half of a small set), so the
open ones of the last two weeks are still within their decision window at any size; the rest
are spread over the three years before that (a small set is a small program's recent history,
a large one a long history at the same recent pace). Every stage is drawn at random, each
referral with its client key; qualified and closed ones carry a qualified agreement and a
commission. Facts are never dated after today.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import JSON, Column, Table, select
from sqlalchemy.engine import Connection, make_url

from models import (
    Agreement,
    Commission,
    Membership,
    Partner,
    Program,
    QualifiedAgreement,
    Referral,
    ReferralKey,
)
from models.db import make_sync_engine
from models.programs.tables import Tier

BATCH = 20_000
CHUNK = 100_000
SPAN = timedelta(days=3 * 365)
"""How far back the older referrals go, before the RECENT period."""
RECENT = timedelta(days=30)
"""The recent period, longer than the 14-day decision window: open referrals of its first
half are deemed rejected, of its second half still submitted."""
RECENT_PER_DAY = 15
"""Referrals a day over the RECENT period, at every size (at most half of the set)."""
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


def _default(column: Column[Any]) -> tuple[bool, Any]:
    """(True, value) when a column's default is the same for every row, else (False, None)."""
    default = column.default
    if default is None:
        return True, None
    if getattr(default, "is_scalar", False):
        return True, default.arg  # type: ignore[attr-defined]
    return False, None


def insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (COPY on PostgreSQL), filling each column's Python-side default."""
    columns = [c for c in table.columns if c.computed is None]
    if conn.dialect.name != "postgresql":
        full = [{c.name: _value(c, r) for c in columns} for r in rows]
        for start in range(0, len(full), BATCH):
            conn.execute(table.insert(), full[start : start + BATCH])
        return
    plan = [(c.name, *_default(c), c, isinstance(c.type, JSON)) for c in columns]
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    names = ", ".join(f'"{c.name}"' for c in columns)
    with raw.cursor().copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for r in rows:
            values = []
            for name, constant, default, column, json in plan:
                value = r[name] if name in r else default if constant else _value(column, r)
                if isinstance(value, Enum):
                    value = value.value
                values.append(Json(value) if json and value is not None else value)
            copy.write_row(values)


class _Ids:
    """Ids increasing in the order they are made (primary keys grow at their right edge
    during a bulk load instead of at random pages), random below (unique across loads)."""

    def __init__(self) -> None:
        self.rng = random.Random()  # noqa: S311 (benchmark ids, not secrets)
        self.serial = itertools.count(1)

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=(next(self.serial) << 80) | self.rng.getrandbits(80), version=4)


def recent_count(count: int, per_day: int = RECENT_PER_DAY) -> int:
    """How many of `count` referrals are submitted within the RECENT period."""
    return min(count // 2, per_day * RECENT.days)


def _submitted_at(rng: random.Random, i: int, count: int, recent: int, now: datetime) -> datetime:
    """When the `i`th of `count` referrals (oldest first) was submitted: the last `recent`
    evenly over the RECENT period before `now`, the others over the SPAN before that."""
    older = count - recent
    if i >= older:
        return now - RECENT * ((count - i - rng.random()) / recent)
    return now - RECENT - SPAN * ((older - i - rng.random()) / older)


def _referral(
    rng: random.Random,
    new_id: _Ids,
    i: int,
    count: int,
    recent: int,
    program_id: uuid.UUID,
    partner_id: uuid.UUID,
    now: datetime,
) -> dict[str, Any]:
    """The `i`th of `count` referrals, oldest first, the last `recent` of them recent."""
    submitted_at = _submitted_at(rng, i, count, recent, now)
    on, today = submitted_at.date(), now.date()
    stage = rng.choice(STAGES)
    row: dict[str, Any] = {
        "id": new_id(),
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


BULK_TABLES = ("referrals", "referral_keys", "qualified_agreements", "commissions")


def load(
    url: str,
    partners: int,
    referrals: int,
    agreements: int = 3,
    seed: int = 1,
    recent_per_day: int = RECENT_PER_DAY,
) -> dict[str, float]:
    """Add `partners` partners (a membership and `agreements` agreements each) and `referrals`
    referrals spread over them (`recent_per_day` a day over the RECENT period), in the first
    program of the database; return the seconds each phase took (rows, indexes, vacuum and
    analyze)."""
    recent = recent_count(referrals, recent_per_day)
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not secrets)
    new_id = _Ids()
    engine = make_sync_engine(url)
    postgres = make_url(url).get_backend_name() == "postgresql"
    bulk = postgres and referrals > 100_000
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as conn:
        dropped: list[str] = []
        if bulk:
            # a bulk load: foreign-key triggers off for this transaction (the generator makes
            # consistent rows), secondary indexes built once at the end
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            for table in BULK_TABLES:
                dropped += _drop_indexes(conn, table)
        found = conn.execute(select(Program.id, Program.definition).order_by(Program.slug)).first()
        assert found is not None, "load the seed programs first"
        program, definition = found
        kinds = [spec["kind"] for spec in definition.get("agreements", [])]
        tier = (
            conn.execute(select(Tier.id).where(Tier.program_id == program).order_by(Tier.rank))
            .scalars()
            .first()
        )
        now = datetime.now(UTC) - timedelta(minutes=1)
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
        for start in range(0, referrals, CHUNK):
            rows = [
                _referral(
                    rng, new_id, i, referrals, recent, program, people[i % partners]["id"], now
                )
                for i in range(start, min(referrals, start + CHUNK))
            ]
            _referral_rows(conn, program, rows, new_id)
        phases["rows"] = time.perf_counter() - started
        for ddl in dropped:
            conn.exec_driver_sql(ddl)
        phases["indexes"] = time.perf_counter() - started - phases["rows"]
    if postgres:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")
    phases["vacuum"] = time.perf_counter() - started - phases["rows"] - phases["indexes"]
    engine.dispose()
    return phases


def _referral_rows(
    conn: Connection, program: uuid.UUID, rows: list[dict[str, Any]], new_id: _Ids
) -> None:
    """Referrals with their client keys, qualified agreements and commissions."""
    insert(conn, Referral.__table__, rows)  # type: ignore[arg-type]
    keys = [
        {"referral_id": r["id"], "client_key": key, "program_id": program}
        for r in rows
        for key in r["client_keys"]
    ]
    insert(conn, ReferralKey.__table__, keys)  # type: ignore[arg-type]
    qualified = [
        {
            "id": new_id(),
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
                "id": new_id(),
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


def summary(referrals: int, phases: dict[str, float], per_day: int = RECENT_PER_DAY) -> str:
    """One line: how long the generator took, in total and per phase."""
    detail = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    recent = recent_count(referrals, per_day)
    return (
        f"generator: {referrals:,} referrals ({recent:,} in the last {RECENT.days} days) in "
        f"{sum(phases.values()):.1f} s ({detail}; load average {os.getloadavg()[0]:.2f})"
    )


def main() -> int:
    """Load the data and print how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="a migrated database with the programs")
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--referrals", type=int, default=250)
    parser.add_argument("--recent-per-day", type=int, default=RECENT_PER_DAY)
    args = parser.parse_args()
    phases = load(args.url, args.partners, args.referrals, recent_per_day=args.recent_per_day)
    print(summary(args.referrals, phases, args.recent_per_day))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
