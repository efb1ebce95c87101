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
    UNKNOWN_CAPACITY = "unknown_capacity"


class MembershipErrorCode(enum.StrEnum):
    """Why an enrolment or a tier change was refused."""

    STALE_VERSION = "stale_version"
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
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BACKDATING_FORBIDDEN = "backdating_forbidden"
    INVALID = "invalid"
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


def input_error(field: str, code: enum.StrEnum, message: str) -> UseCaseError:
    """A refusal of one field of a mutation's `input`."""
    return UseCaseError.one(["input", field], code, message)


def limited(text: str, field: str, limit: int, too_long: enum.StrEnum) -> str:
    """`text` without surrounding blanks; refused (`too_long`, naming `field`) beyond `limit`
    characters rather than cut, so nothing a caller sent is silently lost."""
    value = text.strip()
    if len(value) > limit:
        raise input_error(field, too_long, f"{field} is limited to {limit} characters")
    return value


class TemplateErrorCode(enum.StrEnum):
    """Why a contract template was refused."""

    TOO_LARGE = "too_large"
    NOT_DOCX = "not_docx"
    TOO_MANY_ENTRIES = "too_many_entries"
    ZIP_BOMB = "zip_bomb"
    TEMPLATE_SYNTAX = "template_syntax"
    SANDBOX_VIOLATION = "sandbox_violation"
    MISSING_VARIABLE = "missing_variable"
    UNRENDERED_MARKUP = "unrendered_markup"
    UNKNOWN_TEMPLATE = "unknown_template"
    UNKNOWN_VARIABLE = "unknown_variable"
    IMMUTABLE_VERSION = "immutable_version"
    FORBIDDEN = "forbidden"
    TOO_LONG = "too_long"


class AgreementErrorCode(enum.StrEnum):
    """Why an agreement action was refused."""

    STALE_VERSION = "stale_version"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_ID = "invalid_id"
    INVALID_EMAIL = "invalid_email"
    INVALID_DATE = "invalid_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BACKDATING_FORBIDDEN = "backdating_forbidden"
    FORBIDDEN = "forbidden"
    PARTNER_NOT_FOUND = "partner_not_found"
    PROGRAM_NOT_FOUND = "program_not_found"
    AGREEMENT_NOT_FOUND = "agreement_not_found"
    UNKNOWN_KIND = "unknown_kind"
    WRONG_ACCEPTANCE_MODE = "wrong_acceptance_mode"
    CAPACITY_REQUIRED = "capacity_required"
    MEMBERSHIP_AGREEMENT_REQUIRED = "membership_agreement_required"
    NO_TEMPLATE = "no_template"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_APPLIED = "already_applied"
    ALREADY_DECIDED = "already_decided"
    NOT_IN_EFFECT = "not_in_effect"
    AGREEMENT_ENDED = "agreement_ended"
    NOT_RENEWABLE = "not_renewable"
    NOTICE_ALREADY_GIVEN = "notice_already_given"
    NOTICE_TOO_LATE = "notice_too_late"
    ALREADY_TERMINATED = "already_terminated"
    INVALID_CAUSE = "invalid_cause"
    UNKNOWN_DELIVERY_METHOD = "unknown_delivery_method"
    NOTICE_NOT_FOUND = "notice_not_found"
    RECEIPT_ALREADY_RECORDED = "receipt_already_recorded"
    NOT_GIVEN_ON_RECEIPT = "not_given_on_receipt"
    RENDER_FAILED = "render_failed"


