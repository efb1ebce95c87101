"""The third program's own year and time zone, through GraphQL (issue 12).

`tests/programs/data/alpine/` runs its program year from 1 April (`program_year.starts_on`),
takes its annual tier window from the prior program year, accumulates commission brackets per
program year and budgets MDF per program year, where both seeds use the calendar year
(SEG-TIER-05/06/08, CS-REF-15/16). Its time zone is Pacific/Auckland, half a day from
Contentsquare's Paris and Segment's Los Angeles.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import Program
from models.documents.blobs import BlobStore
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from services import fact_dates
from services.actor import SYSTEM
from services.programs.loader import load_program_files
from services.referrals import submission
from services.tiers.program_year import rollover
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER, docx_text
from tests.helpers.api import CHANGE_TIER, PROGRAM_TIERS, create_partner, enroll, program
from tests.helpers.ledger import QUALIFY, add_fee, gql_ok, ledger
from tests.helpers.referrals import DECIDE_REFERRAL, MEETING, SUBMIT, form, referrer

pytestmark = pytest.mark.anyio
ALPINE = Path(__file__).parent / "data" / "alpine" / "alpine-distributors.toml"
SLUG = "alpine-distributors"
EVALUATE = """query($p: ID!, $g: ID!, $d: Date) { tierEvaluation(partner: $p, program: $g,
  asOf: $d, mode: ANNUAL) { qualifiedTierKey windowStart windowEnd
  tiers { tier { key } requirements { key actual } } } }"""
EVIDENCE = """mutation($input: RecordEvidenceInput!) { recordEvidence(input: $input) {
  evidence { id } userErrors { field code message } } }"""
MDF = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) {
  request { id programYear } userErrors { code message } } }"""
STATEMENT = """mutation($input: GenerateCommissionStatementInput!) {
  generateCommissionStatement(input: $input) { document { id } userErrors { code message } } }"""
ADVANCE = """mutation($input: AdvanceMdfInput!) { advanceMdf(input: $input) {
  request { id status } userErrors { code message } } }"""


