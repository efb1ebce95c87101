"""Coded failures of use cases: each becomes a `userErrors` entry; nothing is written."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class PartnerErrorCode(enum.StrEnum):
    """Why a partner could not be created or changed."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_COUNTRY = "invalid_country"
    INVALID_DOMAIN = "invalid_domain"
    INVALID_ID = "invalid_id"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    STALE_VERSION = "stale_version"
    NOTHING_TO_UPDATE = "nothing_to_update"


class MembershipErrorCode(enum.StrEnum):
    """Why an enrolment or a tier change was refused."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_ID = "invalid_id"
    PARTNER_NOT_FOUND = "partner_not_found"
    PROGRAM_NOT_FOUND = "program_not_found"
    MEMBERSHIP_NOT_FOUND = "membership_not_found"
    TIER_NOT_FOUND = "tier_not_found"
    TIER_NOT_IN_PROGRAM = "tier_not_in_program"
    ALREADY_ENROLLED = "already_enrolled"
    CAPACITY_NOT_OFFERED = "capacity_not_offered"
    SAME_TIER = "same_tier"
    MEMBERSHIP_ENDED = "membership_ended"
    INVALID_DATE = "invalid_date"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class FieldError:
    """One problem: the input path it concerns, a stable code and a readable message."""

    field: tuple[str, ...]
    code: enum.StrEnum
    message: str


class UseCaseError(Exception):
    """A use case refused its input; the transaction is rolled back."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @classmethod
    def one(cls, field: Sequence[str], code: enum.StrEnum, message: str) -> UseCaseError:
        """A single-error refusal."""
        return cls([FieldError(tuple(field), code, message)])
