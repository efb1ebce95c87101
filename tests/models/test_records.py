"""Plain records (models/records.py) carry their model's columns with the model's types, and
read the same values as the ORM objects of the same rows."""

from __future__ import annotations

import typing
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks import dataset
from models import Agreement, AgreementNotice, Commission, Membership, Partner, Referral, Tier
from models.agreements.queries import agreements_of_partners
from models.agreements.records import (
    AGREEMENT_COLUMNS,
    NOTICE_COLUMNS,
    AgreementRecord,
    NoticeRecord,
)
from models.commissions.queries import commission_of_referrals
from models.commissions.records import COMMISSION_COLUMNS, CommissionRecord
from models.paging import NestedPage, PageRequest, fetch_page
from models.partners.queries import PartnerFilter, memberships_and_tiers_of_partners, partners_query
from models.partners.records import MEMBERSHIP_COLUMNS, PARTNER_COLUMNS, PartnerRecord
from models.programs.queries import tiers_by_ids
from models.programs.records import TIER_COLUMNS
from models.records import Columns, read_records
from models.referrals.queries import ReferralFilter, referral_pages
from models.referrals.records import REFERRAL_COLUMNS, ReferralRecord
from models.versions import READ_TABLES

pytestmark = pytest.mark.anyio
SHAPES: list[Columns[Any]] = [
    REFERRAL_COLUMNS,
    COMMISSION_COLUMNS,
    PARTNER_COLUMNS,
    AGREEMENT_COLUMNS,
    NOTICE_COLUMNS,
    MEMBERSHIP_COLUMNS,
    TIER_COLUMNS,
]
JOINED = {"notices"}
"""Record fields read by a join, not columns of the record's own model."""


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.model.__name__)
def test_a_record_declares_its_models_columns_with_their_types(shape: Columns[Any]) -> None:
    model_hints = typing.get_type_hints(shape.model)
    record_hints = typing.get_type_hints(shape.make.__self__)  # type: ignore[attr-defined]
    assert tuple(n for n in record_hints if n not in JOINED) == shape.names
    for name in shape.names:
        if name in shape.computed:
            continue
        (mapped,) = typing.get_args(model_hints[name])
        assert record_hints[name] == mapped, name


