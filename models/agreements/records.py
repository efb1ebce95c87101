"""An agreement and its notices as plain records: the columns its API type and state read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from models.agreements.notices import AgreementNotice
from models.agreements.tables import Agreement
from models.records import Columns


class NoticeRecord(NamedTuple):
    """The columns of an agreement notice its API type and the term engine read."""

    id: uuid.UUID
    kind: str
    reason: str | None
    party: str
    cause: str | None
    sent_on: date
    method: str | None
    received_on: date | None
    given_on: date | None
    cured_on: date | None


class AgreementRecord(NamedTuple):
    """The columns of an agreement its API type and state read (not its timestamps), with
    its notices, oldest dispatch first (as `Agreement.notices`)."""

    id: uuid.UUID
    partner_id: uuid.UUID
    program_id: uuid.UUID
    kind: str
    applied_on: date | None
    effective_on: date | None
    rejected_on: date | None
    decision_reason: str | None
    decided_at: datetime | None
    version: int
    notices: tuple[NoticeRecord, ...] = ()

    @classmethod
    def of_columns(cls, values: Iterable[Any]) -> AgreementRecord:
        """The record of `AGREEMENT_COLUMNS` values, without notices yet."""
        return cls(*values)


AnyAgreement = Agreement | AgreementRecord
"""An agreement as read: an ORM object, or a plain record of a list."""

AnyNotice = AgreementNotice | NoticeRecord
"""An agreement notice as read: an ORM object, or a plain record."""

AGREEMENT_COLUMNS = Columns(Agreement, AgreementRecord._fields[:-1], AgreementRecord.of_columns)
"""The agreement columns of a record (every field but `notices`, read by a join)."""

NOTICE_COLUMNS = Columns(AgreementNotice, NoticeRecord._fields, NoticeRecord._make)
"""The notice columns of a record."""
