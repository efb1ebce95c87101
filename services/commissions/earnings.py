"""Why a qualified agreement earns nothing at all (CS-REF-05/06)."""

from __future__ import annotations

from models import QualifiedAgreement
from rules.citations import cite
from services.referrals.policy import ReferralPolicy


def exclusion(qualified: QualifiedAgreement, policy: ReferralPolicy) -> tuple[str, str] | None:
    """The rule ids cited and why a qualified agreement earns nothing at all, if it does not
    (CS-REF-05/06 for Contentsquare: the ids its file gives, issue 12)."""
    if qualified.through_reseller:
        topic, why = "through_reseller", "bought through a reseller or other third party"
    elif qualified.paid_under_other_program:
        topic, why = (
            "paid_under_other_program",
            "the order already earned a commission under another program",
        )
    else:
        return None
    rules = cite(policy.rules_of(topic))
    return rules, f"{rules}: {why}" if rules else why


def exclusion_reason(qualified: QualifiedAgreement, policy: ReferralPolicy) -> str | None:
    """Why a qualified agreement earns nothing at all, if it does not."""
    found = exclusion(qualified, policy)
    return None if found is None else found[1]


def excluded_fact(qualified: QualifiedAgreement, policy: ReferralPolicy) -> tuple[str | None, str]:
    """`QualifiedFact`'s `excluded` and `excluded_rule`: why it earns nothing and the rule id
    its line cites (the first the program's file gives), or (None, "")."""
    found = exclusion(qualified, policy)
    if found is None:
        return None, ""
    ids = policy.rules_of(
        "through_reseller" if qualified.through_reseller else "paid_under_other_program"
    )
    return found[1], ids[0] if ids else ""
