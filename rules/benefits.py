"""Which tier benefits a membership actually gives (SEG-TIER-03, SEG-AGR-10, SEG-TIER-10)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BenefitGrant:
    """A benefit as its tier grants it."""

    key: str
    invite_only: bool
    requires_active_agreement: bool


def entitled_benefits(
    grants: Iterable[BenefitGrant],
    *,
    agreement_specs: Iterable[Mapping[str, Any]],
    agreements_in_effect: set[str],
    invitations: set[str] | None = None,
) -> set[str]:
    """Keys of the benefits given, as of the date the caller computed `agreements_in_effect`.

    - an invite-only grant needs an invitation for that benefit;
    - a benefit that an agreement `enables` (portal: program terms; referral fee: addendum)
      needs that agreement in effect (SEG-TIER-10);
    - a benefit marked `requires_active_agreement` (badge, listing, marks) needs the program's
      membership agreement in effect, and disappears when it ends (SEG-AGR-10).
    """
    specs = list(agreement_specs)
    membership_kinds = {s["kind"] for s in specs if s["role"] == "membership"}
    enabled_by: dict[str, set[str]] = {}
    for spec in specs:
        for key in spec.get("enables", []):
            enabled_by.setdefault(key, set()).add(spec["kind"])
    invited = invitations or set()
    given = set()
    for grant in grants:
        if grant.invite_only and grant.key not in invited:
            continue
        if grant.key in enabled_by and not enabled_by[grant.key] & agreements_in_effect:
            continue
        if grant.requires_active_agreement and not membership_kinds & agreements_in_effect:
            continue
        given.add(grant.key)
    return given
