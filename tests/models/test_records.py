"""Plain records (models/records.py) carry their model's columns with the model's types, and
read the same values as the ORM objects of the same rows."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks import dataset
from models import Commission, Partner, Referral
from models.commissions.queries import commission_of_referrals
from models.commissions.records import COMMISSION_COLUMNS
from models.paging import NestedPage, PageRequest, fetch_page
from models.partners.queries import PartnerFilter, partners_query
from models.partners.records import PARTNER_COLUMNS
from models.records import Columns
from models.referrals.queries import ReferralFilter, referral_pages
from models.referrals.records import REFERRAL_COLUMNS, ReferralRecord

pytestmark = pytest.mark.anyio
SHAPES: list[Columns[Any]] = [REFERRAL_COLUMNS, COMMISSION_COLUMNS, PARTNER_COLUMNS]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.model.__name__)
def test_a_record_declares_its_models_columns_with_their_types(shape: Columns[Any]) -> None:
    model_hints = typing.get_type_hints(shape.model)
    record_hints = typing.get_type_hints(shape.make.__self__)  # type: ignore[attr-defined]
    assert tuple(record_hints) == shape.names
    for name in shape.names:
        if name in shape.computed:
            continue
        (mapped,) = typing.get_args(model_hints[name])
        assert record_hints[name] == mapped, name


def test_a_referral_record_reads_its_client_keys_from_their_json() -> None:
    assert REFERRAL_COLUMNS.computed.keys() == {"client_keys_json"}
    hints = typing.get_type_hints(ReferralRecord.client_keys.fget)
    assert hints["return"] == typing.get_args(typing.get_type_hints(Referral)["client_keys"])[0]


def _same(record: Any, row: Any, shape: Columns[Any]) -> None:
    names = [n for n in shape.names if n not in shape.computed]
    if shape is REFERRAL_COLUMNS:
        names.append("client_keys")
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
