"""Program definition files: validation names file, key path and problem; loading is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Benefit, Program, Requirement, Tier
from rules.enums import MembershipStatus
from services.actor import SYSTEM
from services.partners.memberships import enroll_partner
from services.partners.registration import PartnerFields, create_partner
from services.programs.files import ProgramFileError, parse_program, read_program
from services.programs.loader import ProgramLoadError, load_program_files
from tests.conftest import SEED_PROGRAMS

DATA = Path(__file__).parent / "data"
MADE_UP = DATA / "made-up-guild.toml"
SEGMENT = next(p for p in SEED_PROGRAMS if p.stem == "segment-technology")


def _problems(text: str) -> list[str]:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(Path("broken.toml"), text)
    assert str(caught.value).startswith("broken.toml: ")
    return caught.value.problems


def test_seed_programs_are_valid() -> None:
    slugs = {read_program(p).definition.slug for p in SEED_PROGRAMS}
    assert slugs == {"segment-technology", "contentsquare"}


def test_seed_figures_are_data() -> None:
    """SEG-AGR-07/08/09, CS-AGR-06, CS-REF-02/15: the figures rules will read."""
    segment = read_program(SEGMENT).definition
    agreement = segment.agreements[0]
    assert (
        agreement.initial_term_months,
        agreement.renewal_term_months,
        agreement.non_renewal_notice_days,
        agreement.convenience_termination_notice_days,
        agreement.breach_cure_days,
    ) == (12, 12, 30, 60, 30)
    contentsquare = read_program(SEED_PROGRAMS[0]).definition
    assert contentsquare.slug == "contentsquare"
    assert contentsquare.referrals is not None
    assert contentsquare.referrals.decision_window_business_days == 7
    brackets = contentsquare.commission_schedules[0].brackets
    assert [(b.up_to, str(b.rate)) for b in brackets] == [
        (300000, "0.10"),
        (600000, "0.15"),
        (None, "0.20"),
    ]


def test_unknown_key_is_an_error_with_its_path() -> None:
    text = SEGMENT.read_text().replace('key = "bronze"\n', 'key = "bronze"\ncolour = "brown"\n')
    assert _problems(text) == [
        "tiers[1].colour: unknown key (check its spelling; unknown keys are never ignored)"
    ]


def test_wrong_type_and_missing_key() -> None:
    text = SEGMENT.read_text().replace(
        "non_renewal_notice_days = 30", 'non_renewal_notice_days = "thirty"'
    )
    text = text.replace('timezone = "America/Los_Angeles"\n', "", 1)
    problems = _problems(text)
    assert "timezone: required key is missing" in problems
    assert any(p.startswith("agreements[0].non_renewal_notice_days: ") for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'tiers = ["bronze", "silver", "gold"]',
            'tiers = ["bronze", "platinum"]',
            "(file): benefits[4].tiers: unknown tier(s) ['platinum']",
        ),
        ('currency = "USD"\ntimezone', 'currency = "USX"\ntimezone', "currency: unknown ISO 4217"),
        ('timezone = "America/Los_Angeles"', 'timezone = "Mars/Olympus"', "timezone: unknown IANA"),
        (
            "tiers = { bronze = 1, silver = 2, gold = 3 }",
            "tiers = { bronze = true }",
            "requirements[1]: tiers.bronze: a success_stories requirement takes a count",
        ),
        (
            'path = "support.clock"',
            'path = "support.klock"',
            "(file): documented_defaults[1].path 'support.klock' names no key",
        ),
        (
            'requires_agreement = "segment-referral-addendum"',
            'requires_agreement = "nope"',
            "(file): referral_fees.requires_agreement names no agreement kind",
        ),
        ("schema_version = 1", "schema_version = 2", "schema_version: "),
        ("review_every_months = 3", "review_every_months = 5", "tier_evaluation: "),
        ("[calendar]", "[calendar", "(file): not valid TOML"),
        (
            'starts_on = "01-01"',
            'starts_on = "02-29"',
            "program_year.starts_on: '02-29' is not a day of every year",
        ),
        (
            'starts_on = "01-01"',
            'starts_on = "4-1"',
            "program_year.starts_on: '4-1' is not a MM-DD",
        ),
        (
            'annual_window = "prior_calendar_year"',
            'annual_window = "prior_fiscal_year"',
            "tier_evaluation.annual_window: ",
        ),
        # A line kind both a tax and a deduction: NCR would keep it out as tax while the
        # paid-in-full total subtracted it as a credit (issue 12, CS-REF-13/14).
        (
            'revenue_taxes = ["sales_tax", "vat", "other_government_charge"]',
            'revenue_taxes = ["sales_tax", "vat", "discount"]',
            "referral_fees: revenue_taxes lists discount, already in revenue_deductions",
        ),
        (
            'revenue_taxes = ["sales_tax", "vat", "other_government_charge"]',
            'revenue_taxes = ["sales_tax", "invoiced_fee"]',
            "referral_fees: revenue_taxes lists invoiced_fee, already the fee kind",
        ),
    ],
)
def test_invalid_values_are_named(old: str, new: str, expected: str) -> None:
    text = SEGMENT.read_text()
    assert old in text
    problems = _problems(text.replace(old, new, 1))
    assert any(p.startswith(expected) for p in problems), problems


def test_made_up_program_is_valid() -> None:
    definition = read_program(MADE_UP).definition
    assert [t.key for t in definition.tiers] == ["apprentice", "journeyman", "master"]


async def _counts(sm: async_sessionmaker[AsyncSession]) -> tuple[int, int, int, int]:
    async with sm() as session:
        return tuple(
            [  # type: ignore[return-value]
                int(await session.scalar(select(func.count()).select_from(m)) or 0)
                for m in (Program, Tier, Benefit, Requirement)
            ]
        )


@pytest.mark.anyio
async def test_loading_is_idempotent(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    first = await load_program_files(sessionmaker, [*SEED_PROGRAMS, MADE_UP])
    assert {r.action for r in first} == {"created"}
    counts = await _counts(sessionmaker)
    # 3 programs; 4+1+3 tiers; benefits 4*4+3+1+1*3 ... as granted per tier.
    assert counts[:2] == (3, 8)
    second = await load_program_files(sessionmaker, [*SEED_PROGRAMS, MADE_UP])
    assert {r.action for r in second} == {"unchanged"}
    assert await _counts(sessionmaker) == counts


@pytest.mark.anyio
async def test_changed_file_updates_in_place(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await load_program_files(sessionmaker, [MADE_UP])
    async with sessionmaker() as session:
        before = {t.key: t.id for t in await session.scalars(select(Tier))}
    changed = tmp_path / "guild.toml"
    changed.write_text(
        MADE_UP.read_text()
        .replace('name = "Journeyman"', 'name = "Companion"')
        .replace('tiers = ["journeyman", "master"]', 'tiers = ["master"]')
    )
    result = await load_program_files(sessionmaker, [changed])
    assert [r.action for r in result] == ["updated"]
    async with sessionmaker() as session:
        tiers = {t.key: t for t in await session.scalars(select(Tier))}
        seals = list(await session.scalars(select(Benefit)))
    assert {k: t.id for k, t in tiers.items()} == before  # global IDs stay stable
    assert tiers["journeyman"].name == "Companion"
    assert [tiers_key for tiers_key, t in tiers.items() if t.id == seals[0].tier_id] == ["master"]
    assert len(seals) == 1


@pytest.mark.anyio
async def test_bad_file_loads_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(MADE_UP.read_text().replace("[membership]", "[membershipp]"))
    with pytest.raises(ProgramLoadError) as caught:
        await load_program_files(sessionmaker, [*SEED_PROGRAMS, broken])
    assert "membershipp: unknown key" in str(caught.value)
    assert await _counts(sessionmaker) == (0, 0, 0, 0)


@pytest.mark.anyio
async def test_a_bad_program_year_start_is_refused_at_load(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """Issue 12: a program year starting on a day that is not in every year (31 April) is
    refused by `programs load` with the INVALID_PROGRAM_FILE code, naming the key; nothing is
    loaded."""
    broken = tmp_path / "segment-technology.toml"
    broken.write_text(SEGMENT.read_text().replace('starts_on = "01-01"', 'starts_on = "04-31"'))
    with pytest.raises(ProgramLoadError) as caught:
        await load_program_files(sessionmaker, [broken])
    assert caught.value.code == "INVALID_PROGRAM_FILE"
    assert "program_year.starts_on: '04-31' is not a day of every year" in str(caught.value)
    assert await _counts(sessionmaker) == (0, 0, 0, 0)


def test_schedule_versions_accumulate_over_one_period() -> None:
    """Issue 12: every commission schedule version accumulates over the same year (calendar or
    program year), so one partner-year never mixes the two."""
    contentsquare = SEED_PROGRAMS[0].read_text()
    later = """