@pytest.mark.parametrize(
    ("shape", "record", "name"),
    [
        (REFERRAL_COLUMNS, ReferralRecord, "client_keys"),
        (COMMISSION_COLUMNS, CommissionRecord, "lines"),
        (PARTNER_COLUMNS, PartnerRecord, "capacities"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_record_reads_a_json_column_as_its_text(
    shape: Columns[Any], record: type, name: str
) -> None:
    """A list's records carry a JSON column as its text and parse it only when asked (a
    dashboard never asks): the property has the model's type."""
    assert shape.computed.keys() == {f"{name}_json"}
    hints = typing.get_type_hints(getattr(record, name).fget)
    assert hints["return"] == typing.get_args(typing.get_type_hints(shape.model)[name])[0]


def _same(record: Any, row: Any, shape: Columns[Any]) -> None:
    names = [n for n in shape.names if n not in shape.computed]
    names += [n.removesuffix("_json") for n in shape.computed]
    for name in names:
        assert getattr(record, name) == getattr(row, name), name
        assert type(getattr(record, name)) is type(getattr(row, name)), name


async def test_records_read_what_orm_objects_read(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None, database_url: str
) -> None:
    """The dashboard's partners, referral pages and commissions, record by record against
    the ORM."""
    dataset.load(database_url, partners=4, referrals=60)
    async with sessionmaker() as session:
        page = await fetch_page(
            session,
            partners_query(PartnerFilter()),
            [Partner.display_name, Partner.id],
            PageRequest(first=10),
            entity=PARTNER_COLUMNS,
        )
        partners = [p.id for p in page.rows]
        spec = NestedPage(first=6, where=ReferralFilter())
        pages = await referral_pages(session, [(p, spec) for p in partners])
        records = [r for page in pages for r in page.rows]
        commissions = await commission_of_referrals(session, [r.id for r in records])
    assert len(records) == 4 * 6 and any(commissions)
    async with sessionmaker() as session:
        for partner in page.rows:
            _same(partner, await session.get(Partner, partner.id), PARTNER_COLUMNS)
        for record, commission in zip(records, commissions, strict=True):
            row = await session.get(Referral, record.id)
            _same(record, row, REFERRAL_COLUMNS)
            if commission is not None:
                _same(
                    commission,
                    await session.get(Commission, commission.id),
                    COMMISSION_COLUMNS,
                )


def test_an_agreement_records_notices_are_typed_as_the_relationship() -> None:
    (listed,) = typing.get_args(typing.get_type_hints(Agreement)["notices"])
    (notice,) = typing.get_args(listed)
    hints = typing.get_type_hints(AgreementRecord)
    assert notice is AgreementNotice
    assert hints["notices"] == tuple[NoticeRecord, ...]


async def test_agreement_records_read_what_orm_objects_read(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None, database_url: str
) -> None:
    """The dashboard's agreements with their notices (in the relationship's order), record by
    record against the ORM, and a partner without agreements."""
    dataset.load(database_url, partners=3, referrals=0)
    async with sessionmaker() as session:
        first, second = (await session.scalars(select(Agreement).order_by(Agreement.id))).all()[:2]
        day = date(2025, 3, 1)
        session.add_all(
            [
                AgreementNotice(
                    agreement_id=first.id,
                    kind="breach",
                    reason="breach",
                    party="operator",
                    sent_on=day,
                    cause="late",
                ),
                AgreementNotice(
                    agreement_id=first.id,
                    kind="non_renewal",
                    party="partner",
                    sent_on=day - timedelta(days=9),
                    method="email",
                    received_on=day,
                    given_on=day,
                    cured_on=None,
                ),
                AgreementNotice(
                    agreement_id=second.id,
                    kind="termination",
                    reason="convenience",
                    party="partner",
                    sent_on=day,
                    given_on=day + timedelta(days=2),
                ),
            ]
        )
        await session.commit()
    async with sessionmaker() as session:
        partners = list(await session.scalars(select(Partner.id).order_by(Partner.id)))
        groups = await agreements_of_partners(session, [*partners, uuid.uuid4()])
    kinds = len(groups[0])
    assert kinds >= 2 and [len(g) for g in groups] == [kinds, kinds, kinds, 0]
    records = [r for g in groups for r in g]
    assert sum(len(r.notices) for r in records) == 3
    async with sessionmaker() as session:
        for group, partner in zip(groups, partners, strict=False):
            rows = await session.scalars(
                select(Agreement)
                .where(Agreement.partner_id == partner)
                .order_by(Agreement.created_at, Agreement.id)
            )
            assert [r.id for r in rows] == [r.id for r in group]
        for record in records:
            row = await session.get(Agreement, record.id)
            assert row is not None
            _same(record, row, AGREEMENT_COLUMNS)
            assert len(record.notices) == len(row.notices)
            for notice, notice_row in zip(record.notices, row.notices, strict=True):
                _same(notice, notice_row, NOTICE_COLUMNS)


async def test_membership_and_tier_records_read_what_orm_objects_read(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None, database_url: str
) -> None:
    """The dashboard's memberships with their tiers, and tiers by id, against the ORM."""
    dataset.load(database_url, partners=3, referrals=0)
    async with sessionmaker() as session:
        partners = list(await session.scalars(select(Partner.id).order_by(Partner.id)))
        groups = await memberships_and_tiers_of_partners(session, [*partners, uuid.uuid4()])
        tier_ids = list(await session.scalars(select(Tier.id).order_by(Tier.rank)))
        tiers = await tiers_by_ids(session, [*tier_ids, uuid.uuid4(), tier_ids[0]])
    assert [len(g) for g in groups] == [1, 1, 1, 0]
    assert [t and t.id for t in tiers] == [*tier_ids, None, tier_ids[0]]
    async with sessionmaker() as session:
        for membership, tier in (pair for group in groups for pair in group):
            _same(membership, await session.get(Membership, membership.id), MEMBERSHIP_COLUMNS)
            _same(tier, await session.get(Tier, membership.tier_id), TIER_COLUMNS)
        for found in tiers[:-2]:
            assert found is not None
            _same(found, await session.get(Tier, found.id), TIER_COLUMNS)


async def test_records_are_read_as_the_sessions_own_execution_reads(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None, database_url: str
) -> None:
    """`read_records` runs on the session's connection without the ORM, yet as the session
    would: pending changes are flushed first (a partner added in the transaction is listed),
    and the tables read are noted for the response cache (models/versions.py)."""
    dataset.load(database_url, partners=2, referrals=4)
    async with sessionmaker() as session:
        listed = PARTNER_COLUMNS.narrow(select(Partner).order_by(Partner.display_name))
        before = await read_records(session, PARTNER_COLUMNS, listed)
        added = Partner(
            legal_name="Pending Ltd",
            display_name="Pending",
            country="FR",
            notice_address="1 rue de la Paix, Paris",
        )
        session.add(added)
        read: set[str] = set()
        session.sync_session.info[READ_TABLES] = read
        after = await read_records(session, PARTNER_COLUMNS, listed)
        assert {p.id for p in after} == {*(p.id for p in before), added.id}
        assert read == {"partners"}
        spec = NestedPage(first=2, where=ReferralFilter())
        await referral_pages(session, [(p.id, spec) for p in before])
        await commission_of_referrals(session, [uuid.uuid4()])
        assert {"referrals", "commissions", "qualified_agreements"} <= read
        await session.rollback()
