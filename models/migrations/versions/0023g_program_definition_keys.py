"""stored program definitions: drop the switches that program files no longer have

Three keys were removed from the program file format because nothing read them
(membership.upgrade_requires_written_approval, engagement_plan.on_request) or because a
richer key replaced them (tier_evaluation.program_year, now [program_year] starts_on, whose
default is the calendar year it named). The typed definition refuses unknown keys, so a
definition loaded before would fail on every read: the stored copies lose the keys here. The
digest becomes that of the rewritten definition, so loading the current file replaces it.

Revision ID: 0023g
Revises: 0023b
Create Date: 2026-12-01
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0023g"
down_revision: str | None = "0023b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REMOVED = (
    ("membership", "upgrade_requires_written_approval"),
    ("engagement_plan", "on_request"),
    ("tier_evaluation", "program_year"),
)

programs = sa.table(
    "programs",
    sa.column("id", sa.Uuid()),
    sa.column("definition", sa.JSON()),
    sa.column("definition_sha256", sa.String(64)),
)


def without_removed_keys(definition: dict[str, Any]) -> dict[str, Any] | None:
    """The definition without the removed keys, or None when it has none of them."""
    changed = False
    result = dict(definition)
    for section, key in REMOVED:
        table = result.get(section)
        if isinstance(table, dict) and key in table:
            result[section] = {k: v for k, v in table.items() if k != key}
            changed = True
    return result if changed else None


def upgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(programs.c.id, programs.c.definition)).all():
        rewritten = without_removed_keys(row.definition)
        if rewritten is None:
            continue
        digest = hashlib.sha256(json.dumps(rewritten, sort_keys=True).encode()).hexdigest()
        connection.execute(
            programs.update()
            .where(programs.c.id == row.id)
            .values(definition=rewritten, definition_sha256=digest)
        )


def downgrade() -> None:
    """Nothing to put back: the earlier code read none of the three keys' values."""
