"""Persistence: SQLAlchemy models, database access and migrations."""

from models.audit import AuditEvent
from models.auth import ApiKey, User
from models.base import Base
from models.partner import Membership, Partner, TierChange
from models.program import Benefit, Program, Requirement, Tier

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Benefit",
    "Membership",
    "Partner",
    "Program",
    "Requirement",
    "Tier",
    "TierChange",
    "User",
]