[[commission_schedules]]
version = "2027-01"
effective_from = 2027-01-01
notice_given_on = 2026-11-01
currency = "USD"
accumulation = "program_year_cumulative"
rate_carry_over = "none"

[[commission_schedules.brackets]]
rate = "0.10"
"""
    problems = _problems(contentsquare.replace("[engagement_plan]", later + "\n[engagement_plan]"))
    assert any("every version must accumulate over the same period" in p for p in problems), (
        problems
    )


@pytest.mark.anyio
async def test_two_files_with_one_slug_are_refused(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    copy = tmp_path / "copy.toml"
    copy.write_text(MADE_UP.read_text())
    with pytest.raises(ProgramLoadError, match="is given by two files"):
        await load_program_files(sessionmaker, [MADE_UP, copy])


@pytest.mark.anyio
async def test_made_up_program_enrols_at_its_own_entry_tier_and_keeps_used_tiers(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await load_program_files(sessionmaker, [MADE_UP])
    async with sessionmaker.begin() as session:
        partner = await create_partner(
            session,
            SYSTEM,
            PartnerFields(
                legal_name="Smithy Ltd",
                country="DE",
                notice_address="Berlin",
                capacities=["reseller"],
            ),
        )
        program = await session.scalar(select(Program))
        assert program is not None
        membership = await enroll_partner(session, SYSTEM, partner.id, program.id)
        tier = await session.get(Tier, membership.tier_id)
    assert tier is not None and tier.key == "apprentice"
    assert membership.status is MembershipStatus.ACTIVE  # this program's entry_status
    without = tmp_path / "guild.toml"
    text = MADE_UP.read_text()
    without.write_text(text.replace('[[tiers]]\nkey = "apprentice"\nname = "Apprentice"\n', ""))
    with pytest.raises(ProgramLoadError, match="'apprentice' was removed from the file but 1"):
        await load_program_files(sessionmaker, [without])
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Tier)) == 3
