"""Persistence: SQLAlchemy models, database access and migrations."""

from models.agreement import Acceptance, Agreement
from models.audit import AuditEvent
from models.auth import ApiKey, User
from models.base import Base
from models.document import Document, TemplateVersion
from models.partner import Membership, Partner, TierChange
from models.program import Benefit, Program, Requirement, Tier

__all__ = [
    "Acceptance",
    "Agreement",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Benefit",
    "Document",
    "Membership",
    "Partner",
    "Program",
    "Requirement",
    "TemplateVersion",
    "Tier",
    "TierChange",
    "User",
]
