"""Mutation recording the receipt of a notice given on receipt (SEG-AGR-13, issue 11)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement as AgreementRow
from models.documents.blobs import BlobStore
from schema.agreements.mutations import ADMIN_DATES, AgreementPayload, Code, _payload
from schema.context import Info
from schema.payloads import attempt, input_id
from services.actor import Actor
from services.agreements import receipts


@strawberry.input(
    description="Record the day a notice sent by hand delivery or certified mail was received."
)
class RecordNoticeReceiptInput:
    notice_id: strawberry.ID = strawberry.field(description="An id from `Agreement.notices`.")
    received_on: dt.date | None = strawberry.field(
        default=None,
        description="Day the addressee received it: not before the dispatch, not after today; "
        "default today. " + ADMIN_DATES,
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="Refuse with STALE_VERSION unless the agreement is at this version.",
    )


async def _receipt(
    session: AsyncSession, actor: Actor, store: BlobStore, data: RecordNoticeReceiptInput
) -> AgreementRow:
    return await receipts.record_notice_receipt(
        session,
        actor,
        store,
        notice_id=input_id(data.notice_id, "AgreementNotice", "noticeId", Code.INVALID_ID),
        received_on=data.received_on,
        expected_version=data.expected_version,
    )


@strawberry.type
class ReceiptMutations:
    @strawberry.mutation(
        description="Record the receipt of a notice given on receipt (SEG-AGR-13: hand "
        "delivery, certified mail), by either side: the notice is given that day and its "
        "notice or cure period runs from it. Refused when already recorded "
        "(RECEIPT_ALREADY_RECORDED), for a notice given on dispatch (NOT_GIVEN_ON_RECEIPT), "
        "before the dispatch (DATE_OUT_OF_ORDER) or after today (DATE_IN_FUTURE)."
    )
    async def record_notice_receipt(
        self, info: Info, input: RecordNoticeReceiptInput
    ) -> AgreementPayload:
        row, errors = await attempt(info, _receipt, info.context.store, input)
        return _payload(row, errors)
