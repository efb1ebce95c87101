"""`node(id:)`: fetch any object by global ID, answering null for what the caller may not see."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from schema.agreements.types import Acceptance, Agreement
from schema.commissions.types import Commission, QualifiedAgreement
from schema.common import Node
from schema.context import Info
from schema.documents.types import Document
from schema.ids import decode_id
from schema.partners.types import Membership, Partner, TierChange
from schema.programs.types import Benefit, Program, Requirement, Tier
from schema.referrals.types import Referral
from schema.support.types import Incident


@dataclass(frozen=True)
class _NodeType:
    load: Callable[[Info, uuid.UUID], Awaitable[Any]]
    wrap: Callable[[Any], Node]
    owner: Callable[[Info, Any], Awaitable[uuid.UUID | None]]


async def _public(_info: Info, _row: Any) -> uuid.UUID | None:
    return None


async def _own_id(_info: Info, row: Any) -> uuid.UUID | None:
    return row.id  # type: ignore[no-any-return]


async def _partner_id(_info: Info, row: Any) -> uuid.UUID | None:
    return row.partner_id  # type: ignore[no-any-return]


async def _membership_owner(info: Info, row: Any) -> uuid.UUID | None:
    membership = await info.context.loaders.membership.load(row.membership_id)
    return None if membership is None else membership.partner_id


async def _agreement_owner(info: Info, row: Any) -> uuid.UUID | None:
    agreement = await info.context.loaders.agreement.load(row.agreement_id)
    return None if agreement is None else agreement.partner_id


async def _referral_owner(info: Info, row: Any) -> uuid.UUID | None:
    referral = await info.context.loaders.referral.load(row.referral_id)
    return None if referral is None else referral.partner_id


def _loader(name: str) -> Callable[[Info, uuid.UUID], Awaitable[Any]]:
    async def load(info: Info, ident: uuid.UUID) -> Any:
        return await getattr(info.context.loaders, name).load(ident)

    return load


NODE_TYPES: dict[str, _NodeType] = {
    "Program": _NodeType(_loader("program"), Program.from_row, _public),
    "Tier": _NodeType(_loader("tier"), Tier.from_row, _public),
    "Benefit": _NodeType(_loader("benefit"), Benefit.from_row, _public),
    "Requirement": _NodeType(_loader("requirement"), Requirement.from_row, _public),
    "Partner": _NodeType(_loader("partner"), Partner.from_row, _own_id),
    "Membership": _NodeType(_loader("membership"), Membership.from_row, _partner_id),
    "TierChange": _NodeType(_loader("tier_change"), TierChange.from_row, _membership_owner),
    "Agreement": _NodeType(_loader("agreement"), Agreement.from_row, _partner_id),
    "Acceptance": _NodeType(_loader("acceptance"), Acceptance.from_row, _agreement_owner),
    "Document": _NodeType(_loader("document"), Document.from_row, _partner_id),
    "Referral": _NodeType(_loader("referral"), Referral.from_row, _partner_id),
    "QualifiedAgreement": _NodeType(
        _loader("qualified_agreement"), QualifiedAgreement.from_row, _referral_owner
    ),
    "Commission": _NodeType(_loader("commission"), Commission.from_row, _partner_id),
    "Incident": _NodeType(_loader("incident"), Incident.from_row, _partner_id),
}


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """The object behind a global ID, or None if it does not exist or is not the caller's."""
    type_name, ident = decode_id(global_id)
    node_type = NODE_TYPES.get(type_name)
    if node_type is None:
        return None
    row = await node_type.load(info, ident)
    if row is None:
        return None
    owner = await node_type.owner(info, row)
    if owner is not None and not info.context.actor.may_see_partner(owner):
        return None
    return node_type.wrap(row)
