"""stored program definitions: Contentsquare's operator names its service "CS Service"

The program file's `[operator]` gained `service_name` (issue 12): the product partners refer
clients to, which the shipped Contentsquare templates (version 4) print instead of the
"CS Service" written into earlier versions. The key has a default, so stored definitions still
load; without it a document says "<short_name> services". Contentsquare's stored definition
gets "CS Service" here so its documents read word for word as before until its file is loaded
again. The digest becomes that of the rewritten definition, as in 0023g.

Revision ID: 0023l
Revises: 0023g
Create Date: 2026-12-01
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0023l"
down_revision: str | None = "0023g"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVICE_NAMES = {"contentsquare": "CS Service"}

programs = sa.table(
    "programs",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("definition", sa.JSON()),
    sa.column("definition_sha256", sa.String(64)),
)


def with_service_name(slug: str, definition: dict[str, Any]) -> dict[str, Any] | None:
    """The definition with its operator's service name, or None when nothing changes."""
    name = SERVICE_NAMES.get(slug)
    operator = definition.get("operator")
    if name is None or not isinstance(operator, dict) or "service_name" in operator:
        return None
    return {**definition, "operator": {**operator, "service_name": name}}


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(programs.c.id, programs.c.slug, programs.c.definition))
    for row in rows.all():
        rewritten = with_service_name(row.slug, row.definition)
        if rewritten is None:
            continue
        digest = hashlib.sha256(json.dumps(rewritten, sort_keys=True).encode()).hexdigest()
        connection.execute(
            programs.update()
            .where(programs.c.id == row.id)
            .values(definition=rewritten, definition_sha256=digest)
        )


def downgrade() -> None:
    """The stored definitions lose the key, which the earlier code refuses."""
    connection = op.get_bind()
    for row in connection.execute(sa.select(programs.c.id, programs.c.definition)).all():
        operator = row.definition.get("operator")
        if not isinstance(operator, dict) or "service_name" not in operator:
            continue
        kept = {k: v for k, v in operator.items() if k != "service_name"}
        rewritten = {**row.definition, "operator": kept}
        digest = hashlib.sha256(json.dumps(rewritten, sort_keys=True).encode()).hexdigest()
        connection.execute(
            programs.update()
            .where(programs.c.id == row.id)
            .values(definition=rewritten, definition_sha256=digest)
        )
