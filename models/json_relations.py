"""The relations PostgreSQL reads to write an answer's JSON (issue 14, `schema/sql_path.py`):
each list, page and to-one relation as SQL text, ordered as the Python path orders it.

In each text `{a}` is the parent row's alias and `{c}` the child's, `{obj}` the child's JSON,
`{first}` a page's size, `{scope}` the partners the caller sees and `{joins}` where the
joined relations of `{c}` go. Orderings are the ones the batch reads use (`PARTNER_ORDER`,
`MEMBERSHIP_ORDER`, `AGREEMENT_ORDER`, `REFERRAL_ORDER`), written out for PostgreSQL, so
both paths list rows in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.dialects import postgresql

from models.agreements.queries import AGREEMENT_ORDER
from models.paging import OrderColumn
from models.partners.queries import MEMBERSHIP_ORDER, PARTNER_ORDER
from models.referrals.queries import REFERRAL_ORDER

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def order_sql(table: str, columns: Sequence[OrderColumn], descending: bool = False) -> str:
    """An ordering of `table`'s columns, as PostgreSQL reads it, on the row `{c}`."""
    names = re.compile(rf"\b{re.escape(table)}\.")
    direction = " DESC" if descending else ""
    texts = [names.sub("{c}.", str(c.compile(dialect=_DIALECT))) for c in columns]
    return ", ".join(text + direction for text in texts)


def listed(table: str, where: str, order: str) -> str:
    """Every row of `table` that `where` matches, as a JSON array in `order`."""
    return (
        "(SELECT coalesce(json_agg({obj} ORDER BY " + order + "), '[]'::json) "
        f"FROM {table} {{c}}{{joins}} WHERE {where})"
    )


def paged(table: str, where: str, order: str) -> str:
    """The first `{first}` rows of `table` that `where` matches, in `order`, as a JSON array
    (joins are made after the page is cut)."""
    return (
        "(SELECT coalesce(json_agg({obj} ORDER BY " + order + "), '[]'::json) FROM "
        f"(SELECT * FROM {table} {{c}} WHERE {where} ORDER BY {order} LIMIT {{first}}) "
        "{c}{joins})"
    )


def joined(table: str, on: str, via: str = "") -> str:
    """The row of `table` that `on` matches (at most one: a key or a unique column), after
    the joins `via`, LEFT JOINed into the FROM that reads its parent's rows."""
    return f"{via} LEFT JOIN {table} {{c}} ON {on}{{joins}}"


PARTNERS = paged("partners", "{scope}", order_sql("partners", PARTNER_ORDER))
"""A page of the partners the caller sees."""

MEMBERSHIPS_OF_PARTNER = listed(
    "memberships", "{c}.partner_id = {a}.id", order_sql("memberships", MEMBERSHIP_ORDER)
)
AGREEMENTS_OF_PARTNER = listed(
    "agreements", "{c}.partner_id = {a}.id", order_sql("agreements", AGREEMENT_ORDER)
)
REFERRALS_OF_PARTNER = paged(
    "referrals",
    "{c}.partner_id = {a}.id",
    order_sql("referrals", REFERRAL_ORDER, descending=True),
)
"""A page of a partner's referrals, newest first."""

TIER_OF_MEMBERSHIP = joined("tiers", "{c}.id = {a}.tier_id")
COMMISSION_OF_REFERRAL = joined(
    "commissions",
    "{c}.qualified_agreement_id = {c}q.id",
    " LEFT JOIN qualified_agreements {c}q ON {c}q.referral_id = {a}.id",
)
"""A referral's commission, through its qualified agreement (both unique per referral)."""
