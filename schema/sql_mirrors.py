"""Which fields PostgreSQL can answer itself (issue 14): each GraphQL type's fields with the
SQL that writes their values (`models/json_answers.py`), for `schema/sql_path.py`.

A field missing here sends its whole query to the fast path. `{a}` is the row's alias; an
embedded object (`Money`) reads its parent's columns, named by its `Embedded` mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import json_answers as sql


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

_LIST = (
    "(SELECT coalesce(json_agg({obj} ORDER BY {order}), '[]'::json) "
    "FROM {table} {c}{joins} WHERE {where})"
)
_PAGE = (
    "(SELECT coalesce(json_agg({obj} ORDER BY {order}), '[]'::json) FROM "
    "(SELECT * FROM {table} {c} WHERE {where} ORDER BY {order} LIMIT {first}) {c}{joins})"
)


def _list(type_name: str, table: str, where: str, order: str) -> Relation:
    text = _LIST.replace("{table}", table).replace("{where}", where).replace("{order}", order)
    return Relation(type_name, table, text)


def _joined(type_name: str, table: str, on: str, via: str = "") -> Relation:
    """The row of `table` that `on` matches (at most one: a key or a unique column), after
    the joins `via`."""
    text = f"{via} LEFT JOIN {table} {{c}} ON {on}{{joins}}"
    return Relation(type_name, table, text, joined=True)


def _columns(*names: str) -> dict[str, Mirror]:
    """Fields that are their row's column of the same name (in snake case)."""
    return {name: f"{{a}}.{_snake(name)}" for name in names}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _page(type_name: str, table: str, parent: str, order: str) -> Relation:
    """A forward page of a connection's `nodes`, as the nested pages read it (models.paging)."""
    text = _PAGE.replace("{table}", table).replace("{where}", parent).replace("{order}", order)
    return Relation(type_name, table, text, connection=True, args=frozenset({"first"}))


MIRRORS: dict[str, dict[str, Mirror]] = {
    "Query": {
        "partners": Relation(
            "Partner",
            "partners",
            "(SELECT coalesce(json_agg({obj} ORDER BY lower({c}.display_name), {c}.id), "
            "'[]'::json) FROM (SELECT * FROM partners {c} WHERE {scope} "
            "ORDER BY lower({c}.display_name), {c}.id LIMIT {first}) {c}{joins})",
            connection=True,
            args=frozenset({"first"}),
        ),
    },
    "Partner": {
        "id": sql.global_id("Partner", "{a}.id"),
        **_columns(
            "legalName", "displayName", "country", "noticeAddress", "websiteDomain", "version"
        ),
        "createdAt": sql.date_time("{a}.created_at"),
        "updatedAt": sql.date_time("{a}.updated_at"),
        "memberships": _list(
            "Membership", "memberships", "{c}.partner_id = {a}.id", "{c}.joined_on, {c}.id"
        ),
        "agreements": _list(
            "Agreement", "agreements", "{c}.partner_id = {a}.id", "{c}.created_at, {c}.id"
        ),
        "referrals": _page(
            "Referral", "referrals", "{c}.partner_id = {a}.id", "{c}.submitted_at DESC, {c}.id DESC"
        ),
    },
    "Membership": {
        "id": sql.global_id("Membership", "{a}.id"),
        "status": sql.enum_name("{a}.status"),
        **_columns("joinedOn", "version"),
        "tier": _joined("Tier", "tiers", "{c}.id = {a}.tier_id"),
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
        "commission": _joined(
            "Commission",
            "commissions",
            "{c}.qualified_agreement_id = {c}q.id",
            " LEFT JOIN qualified_agreements {c}q ON {c}q.referral_id = {a}.id",
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
