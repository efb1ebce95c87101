"""Persistence: SQLAlchemy models, database access and migrations."""

from models.agreements.notices import AgreementNotice
from models.agreements.tables import Acceptance, Agreement
from models.audit.tables import AuditEvent
from models.base import Base
from models.commissions.tables import (
    ClientPayment,
    Commission,
    PartnerPayment,
    Payout,
    PayoutAdjustment,
    QualifiedAgreement,
    RevenueLine,
    TaxDocument,
)
from models.documents.tables import Document, StoredFile, TemplateVersion
from models.edge.idempotency import IdempotencyRecord
from models.edge.keys import ApiKey, User
from models.edge.ratelimit import RateLimitState
from models.imports.tables import ExternalId
from models.partners.tables import Membership, Partner, TierChange
from models.programs.tables import Benefit, Program, Requirement, Tier
from models.referrals.tables import (
    ActiveOpportunity,
    ClientClaim,
    OpportunityKey,
    Referral,
    ReferralKey,
)
from models.support.tables import (
    Incident,
    IncidentAttachment,
    IncidentEvent,
    SupportContact,
    SupportProfile,
)
from models.tiers.tables import (
    AccessRequest,
    CompetingProductNotice,
    Evidence,
    Invitation,
    MdfRequest,
    Notification,
    UsageReport,
)
from models.versions import DataVersion
from models.webhooks.tables import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Acceptance",
    "AccessRequest",
    "ActiveOpportunity",
    "Agreement",
    "AgreementNotice",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Benefit",
    "ClientClaim",
    "ClientPayment",
    "Commission",
    "CompetingProductNotice",
    "DataVersion",
    "DeliveryAttempt",
    "Document",
    "Evidence",
    "ExternalId",
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
    "PartnerPayment",
    "Payout",
    "PayoutAdjustment",
    "Program",
    "QualifiedAgreement",
    "RateLimitState",
    "Referral",
    "ReferralKey",
    "Requirement",
    "RevenueLine",
    "StoredFile",
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