async def _distributor(
    api: Api, store: BlobStore, name: str, since: date
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A distributor of the loaded third program, both its agreements accepted by an admin on
    `since` (09:00 in Auckland)."""
    await load_program_files(api.sessionmaker, [ALPINE], store)
    partner = await create_partner(
        api, displayName=name, legalName=f"{name} GmbH", country="CH", capacities=["distributor"]
    )
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    alpine = await program(api, SLUG)
    enrolled = await enroll(api, partner["id"], alpine["id"])
    assert enrolled["userErrors"] == [], enrolled
    accepted_at = f"{since.isoformat()}T09:00:00+13:00"
    for kind in ("alpine-membership", "alpine-distributor-schedule"):
        given = {"programId": alpine["id"], "kind": kind, "signer": SIGNER}
        await gql_ok(
            api, ACCEPT, {"input": {**given, "partnerId": partner["id"], "acceptedAt": accepted_at}}
        )
    return partner, key, alpine


async def _signed(
    api: Api, partner: dict[str, Any], alpine: dict[str, Any], client: str, signed_on: date
) -> str:
    """A referral submitted 20 days before `signed_on`, approved, met and signed that day with
    one 80,000 CHF fee line, every fact dated by an admin through GraphQL; returns the QA id."""
    submitted_on = signed_on - timedelta(days=20)
    given = form(client, opportunityKind="new_customer")
    payload = await gql_ok(
        api,
        SUBMIT,
        {
            "input": {
                "programId": alpine["id"],
                "partnerId": partner["id"],
                "submittedOn": submitted_on.isoformat(),
                **given,
            }
        },
    )
    referral = payload["referral"]["id"]
    decided = (submitted_on + timedelta(days=1)).isoformat()
    await gql_ok(
        api,
        DECIDE_REFERRAL,
        {"input": {"referralId": referral, "decision": "APPROVE", "decidedOn": decided}},
    )
    arranged = (submitted_on + timedelta(days=5)).isoformat()
    await gql_ok(api, MEETING, {"input": {"referralId": referral, "arrangedOn": arranged}})
    qualified = await gql_ok(
        api,
        QUALIFY,
        {"input": {"referralId": referral, "signedOn": signed_on.isoformat(), "products": ["X"]}},
    )
    qa: str = qualified["qualifiedAgreement"]["id"]
    await add_fee(api, qa, "80000", signed_on)
    return qa


YEARS = """query($slug: String!) { program(slug: $slug) {
  programYear(containing: "2026-02-15") { year startsOn firstDay lastDay }
  commissionPolicy { accumulatesPerProgramYear } } }"""


async def test_the_program_year_is_shown_with_the_program(api: Api, store: BlobStore) -> None:
    """15 February 2026 is in program year 2025 of the third program (1 April 2025 to
    31 March 2026) and in 2026 for Contentsquare, whose brackets run per calendar year
    (CS-REF-15); the third program's run per program year."""
    await load_program_files(api.sessionmaker, [ALPINE], store)

    async def shown(slug: str) -> tuple[tuple[int, str, str, str], bool]:
        data = (await api.gql(YEARS, {"slug": slug}))["program"]
        year = data["programYear"]
        figures = (year["year"], year["startsOn"], year["firstDay"], year["lastDay"])
        return figures, data["commissionPolicy"]["accumulatesPerProgramYear"]

    assert await shown(SLUG) == ((2025, "04-01", "2025-04-01", "2026-03-31"), True)
    assert await shown("contentsquare") == ((2026, "01-01", "2026-01-01", "2026-12-31"), False)


async def test_brackets_accumulate_across_31_december_and_reset_on_1_april(
    api: Api, store: BlobStore
) -> None:
    """CS-REF-15 read per program year (`accumulation = "program_year_cumulative"`, from
    1 April): 80,000 CHF signed on 3 November 2025 earns 5% (4,000); 80,000 signed on
    15 January 2026 is in the same program year 2025, so it continues at 80,000 cumulative:
    20,000 at 5% and 60,000 at 8% (5,800), where a calendar year would have restarted at 5%;
    80,000 signed on 2 April 2026 starts program year 2026 at 5% again (4,000), where a
    calendar year would have gone on at 8%. The yearly statement of 2025 covers 1 April 2025 to
    31 March 2026 and lists the first two."""
    partner, key, alpine = await _distributor(api, store, "Jungfrau", date(2025, 1, 6))
    days = [date(2025, 11, 3), date(2026, 1, 15), date(2026, 4, 2)]
    keys = [await _signed(api, partner, alpine, f"Client {i}", d) for i, d in enumerate(days)]
    entries = {
        e["qualifiedAgreementId"]: e for e in (await ledger(api, partner, alpine))["entries"]
    }
    got = [(entries[k]["year"], entries[k]["amount"]["amount"]) for k in keys]
    assert got == [(2025, "4000.00"), (2025, "5800.00"), (2026, "4000.00")]
    january = entries[keys[1]]["lines"]
    assert [(x["base"]["amount"], x["rate"]) for x in january] == [
        ("20000.00", "0.05"),
        ("60000.00", "0.08"),
    ]
    statement = await api.gql(
        STATEMENT, {"input": {"programId": alpine["id"], "year": 2025}}, key=key
    )
    document = statement["generateCommissionStatement"]["document"]
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    text = docx_text(response.content)
    assert "Period: 1. April 2025 to 31. März 2026" in text  # the statement of program year 2025
    assert "Client 0" in text and "Client 1" in text and "Client 2" not in text


async def test_the_annual_tier_window_is_the_prior_program_year(api: Api, store: BlobStore) -> None:
    """SEG-TIER-05 read per program year (`annual_window = "prior_program_year"`): 60,000 CHF
    of influenced revenue closed on 15 February 2026 counts on 1 April 2026 (window 1 April
    2025 to 31 March 2026: Gold, threshold 50,000), not on 31 March 2026 (window 1 April 2024
    to 31 March 2025). The calendar reading would count it only from 1 January 2027. The
    rollover of program year 2026 evaluates on its first day, 1 April 2026, and proposes Gold."""
    partner, _key, alpine = await _distributor(api, store, "Eiger", date(2024, 1, 8))
    await gql_ok(
        api,
        EVIDENCE,
        {
            "input": {
                "programId": alpine["id"],
                "partnerId": partner["id"],
                "kind": "influenced_revenue",
                "reference": "D-1",
                "customer": "Big AG",
                "amount": "60000",
                "occurredOn": "2026-02-15",
            }
        },
    )

    async def evaluated(day: str) -> tuple[str, str, Decimal, str]:
        data = await api.gql(EVALUATE, {"p": partner["id"], "g": alpine["id"], "d": day})
        result = data["tierEvaluation"]
        gold = next(t for t in result["tiers"] if t["tier"]["key"] == "gold")
        actual = next(r["actual"] for r in gold["requirements"] if r["key"] == "influenced_revenue")
        window = (result["windowStart"], result["windowEnd"])
        return (*window, Decimal(str(actual)), result["qualifiedTierKey"])

    assert await evaluated("2026-04-01") == ("2025-04-01", "2026-03-31", 60000, "gold")
    assert await evaluated("2026-03-31") == ("2024-04-01", "2025-03-31", 0, "registered")
    async with api.sessionmaker() as session:  # SEG-TIER-06: the rollover of program year 2026
        row = await session.scalar(select(Program).where(Program.slug == SLUG))
        assert row is not None
        proposals = await rollover(session, SYSTEM, row, 2026, apply=False)
    assert [(p.current, p.proposed) for p in proposals] == [("registered", "gold")]


async def test_mdf_budgets_run_per_program_year(api: Api, store: BlobStore) -> None:
    """SEG-TIER-08 read per program year: activities starting on 1 May 2025 and 10 February
    2026 both count against the 50,000 CHF budget of program year 2025 (1 April 2025 to
    31 March 2026), so approving the second 30,000 is refused; one starting on 10 April 2026
    is program year 2026 and is approved (per calendar year it would share 2026's budget with
    the February one)."""
    _partner, key, alpine = await _distributor(api, store, "Moench", date(2025, 1, 6))

    async def requested(starts: str) -> dict[str, Any]:
        ends = (date.fromisoformat(starts) + timedelta(days=10)).isoformat()
        given = {"programId": alpine["id"], "activity": "Roadshow", "amount": "30000"}
        data = await api.gql(MDF, {"input": {**given, "startsOn": starts, "endsOn": ends}}, key=key)
        assert data["requestMdf"]["userErrors"] == [], data
        request: dict[str, Any] = data["requestMdf"]["request"]
        return request

    async def approve(request: dict[str, Any]) -> dict[str, Any]:
        data = await api.gql(ADVANCE, {"input": {"requestId": request["id"], "action": "APPROVE"}})
        payload: dict[str, Any] = data["advanceMdf"]
        return payload

    february, may, april = [
        await requested(day) for day in ("2026-02-10", "2025-05-01", "2026-04-10")
    ]
    assert [r["programYear"] for r in (february, may, april)] == [2025, 2025, 2026]
    assert (await approve(february))["userErrors"] == []
    refused = (await approve(may))["userErrors"]
    assert [e["code"] for e in refused] == ["BUDGET_EXCEEDED"]
    assert (
        "60,000.00 of the 2025 (2025-04-01 to 2026-03-31) budget of 50,000.00 CHF"
        in (refused[0]["message"])
    )
    assert (await approve(april))["userErrors"] == []


UNENGAGED = """query($g: ID!, $q: String!) { unengagedMemberships(program: $g, quarter: $q) {
  partner { displayName } } }"""
CURRENT = (
    """query($slug: String!) { program(slug: $slug) { today programYear { year firstDay } } }"""
)


async def test_review_periods_tile_the_program_year(api: Api, store: BlobStore) -> None:
    """SEG-TIER-07 read per program year and per the file's `review_every_months = 4` (Segment
    reviews quarters, Contentsquare yearly): the periods of the third program start in April,
    August and December, so the period holding today is named `<program year>-P<n>`. Evidence
    recorded now is engagement in that period and not in the year's first one; a quarter's
    name means nothing to four-month periods and is refused."""
    busy, _key, alpine = await _distributor(api, store, "Busy", date(2025, 1, 6))
    await _distributor(api, store, "Quiet", date(2025, 1, 6))
    await gql_ok(
        api,
        EVIDENCE,
        {
            "input": {
                "programId": alpine["id"],
                "partnerId": busy["id"],
                "kind": "success_story",
                "title": "Joint launch",
                "url": "https://alpine.example/story",
            }
        },
    )
    shown = (await api.gql(CURRENT, {"slug": SLUG}))["program"]
    today = date.fromisoformat(shown["today"])
    first = date.fromisoformat(shown["programYear"]["firstDay"])
    period = ((today.year - first.year) * 12 + today.month - first.month) // 4 + 1
    year = shown["programYear"]["year"]
    other = 1 if period != 1 else 2

    async def unengaged(name: str) -> set[str]:
        data = await api.gql(UNENGAGED, {"g": alpine["id"], "q": name})
        return {m["partner"]["displayName"] for m in data["unengagedMemberships"]}

    assert await unengaged(f"{year}-P{period}") == {"Quiet"}
    assert await unengaged(f"{year}-P{other}") == {"Quiet", "Busy"}
    refused = await api.post(UNENGAGED, {"g": alpine["id"], "q": f"{year}-Q1"})
    assert "4-month review period looks like 2026-P1 .. 2026-P3" in refused.text


MEMBERSHIPS = """query($id: ID!) { node(id: $id) { ... on Partner { memberships { id } } } }"""
DIRECTION = """query($p: ID!, $g: ID!, $d: Date) { tierEvaluation(partner: $p, program: $g,
  asOf: $d, mode: ANNUAL) { qualifiedTierKey direction windowStart windowEnd } }"""


async def test_a_distributor_keeps_a_level_it_no_longer_meets(api: Api, store: BlobStore) -> None:
    """CS-AGR-03 switch set otherwise than both seeds (`requires_current_tier_requirements =
    false`): made Gold by an admin on 1 May 2025 with no influenced revenue, the partner is
    evaluated on 31 March 2026 (window 1 April 2024 to 31 March 2025, nothing closed) and keeps
    Gold (direction same), where Segment and Contentsquare would propose Registered (down)."""
    partner, _key, alpine = await _distributor(api, store, "Matterhorn", date(2024, 1, 8))
    memberships = await api.gql(MEMBERSHIPS, {"id": partner["id"]})
    membership = memberships["node"]["memberships"][0]["id"]
    tiers = (await api.gql(PROGRAM_TIERS, {"slug": SLUG}))["program"]["tiers"]
    gold = next(t["id"] for t in tiers if t["key"] == "gold")
    change = {
        "membershipId": membership,
        "tierId": gold,
        "reason": "Strategic distributor",
        "effectiveOn": "2025-05-01",
    }
    changed = await api.gql(CHANGE_TIER, {"input": change})
    assert changed["changeTier"]["userErrors"] == []
    data = await api.gql(DIRECTION, {"p": partner["id"], "g": alpine["id"], "d": "2026-03-31"})
    result = data["tierEvaluation"]
    assert (result["windowStart"], result["windowEnd"]) == ("2024-04-01", "2025-03-31")
    assert (result["qualifiedTierKey"], result["direction"]) == ("gold", "same")


PROGRAM_DAY = """query($slug: String!, $d: Date!) { program(slug: $slug) {
  today businessCalendar { isBusinessDay(date: $d) } } }"""


async def test_the_third_programs_today_differs_from_both_seeds_at_one_instant(
    api: Api, store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 13:00 UTC on Sunday 14 June 2026 it is already Monday 15 June in Auckland: the third
    program's today is the 15th, a business day, while Contentsquare (Paris, 15:00) and Segment
    (Los Angeles, 06:00) are on Sunday the 14th, not a business day. A referral submitted to the
    third program at that instant is dated the 15th and its 5-business-day decision window runs
    to Monday 22 June (dated the 14th it would have ended on Friday 19 June); one submitted to
    Contentsquare is dated the 14th, its 7 business days ending on Tuesday 23 June (CS-REF-02,
    CS-AGR-10)."""
    partner, _key, alpine = await _distributor(api, store, "Pilatus", date(2025, 1, 6))
    instant = datetime(2026, 6, 14, 13, 0, tzinfo=UTC)
    monkeypatch.setattr(fact_dates, "utcnow", lambda: instant)
    monkeypatch.setattr(submission, "utcnow", lambda: instant)

    async def day_of(slug: str) -> tuple[str, bool]:
        today = (await api.gql(PROGRAM_DAY, {"slug": slug, "d": "2026-06-14"}))["program"]["today"]
        data = await api.gql(PROGRAM_DAY, {"slug": slug, "d": today})
        return today, data["program"]["businessCalendar"]["isBusinessDay"]

    assert await day_of(SLUG) == ("2026-06-15", True)
    assert await day_of("contentsquare") == ("2026-06-14", False)
    assert await day_of("segment-technology") == ("2026-06-14", False)

    given = form("Titlis Bahnen AG", opportunityKind="new_customer")
    submitted = await gql_ok(
        api, SUBMIT, {"input": {"programId": alpine["id"], "partnerId": partner["id"], **given}}
    )
    referral = submitted["referral"]
    assert (referral["submittedOn"], referral["decisionDeadline"]) == ("2026-06-15", "2026-06-22")

    referrer_partner, _, contentsquare = await referrer(api, "Pariser", since=date(2025, 1, 6))
    paris = await gql_ok(
        api,
        SUBMIT,
        {
            "input": {
                "programId": contentsquare["id"],
                "partnerId": referrer_partner["id"],
                **form("Titlis Bahnen AG"),
            }
        },
    )
    assert (paris["referral"]["submittedOn"], paris["referral"]["decisionDeadline"]) == (
        "2026-06-14",
        "2026-06-23",
    )
