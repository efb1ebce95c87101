"""`cites` names fields of its own section (issue 12): a misspelt figure is refused at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.programs.files import read_program
from services.programs.sections.referrals import ReferralFees
from tests.conftest import SEED_PROGRAMS

SEGMENT = next(p for p in SEED_PROGRAMS if p.stem == "segment-technology")


def test_segment_fee_figures_cite_seg_tier_11() -> None:
    """SEG-TIER-11: the fee's kinds and closing period cite it; its revenue terms nothing."""
    fees = read_program(SEGMENT).definition.referral_fees
    assert fees is not None
    assert fees.cites == {
        "qualifying_opportunities": ["SEG-TIER-11"],
        "close_within_days": ["SEG-TIER-11"],
    }


def test_cites_naming_no_field_is_refused() -> None:
    fees = read_program(SEGMENT).definition.referral_fees
    assert fees is not None
    data = {**fees.model_dump(), "cites": {"close_within_dayz": ["SEG-TIER-11"]}}
    with pytest.raises(ValueError, match="cites names no field of this section: close_within_dayz"):
        ReferralFees.model_validate(data)


def test_segment_s_closing_period_cites_seg_tier_11() -> None:
    """A late signing in Segment cites SEG-TIER-11 (the period the program sets), in
    Contentsquare CS-REF-11, in the third program nothing."""
    from services.commissions.qualified_agreements import WINDOW
    from services.referrals.policy import policy_of
    from tests.helpers.documents import program

    def ids(slug: str) -> tuple[str, ...]:
        policy = policy_of(program(slug))
        assert policy is not None
        return policy.rules_of(*WINDOW)

    assert ids("segment-technology") == ("SEG-TIER-11",)
    assert ids("contentsquare") == ("CS-REF-11",)
    assert ids("alpine-distributors") == ()


def test_set_off_and_support_messages_cite_their_own_program() -> None:
    """CS-AGR-11 (set-off) is Contentsquare's: Segment's and the third program's payouts cite
    none; Segment's support refusals cite SUP-01 and SUP-02 from its support section."""
    from services.referrals.policy import policy_of
    from tests.helpers.documents import program

    def set_off(slug: str) -> tuple[str, ...]:
        policy = policy_of(program(slug))
        assert policy is not None
        return policy.rules_of("set_off")

    assert set_off("contentsquare") == ("CS-AGR-11",)
    assert set_off("segment-technology") == set_off("alpine-distributors") == ()
    support = read_program(SEGMENT).definition.support
    assert support is not None
    assert support.cites == {"windows": ["SUP-01"], "contacts": ["SUP-02"]}


def _problems(path: Path, old: str, new: str) -> list[str]:
    from services.programs.files import ProgramFileError, parse_program

    text = path.read_text()
    assert old in text
    with pytest.raises(ProgramFileError) as caught:
        parse_program(Path("broken.toml"), text.replace(old, new, 1))
    return [str(p) for p in caught.value.problems]


def test_load_refusals_cite_the_file_s_own_ids() -> None:
    """An invite-only entry tier cites SEG-TIER-01 in Segment's file and nothing in
    Contentsquare's (it used to cite SEG-TIER-01 in every file)."""
    contentsquare = next(p for p in SEED_PROGRAMS if p.stem == "contentsquare")
    segment = _problems(SEGMENT, 'key = "registered"\n', 'key = "registered"\ninvite_only = true\n')
    assert any(p.endswith("the entry tier cannot be invite-only (SEG-TIER-01)") for p in segment)
    cs = _problems(contentsquare, 'key = "member"\n', 'key = "member"\ninvite_only = true\n')
    assert any(p.endswith("the entry tier cannot be invite-only") for p in cs), cs
