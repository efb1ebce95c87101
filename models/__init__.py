"""Persistence: SQLAlchemy models, database access and migrations."""

from models.agreement import Acceptance, Agreement
from models.audit import AuditEvent
from models.auth import ApiKey, User
from models.base import Base
from models.commission import (
    ClientPayment,
    Commission,
    Payout,
    QualifiedAgreement,
    RevenueLine,
    TaxDocument,
)
from models.document import Document, TemplateVersion
from models.governance import (
    AccessRequest,
    CompetingProductNotice,
    Evidence,
    Invitation,
    MdfRequest,
    Notification,
    UsageReport,
)
from models.idempotency import IdempotencyRecord
from models.partner import Membership, Partner, TierChange
from models.program import Benefit, Program, Requirement, Tier
from models.ratelimit import RateBucket
from models.referral import ActiveOpportunity, ClientClaim, OpportunityKey, Referral
from models.support import (
    Incident,
    IncidentAttachment,
    IncidentEvent,
    SupportContact,
    SupportProfile,
)
from models.webhooks import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Acceptance",
    "AccessRequest",
    "ActiveOpportunity",
    "Agreement",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Benefit",
    "ClientClaim",
    "ClientPayment",
    "Commission",
    "CompetingProductNotice",
    "DeliveryAttempt",
    "Document",
    "Evidence",
    "IdempotencyRecord",
    "Incident",
    "IncidentAttachment",
    "IncidentEvent",
    "Invitation",
    "MdfRequest",
    "Membership",
    "Notification",
    "OpportunityKey",
    "OutboxEvent",
    "Partner",
    "Payout",
    "Program",
    "QualifiedAgreement",
    "RateBucket",
    "Referral",
    "Requirement",
    "RevenueLine",
    "SupportContact",
    "SupportProfile",
    "TaxDocument",
    "TemplateVersion",
    "Tier",
    "TierChange",
    "UsageReport",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
