"""Why a qualified agreement earns nothing at all (CS-REF-05/06)."""

from __future__ import annotations

from models import QualifiedAgreement


def exclusion_reason(qualified: QualifiedAgreement) -> str | None:
    """Why a qualified agreement earns nothing at all, if it does not (CS-REF-05/06)."""
    if qualified.through_reseller:
        return "CS-REF-06: bought through a reseller or other third party"
    if qualified.paid_under_other_program:
        return "CS-REF-05: the order already earned a commission under another program"
    return None
