"""The import files: one CSV file per kind and its columns in file order (docs/import.md);
the cells' types and spelling are `services/imports/cells.py`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.imports.cells import BadValueError, Column, Type

__all__ = ["FILES", "BadValueError", "Column", "Type", "filename"]


def _c(name: str, type_: Type = Type.TEXT, **kw: Any) -> Column:
    return Column(name, type_, **kw)


def _ref(name: str, kind: str, required: bool = True) -> Column:
    return Column(name, Type.REF, required=required, max_length=100, ref=kind)


EXTERNAL_ID = Column("externalId", Type.TEXT, required=True, max_length=100)

FILES: dict[str, tuple[Column, ...]] = {
    "partners": (
        EXTERNAL_ID,
        _c("legalName", required=True),
        _c("displayName", required=True),
        _c("country", required=True, max_length=2),
        _c("noticeAddress", required=True, max_length=1000),
        _c("websiteDomain", max_length=253),
        _c("capacities", Type.LIST, max_length=64),
    ),
    "memberships": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("status", required=True, max_length=32),
        _c("joinedOn", Type.DATE, required=True),
        _c("tier", required=True, max_length=64),
        _c("effectiveOn", Type.DATE, required=True),
        _c("reason", required=True, max_length=1000),
    ),
    "agreements": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("kind", required=True, max_length=64),
        _c("appliedOn", Type.DATE),
        _c("effectiveOn", Type.DATE, required=True),
        _c("acceptedAt", Type.TIMESTAMP, required=True),
        _c("signerName", required=True),
        _c("signerTitle", required=True),
        _c("signerEmail", required=True, max_length=254),
        _c("templateVersion", Type.INTEGER, required=True),
        _c("documentFile", max_length=255),
    ),
    "agreement_notices": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("agreementKind", required=True, max_length=64),
        _c("kind", required=True, max_length=16),
        _c("reason", max_length=16),
        _c("party", required=True, max_length=16),
        _c("cause"),
        _c("dispatchedOn", Type.DATE, required=True),
        _c("method", max_length=64),
        _c("receivedOn", Type.DATE),
        _c("curedOn", Type.DATE),
    ),
    "referrals": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("clientName", required=True),
        _c("clientWebsite", max_length=253),
        _c("contactName", required=True),
        _c("contactRole", required=True),
        _c("contactEmail", required=True, max_length=254),
        _c("contactPhone", required=True, max_length=40),
        _c("description", required=True, max_length=5000),
        _c("opportunityKind", max_length=64, optional_header=True),
        _c("submittedOn", Type.DATE, required=True),
        _c("approvedOn", Type.DATE),
        _c("rejectedOn", Type.DATE),
        _c("decisionReason", max_length=1000),
        _c("meetingOn", Type.DATE),
        _c("notViableOn", Type.DATE),
        _c("notViableReason", max_length=1000),
        _c("closedOn", Type.DATE),
        _c("closeReason", max_length=1000),
    ),
    "qualified_agreements": (
        EXTERNAL_ID,
        _ref("referral", "referrals"),
        _c("signedOn", Type.DATE, required=True),
        _c("products", Type.LIST, required=True, max_length=100),
        _c("throughReseller", Type.BOOLEAN, required=True),
        _c("paidUnderOtherProgram", Type.BOOLEAN, required=True),
        _c("orderReference", max_length=100),
    ),
    "revenue_lines": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("kind", required=True, max_length=32),
        _c("amount", Type.DECIMAL, required=True),
        _c("occurredOn", Type.DATE, required=True),
        _c("description", max_length=500),
    ),
    "revenue_corrections": (
        EXTERNAL_ID,
        _ref("revenueLine", "revenue_lines"),
        _c("action", required=True, max_length=16),
        _c("effectiveOn", Type.DATE, required=True),
        _c("kind", max_length=32),
        _c("amount", Type.DECIMAL),
        _c("occurredOn", Type.DATE),
        _c("description", required=True, max_length=500),
    ),
    "client_payments": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("receivedOn", Type.DATE, required=True),
        _c("amount", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
    "payouts": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("paidOn", Type.DATE, required=True),
        _c("gross", Type.DECIMAL, required=True),
        _c("adjustments", Type.DECIMAL, optional_header=True, default=Decimal(0)),
        _c("withholdingRate", Type.DECIMAL, required=True),
        _c("withholding", Type.DECIMAL, required=True),
        _c("setOff", Type.DECIMAL, required=True),
        _c("setOffReason", max_length=1000),
        _c("net", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
    "evidence": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("kind", required=True, max_length=32),
        _c("title", max_length=300),
        _c("url", max_length=2000),
        _c("customer"),
        _c("reference", max_length=100),
        _c("amount", Type.DECIMAL),
        _c("currency", max_length=3),
        _c("occurredOn", Type.DATE, required=True),
        _c("expiresOn", Type.DATE),
    ),
    "tax_documents": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("receivedOn", Type.DATE, required=True),
        _c("withholdingRate", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
}
"""Every import file kind in load order, with its columns in file order."""


def filename(kind: str) -> str:
    """The file a kind is read from and exported to."""
    return f"{kind}.csv"
