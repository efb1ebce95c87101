"""The SQL path's relations are written from the batch reads' orderings (issue 14)."""

from __future__ import annotations

from sqlalchemy import column, func, table

from models import Partner, Referral
from models import json_relations as rel


def test_an_ordering_is_written_on_the_child_row() -> None:
    assert rel.order_sql("partners", rel.PARTNER_ORDER) == "lower({c}.display_name), {c}.id"
    descending = rel.order_sql("referrals", (Referral.submitted_at, Referral.id), descending=True)
    assert descending == "{c}.submitted_at DESC, {c}.id DESC"


def test_only_the_named_table_is_replaced() -> None:
    # another table whose name ends with this one's keeps its name
    other = table("my_partners", column("id"))
    text = rel.order_sql("partners", (func.coalesce(Partner.id, other.c.id),))
    assert text == "coalesce({c}.id, my_partners.id)"


def test_relations_read_their_parent_and_page() -> None:
    assert "LIMIT {first}" in rel.PARTNERS and "{scope}" in rel.PARTNERS
    page = rel.REFERRALS_OF_PARTNER
    assert "{c}.partner_id = {a}.id" in page
    # the page is cut before its joins are made
    assert page.index("LIMIT {first}") < page.index("{joins}")
    assert rel.COMMISSION_OF_REFERRAL.startswith(" LEFT JOIN qualified_agreements {c}q")