class ReferralErrorCode(enum.StrEnum):
    """Why a referral or commission action was refused."""

    STALE_VERSION = "stale_version"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_ID = "invalid_id"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_DATE = "invalid_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BACKDATING_FORBIDDEN = "backdating_forbidden"
    INVALID_AMOUNT = "invalid_amount"
    FORBIDDEN = "forbidden"
    PARTNER_NOT_FOUND = "partner_not_found"
    PROGRAM_NOT_FOUND = "program_not_found"
    REFERRAL_NOT_FOUND = "referral_not_found"
    NOT_FOUND = "not_found"
    NO_REFERRAL_PROGRAM = "no_referral_program"
    NO_ELIGIBLE_AGREEMENT = "no_eligible_agreement"
    CAPACITY_REQUIRED = "capacity_required"
    ACTIVE_OPPORTUNITY = "active_opportunity"
    DUPLICATE_REFERRAL = "duplicate_referral"
    ALREADY_DECIDED = "already_decided"
    DECISION_WINDOW_CLOSED = "decision_window_closed"
    NOT_APPROVED = "not_approved"
    MEETING_TOO_LATE = "meeting_too_late"
    NOT_LIVE = "not_live"
    NOT_PRIMARY = "not_primary"
    ALREADY_QUALIFIED = "already_qualified"
    ALREADY_CLOSED = "already_closed"
    OUTSIDE_QUALIFICATION_WINDOW = "outside_qualification_window"
    UNKNOWN_REVENUE_KIND = "unknown_revenue_kind"
    WRONG_CURRENCY = "wrong_currency"
    PAYMENT_NOT_RECEIVED = "payment_not_received"
    TAX_DOCUMENTATION_MISSING = "tax_documentation_missing"
    ALREADY_PAID = "already_paid"
    NOTHING_TO_PAY = "nothing_to_pay"
    SET_OFF_TOO_LARGE = "set_off_too_large"
    INVALID_CSV = "invalid_csv"
    RENDER_FAILED = "render_failed"
    ALREADY_SUPERSEDED = "already_superseded"
    OPPORTUNITY_KIND_NOT_QUALIFYING = "opportunity_kind_not_qualifying"


class SupportErrorCode(enum.StrEnum):
    """Why a support action was refused."""

    STALE_VERSION = "stale_version"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_ID = "invalid_id"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_DATE = "invalid_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BACKDATING_FORBIDDEN = "backdating_forbidden"
    FORBIDDEN = "forbidden"
    PARTNER_NOT_FOUND = "partner_not_found"
    PROGRAM_NOT_FOUND = "program_not_found"
    NO_SUPPORT_POLICY = "no_support_policy"
    UNKNOWN_WINDOW = "unknown_window"
    UNKNOWN_CLASSIFICATION = "unknown_classification"
    NO_SUPPORT_HOURS = "no_support_hours"
    NO_SUPPORT_CONTACT = "no_support_contact"
    CONTACT_NOT_FOUND = "contact_not_found"
    LAST_CONTACT = "last_contact"
    NOT_A_PERMUTATION = "not_a_permutation"
    INCIDENT_NOT_FOUND = "incident_not_found"
    INCIDENT_CLOSED = "incident_closed"
    ESCALATION_NOT_YET = "escalation_not_yet"
    ESCALATION_NOT_AVAILABLE = "escalation_not_available"
    EXCLUSION_REASON_REQUIRED = "exclusion_reason_required"
    UNKNOWN_EXCLUSION_REASON = "unknown_exclusion_reason"
    FILE_TOO_LARGE = "file_too_large"


class GovernanceErrorCode(enum.StrEnum):
    """Why a tier-governance action was refused."""

    STALE_VERSION = "stale_version"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_ID = "invalid_id"
    INVALID_URL = "invalid_url"
    INVALID_DATE = "invalid_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    BACKDATING_FORBIDDEN = "backdating_forbidden"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CSV = "invalid_csv"
    FORBIDDEN = "forbidden"
    PARTNER_NOT_FOUND = "partner_not_found"
    PROGRAM_NOT_FOUND = "program_not_found"
    MEMBERSHIP_NOT_FOUND = "membership_not_found"
    TIER_NOT_FOUND = "tier_not_found"
    NOT_FOUND = "not_found"
    UNKNOWN_KIND = "unknown_kind"
    NOT_ENTITLED = "not_entitled"
    BUDGET_EXCEEDED = "budget_exceeded"
    INVALID_TRANSITION = "invalid_transition"
    MEMBERSHIP_ENDED = "membership_ended"
    NO_USAGE_CAPS = "no_usage_caps"


