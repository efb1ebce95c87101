"""Which opportunity kinds a program takes referrals of (SEG-TIER-11, issue 12).

The program file lists them (`qualifying_opportunities`). Reading (docs/program-rules.md): a
referral of a program with a list must say its kind and the kind must be listed, since only
those opportunities can ever earn a fee: Segment pays for net new accounts and for upsells that
sell a new product, so an upsell of a product the account already has, a renewal or a services
deal is refused at submission instead of being accepted to earn nothing. A program without a
list (Contentsquare) does not classify its opportunities: its referrals carry no kind.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from rules.citations import cited_in


class KindProblem(enum.Enum):
    """Why a referral's opportunity kind is refused."""

    MISSING = "missing"
    NOT_QUALIFYING = "not_qualifying"
    NOT_CLASSIFIED = "not_classified"


def normalised_kind(kind: str | None) -> str | None:
    """The kind as given, trimmed; None when empty."""
    return (kind or "").strip() or None


def kind_problem(kind: str | None, accepted: Sequence[str] | None) -> KindProblem | None:
    """Why `kind` cannot be a referral's kind under the program's list `accepted` (None: the
    program lists none), or None when it is acceptable."""
    if accepted is None:
        return None if kind is None else KindProblem.NOT_CLASSIFIED
    if kind is None:
        return KindProblem.MISSING
    return None if kind in accepted else KindProblem.NOT_QUALIFYING


def kind_message(
    problem: KindProblem,
    kind: str | None,
    accepted: Sequence[str] | None,
    rule_ids: Sequence[str] = (),
) -> str:
    """The explanation of a refused kind, naming the accepted kinds and citing `rule_ids`
    (the program's own, e.g. SEG-TIER-11 for Segment; none given, none cited)."""
    listed = ", ".join(accepted or ())
    cites = cited_in(rule_ids)
    if problem is KindProblem.NOT_CLASSIFIED:
        return "the program lists no opportunity kinds: leave opportunityKind empty"
    if problem is KindProblem.MISSING:
        return f"opportunityKind is required: the program pays only for {listed}{cites}"
    return f"{kind!r} is not a qualifying opportunity: the program pays only for {listed}{cites}"
