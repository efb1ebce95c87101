"""agreement notices as dated facts: one row per notice, the agreement's notice columns moved in

Revision ID: 0023b
Revises: 0023d
Create Date: 2026-12-01

Each agreement's non-renewal notice and termination notice (with its cure) become rows of
`agreement_notices`; the columns that held them on `agreements` are dropped. A termination by
"program" is the operator's. The downgrade puts each agreement's latest notice of each kind back.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0023b"
down_revision: str | None = "0023d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("non_renewal_notice_on", sa.Date()),
    ("non_renewal_notice_by", sa.String(length=16)),
    ("termination_reason", sa.String(length=16)),
    ("termination_cause", sa.Text()),
    ("termination_notice_on", sa.Date()),
    ("termination_by", sa.String(length=16)),
    ("non_renewal_notice_sent_on", sa.Date()),
    ("non_renewal_notice_method", sa.String(length=64)),
    ("non_renewal_notice_received_on", sa.Date()),
    ("termination_notice_sent_on", sa.Date()),
    ("termination_notice_method", sa.String(length=64)),
    ("termination_notice_received_on", sa.Date()),
    ("cured_on", sa.Date()),
)
NOTICE_COLUMNS = (
    ("agreement_id", sa.Uuid()),
    ("kind", sa.String(length=16)),
    ("reason", sa.String(length=16)),
    ("party", sa.String(length=16)),
    ("cause", sa.Text()),
    ("sent_on", sa.Date()),
    ("method", sa.String(length=64)),
    ("received_on", sa.Date()),
    ("given_on", sa.Date()),
    ("cured_on", sa.Date()),
)


def _agreements() -> sa.TableClause:
    return sa.table(
        "agreements", sa.column("id", sa.Uuid()), *(sa.column(n, t) for n, t in COLUMNS)
    )


def _notices() -> sa.TableClause:
    return sa.table(
        "agreement_notices",
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        *(sa.column(n, t) for n, t in NOTICE_COLUMNS),
    )


def _party(stored: str | None) -> str:
    return "partner" if stored == "partner" else "operator"


def _rows(a: Any, now: datetime) -> list[dict[str, Any]]:
    rows = []
    base = {"agreement_id": a.id, "created_at": now, "updated_at": now, "cured_on": None}
    if a.non_renewal_notice_on is not None or a.non_renewal_notice_sent_on is not None:
        rows.append(
            base
            | {
                "id": uuid.uuid4(),
                "kind": "non_renewal",
                "reason": None,
                "party": _party(a.non_renewal_notice_by),
                "cause": None,
                "sent_on": a.non_renewal_notice_sent_on or a.non_renewal_notice_on,
                "method": a.non_renewal_notice_method,
                "received_on": a.non_renewal_notice_received_on,
                "given_on": a.non_renewal_notice_on,
            }
        )
    if a.termination_reason is not None:
        rows.append(
            base
            | {
                "id": uuid.uuid4(),
                "kind": "breach" if a.termination_reason == "breach" else "termination",
                "reason": a.termination_reason,
                "party": _party(a.termination_by),
                "cause": a.termination_cause,
                "sent_on": a.termination_notice_sent_on or a.termination_notice_on,
                "method": a.termination_notice_method,
                "received_on": a.termination_notice_received_on,
                "given_on": a.termination_notice_on,
                "cured_on": a.cured_on,
            }
        )
    return rows


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    moved = [r for a in bind.execute(sa.select(_agreements())) for r in _rows(a, now)]
    # SQLite drops plain columns in place (3.35+): a batch copy of `agreements` would DROP the
    # original, and with foreign keys on, that cascades to every table that references it.
    with op.batch_alter_table("agreements", schema=None, recreate="never") as batch_op:
        for name, _type in COLUMNS:
            batch_op.drop_column(name)
    op.create_table(
        "agreement_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=True),
        sa.Column("cured_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_notices_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_notices")),
    )
    op.create_index(
        op.f("ix_agreement_notices_agreement_id"), "agreement_notices", ["agreement_id"]
    )
    if moved:
        bind.execute(sa.insert(_notices()), moved)


def downgrade() -> None:
    bind = op.get_bind()
    notices = _notices()
    latest: dict[tuple[Any, bool], Any] = {}
    for n in bind.execute(sa.select(notices).order_by(notices.c.sent_on, notices.c.created_at)):
        latest[(n.agreement_id, n.kind == "non_renewal")] = n
    op.drop_index(op.f("ix_agreement_notices_agreement_id"), table_name="agreement_notices")
    op.drop_table("agreement_notices")
    with op.batch_alter_table("agreements", schema=None, recreate="never") as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    agreements = _agreements()
    for (agreement_id, non_renewal), n in latest.items():
        by = "program" if n.party == "operator" else "partner"
        values = (
            {
                "non_renewal_notice_on": n.given_on,
                "non_renewal_notice_by": by,
                "non_renewal_notice_sent_on": n.sent_on,
                "non_renewal_notice_method": n.method,
                "non_renewal_notice_received_on": n.received_on,
            }
            if non_renewal
            else {
                "termination_reason": n.reason,
                "termination_cause": n.cause,
                "termination_notice_on": n.given_on,
                "termination_by": by,
                "termination_notice_sent_on": n.sent_on,
                "termination_notice_method": n.method,
                "termination_notice_received_on": n.received_on,
                "cured_on": n.cured_on,
            }
        )
        bind.execute(sa.update(agreements).where(agreements.c.id == agreement_id).values(values))