class WebhookErrorCode(enum.StrEnum):
    """Why a webhook action was refused."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_ID = "invalid_id"
    INVALID_URL = "invalid_url"
    URL_NOT_ALLOWED = "url_not_allowed"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID_RANGE = "invalid_range"
    OUTSIDE_RETENTION = "outside_retention"


class ApiKeyErrorCode(enum.StrEnum):
    """Why an API key action was refused."""

    INVALID_ID = "invalid_id"
    INVALID_NAME = "invalid_name"
    INVALID_EMAIL = "invalid_email"
    INVALID_EXPIRY = "invalid_expiry"
    PARTNER_REQUIRED = "partner_required"
    PARTNER_NOT_FOUND = "partner_not_found"
    PARTNER_NOT_ALLOWED = "partner_not_allowed"
    KEY_NOT_FOUND = "key_not_found"
    KEY_REVOKED = "key_revoked"
    FORBIDDEN = "forbidden"


class ImportErrorCode(enum.StrEnum):
    """Why a history import (or one of its rows) was refused (docs/import.md)."""

    FORBIDDEN = "forbidden"
    PROGRAM_NOT_FOUND = "program_not_found"
    ROWS_REFUSED = "rows_refused"
    UNKNOWN_FILE = "unknown_file"
    UNKNOWN_CAPACITY = "unknown_capacity"
    DUPLICATE_FILE = "duplicate_file"
    BAD_ENCODING = "bad_encoding"
    BARE_CR = "bare_cr"
    MALFORMED_CSV = "malformed_csv"
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    WRONG_FIELD_COUNT = "wrong_field_count"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_DATE = "invalid_date"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_DECIMAL = "invalid_decimal"
    INVALID_INTEGER = "invalid_integer"
    INVALID_BOOLEAN = "invalid_boolean"
    DUPLICATE_EXTERNAL_ID = "duplicate_external_id"
    UNKNOWN_REFERENCE = "unknown_reference"
    CHANGED = "changed"
    AFTER_TODAY = "after_today"
    OUT_OF_ORDER = "out_of_order"
    INCONSISTENT = "inconsistent"
    UNKNOWN_TIER = "unknown_tier"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_TEMPLATE_VERSION = "unknown_template_version"
    MISSING_DOCUMENT = "missing_document"
    ALREADY_EXISTS = "already_exists"
    NOT_PRIMARY = "not_primary"
    NOT_LIVE = "not_live"
    ALREADY_QUALIFIED = "already_qualified"
    OUTSIDE_QUALIFICATION_WINDOW = "outside_qualification_window"
    NOT_PAYABLE = "not_payable"
    ALREADY_PAID = "already_paid"
    AMOUNTS_DISAGREE = "amounts_disagree"
    OPPORTUNITY_KIND_NOT_QUALIFYING = "opportunity_kind_not_qualifying"
    INVALID_AMOUNT = "invalid_amount"
    NOT_ELIGIBLE = "not_eligible"
    DUPLICATE_REFERRAL = "duplicate_referral"
    NO_REFERRAL_PROGRAM = "no_referral_program"
    ALREADY_SUPERSEDED = "already_superseded"
    NOT_IN_EFFECT = "not_in_effect"
    AGREEMENT_ENDED = "agreement_ended"
    NOTICE_ALREADY_GIVEN = "notice_already_given"
    NOTICE_TOO_LATE = "notice_too_late"
    TAX_DOCUMENTATION_MISSING = "tax_documentation_missing"
    RENDER_FAILED = "render_failed"
    SET_OFF_TOO_LARGE = "set_off_too_large"


def check_version(current: int, expected: int | None, codes: type[enum.StrEnum]) -> None:
    """Refuse a change made against an older version of the object (optimistic locking)."""
    if expected is not None and expected != current:
        raise UseCaseError.one(
            ["input", "expectedVersion"],
            codes["STALE_VERSION"],
            f"the object is at version {current}, not {expected}",
        )
