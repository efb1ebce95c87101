"""Which fields PostgreSQL can answer itself (issue 14): each GraphQL type's fields with the
SQL that writes their values (`models/json_answers.py`), for `schema/sql_path.py`.

A field missing here sends its whole query to the fast path. `{a}` is the row's alias; an
embedded object (`Money`) reads its parent's columns, named by its `Embedded` mapping; the
relations' SQL (joins, orderings, the partner scope) is `models/json_relations.py`'s. A
mirrored field's resolver is not called on this path: a permission or a rule added to a
resolver must be added to its mirror too, or the field taken out of `MIRRORS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import json_answers as sql
from models import json_relations as rel


@dataclass(frozen=True)
class Relation:
    """A field whose value is another object (or a list of them, or a connection's `nodes`):
    `sql` reads it under the row `{a}` as `{c}`, with `{obj}` the child's JSON (and `{first}`
    the page size of a connection, `{scope}` the rows the caller may see, `{joins}` where
    the joined relations of `{c}` go); `table` is the child's. A `joined` relation is a
    to-one relation read by LEFT JOINs (`sql`) into the FROM that reads its parent's rows:
    one join per page instead of one subquery per row."""

    type_name: str
    table: str
    sql: str
    connection: bool = False
    args: frozenset[str] = frozenset()
    joined: bool = False


@dataclass(frozen=True)
class Embedded:
    """A field whose object is made of its parent row's own columns."""

    type_name: str
    columns: dict[str, str] = field(default_factory=dict)


Mirror = str | Relation | Embedded


def _columns(*names: str) -> dict[str, Mirror]:
    """Fields that are their row's column of the same name (in snake case)."""
    return {name: f"{{a}}.{_snake(name)}" for name in names}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


_PAGE_ARGS = frozenset({"first"})
"""A connection's forward page: `nodes` of its `first` rows."""


MIRRORS: dict[str, dict[str, Mirror]] = {
    "Query": {
        "partners": Relation("Partner", "partners", rel.PARTNERS, connection=True, args=_PAGE_ARGS),
    },
    "Partner": {
        "id": sql.global_id("Partner", "{a}.id"),
        **_columns(
            "legalName", "displayName", "country", "noticeAddress", "websiteDomain", "version"
        ),
        "createdAt": sql.date_time("{a}.created_at"),
        "updatedAt": sql.date_time("{a}.updated_at"),
        "memberships": Relation("Membership", "memberships", rel.MEMBERSHIPS_OF_PARTNER),
        "agreements": Relation("Agreement", "agreements", rel.AGREEMENTS_OF_PARTNER),
        "referrals": Relation(
            "Referral", "referrals", rel.REFERRALS_OF_PARTNER, connection=True, args=_PAGE_ARGS
        ),
    },
    "Membership": {
        "id": sql.global_id("Membership", "{a}.id"),
        "status": sql.enum_name("{a}.status"),
        **_columns("joinedOn", "version"),
        "tier": Relation("Tier", "tiers", rel.TIER_OF_MEMBERSHIP, joined=True),
    },
    "Tier": {
        "id": sql.global_id("Tier", "{a}.id"),
        **_columns("key", "name", "description", "rank", "inviteOnly"),
    },
    "Agreement": {
        "id": sql.global_id("Agreement", "{a}.id"),
        **_columns("kind", "version", "decisionReason", "appliedOn"),
        "effectiveDate": "{a}.effective_on",
        "decidedAt": sql.date_time("{a}.decided_at"),
        "status": sql.agreement_status("{a}"),
    },
    "Referral": {
        "id": sql.global_id("Referral", "{a}.id"),
        **_columns(
            "clientName",
            "clientWebsite",
            "contactName",
            "contactRole",
            "contactEmail",
            "contactPhone",
            "description",
            "opportunityKind",
            "decisionReason",
            "notViableReason",
            "closeReason",
            "version",
            "submittedOn",
            "decisionDeadline",
            "meetingDeadline",
            "approvedOn",
            "rejectedOn",
            "meetingOn",
            "notViableOn",
            "closedOn",
        ),
        "submittedAt": sql.date_time("{a}.submitted_at"),
        "status": sql.referral_status("{a}"),
        "commission": Relation(
            "Commission", "commissions", rel.COMMISSION_OF_REFERRAL, joined=True
        ),
    },
    "Commission": {
        "id": sql.global_id("Commission", "{a}.id"),
        **_columns("year", "scheduleVersion"),
        "amount": Embedded("Money", {"amount": "{a}.amount", "currency": "{a}.currency"}),
        "ncr": Embedded("Money", {"amount": "{a}.ncr", "currency": "{a}.currency"}),
        "status": sql.commission_status("{a}"),
        "payableOn": "{a}.payable_on",
        "dueDate": "{a}.due_on",
        "paidOn": "{a}.paid_on",
    },
    "Money": {
        "amount": sql.money_amount("{amount}", "{currency}"),
        "currency": "{currency}",
    },
}
"""Per GraphQL type, its fields PostgreSQL answers."""

TABLES = {"Agreement": ("agreement_notices",), "Commission": ("qualified_agreements",)}
"""Tables a type's mirrors read besides its own (`Relation.table`)."""
