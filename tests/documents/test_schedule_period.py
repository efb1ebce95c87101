"""The referrer schedule says the year its program accumulates over and its carry-over (issue 12).

Contentsquare's schedule accumulates per calendar year with the CS-REF-16 carry-over; the
made-up third program (`tests/programs/data/alpine/`) reuses the same shipped template with a
program year from 1 April (`program_year.starts_on = "04-01"`, `program_year_cumulative`), no
carry-over (`rate_carry_over = "none"`), 24 commissionable months, no tax documentation and no
liability cap. Template version 3 takes each of these from program data; version 2 wrote
Contentsquare's into its text (CS-REF-15, CS-REF-16).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from models.documents.blobs import BlobStore
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from services.documents.templates import MANIFEST
from services.programs.loader import load_program_files
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, APPLY, DECIDE, SIGNER, docx_text
from tests.helpers.api import create_partner, enroll, program
from tests.helpers.documents import agreement_document
from tests.helpers.ledger import gql_ok

ALPINE = Path(__file__).parents[1] / "programs" / "data" / "alpine" / "alpine-distributors.toml"
SCHEDULE = "contentsquare-referrer-schedule"
MEMBERSHIP = "contentsquare-membership-agreement"
CS_BUSINESS_DAY = (
    "“Business Day” means a day other than a Saturday, a Sunday, 25 December, 26 December, "
    "1 January or a public or bank holiday in France."
)

CALENDAR = [
    "Net Commissionable Revenue referred in the calendar year",
    "referred in a calendar year (from 1 January to 31 December), amounts in USD",
    "of Net Commissionable Revenue in a calendar year earns 10% of US$300,000.00 plus 15% of "
    "US$150,000.00, that is US$52,500.00.",
    "Rate carry-over: the highest rate the Partner's revenue reaches in a calendar year applies "
    "for the rest of that calendar year and, as a minimum rate on every slice, throughout the "
    "next one.",
    "rates start again from the first bracket on 1 January.",
    "the Partner has provided the tax documentation Contentsquare needs to pay it;",
    "revenue of the first 12 months after a Qualified Agreement is signed",
    "(the greater of US$100,000.00 and the amounts the Partner paid to Contentsquare",
]
PROGRAM_YEAR = [
    "Net Commissionable Revenue referred in the program year",
    # de_CH, the file's locale, writes the days of the year in German
    "referred in a program year (from 1. April to 31. März of the following calendar year), "
    "amounts in CHF",
    "of Net Commissionable Revenue in a program year earns 5% of CHF 100'000.00 plus 8% of "
    "CHF 50'000.00, that is CHF 9'000.00.",
    "Each program year starts again from the first bracket on 1. April: no rate reached in one "
    "program year carries over to the next.",
    "revenue of the first 24 months after a Qualified Agreement is signed",
    "only these kinds of opportunity qualify: new customer and cross sell.",
    "Alpine has received all fees due from the client; and the Referred Client",
]


CS_SERVICE = [
    "businesses it has qualified as interested in the CS Service (“Potential Clients”)",
    "signs an agreement for the CS Service with an Approved Potential Client",
]
ALPINE_SERVICE = [
    "businesses it has qualified as interested in the Alpine Platform (“Potential Clients”)",
    "signs an agreement for the Alpine Platform with an Approved Potential Client",
]


def assert_names_service(text: str, expected: list[str], other: str) -> None:
    """The schedule names the program's own service (`operator.service_name`), never `other`."""
    text = flat(text)
    for sentence in expected:
        assert sentence in text, sentence
    assert other not in text


def template_text(template_id: str, version: int) -> list[str]:
    document = docx.Document(MANIFEST.parent / "files" / f"{template_id}.v{version}.docx")
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs] + cells


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_calendar_year(text: str) -> None:
    """Contentsquare: calendar year, 1 January, the carry-over clause (CS-REF-15/16)."""
    text = flat(text)
    for expected in CALENDAR:
        assert expected in text, expected
    assert "program year" not in text and "carries over to the next" not in text


def assert_program_year(text: str) -> None:
    """Alpine: its program year from 1 April, no carry-over, no year of Contentsquare's."""
    text = flat(text)
    for expected in PROGRAM_YEAR:
        assert expected in text, expected
    for absent in (
        "in a calendar year",
        "in the calendar year",
        "1 January",
        "carry-over:",
        "bracket on 1. Januar",
    ):
        assert absent not in text, absent
    assert "tax documentation" not in text  # tax_documentation_required = false
    assert "the greater of" not in text  # no liability cap in the file
    assert "first-year" not in text and "upsells" not in text


def test_schedule_text_follows_each_programs_year_and_carry_over() -> None:
    """Rendered from the newest shipped version without a database: each program's own period
    and carry-over (issue 12, CS-REF-15, CS-REF-16)."""
    contentsquare, context = agreement_document("contentsquare", SCHEDULE)
    assert context["template"]["version"] >= 3
    assert_calendar_year(docx_text(contentsquare))
    alpine, _ = agreement_document("alpine-distributors", "alpine-distributor-schedule", SCHEDULE)
    assert_program_year(docx_text(alpine))


def test_shipped_version_two_still_says_calendar_year() -> None:
    """Published versions never change: version 2 (documents already issued) keeps its text."""
    document = docx.Document(MANIFEST.parent / "files" / f"{SCHEDULE}.v2.docx")
    text = flat("\n".join(p.text for p in document.paragraphs))
    assert "in a calendar year, amounts in" in text
    assert "falls back on 1 January" in text


def test_business_day_follows_the_programs_calendar() -> None:
    """The membership agreement (version 3) defines a Business Day from `[calendar]`: the same
    words as version 2 for Contentsquare (FR, 25 and 26 December, 1 January; CS-AGR-10), and
    the Zürich holidays and extra 31 December for a program reusing the template (issue 12)."""
    contentsquare, context = agreement_document("contentsquare", MEMBERSHIP)
    assert context["template"]["version"] >= 3
    assert CS_BUSINESS_DAY in flat(docx_text(contentsquare))
    version_two = docx.Document(MANIFEST.parent / "files" / f"{MEMBERSHIP}.v2.docx")
    assert CS_BUSINESS_DAY in flat("\n".join(p.text for p in version_two.paragraphs))
    alpine, _ = agreement_document("alpine-distributors", "alpine-membership", MEMBERSHIP)
    text = flat(docx_text(alpine))
    assert (
        "“Business Day” means a day other than a Saturday, a Sunday, 31. Dezember or a public "
        "or bank holiday in Zürich, Switzerland." in text
    )
    assert "holiday in France" not in text and "25 December" not in text


@pytest.mark.parametrize("template_id", [SCHEDULE, MEMBERSHIP])
def test_version_four_reads_as_version_three_for_contentsquare(template_id: str) -> None:
    """Version 4 prints `operator.service_name` where version 3 wrote "CS Service" and nothing
    else changes: with Contentsquare's "CS Service" its documents read word for word as before
    (issue 12)."""
    three, four = template_text(template_id, 3), template_text(template_id, 4)
    assert any("operator.service_name" in line for line in four)
    named = [
        line.replace("{{ operator.service_name | upper }}", "CS SERVICE").replace(
            "{{ operator.service_name }}", "CS Service"
        )
        for line in four
    ]
    assert named == three


def test_reused_templates_name_the_programs_own_service() -> None:
    """The third program reuses Contentsquare's schedule and membership templates: both name
    its `service_name` ("Alpine Platform"), never Contentsquare's "CS Service" (issue 12)."""
    for kind, template_id in (
        ("alpine-distributor-schedule", SCHEDULE),
        ("alpine-membership", MEMBERSHIP),
    ):
        alpine, context = agreement_document("alpine-distributors", kind, template_id)
        assert context["template"]["version"] >= 4
        text = flat(docx_text(alpine))
        assert "Alpine Platform" in text, kind
        assert "CS Service" not in text and "CS SERVICE" not in text, kind
    membership, _ = agreement_document("alpine-distributors", "alpine-membership", MEMBERSHIP)
    assert "THE PARTNER PROGRAM, THE ALPINE PLATFORM OR THE DOCUMENTATION" in docx_text(membership)
    contentsquare, _ = agreement_document("contentsquare", SCHEDULE)
    assert_names_service(docx_text(contentsquare), CS_SERVICE, "Alpine Platform")


async def _document_text(api: Api, key: str, agreement: dict[str, object]) -> str:
    documents = agreement["documents"]
    assert isinstance(documents, list) and documents, agreement
    response = await api.client.get(
        f"/documents/{documents[-1]['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    return docx_text(response.content)


@pytest.mark.anyio
async def test_issued_schedules_state_their_programs_year(api: Api, store: BlobStore) -> None:
    """Through GraphQL on each database: a Contentsquare referrer's schedule (applied for and
    approved) says calendar year and carry-over; an alpine distributor's (click-accepted, the
    shipped template published for its kind by `programs load`) says its program year from
    1 April and that nothing carries over (issue 12); each names its own service: "CS Service"
    for Contentsquare, the file's "Alpine Platform" for alpine (`operator.service_name`)."""
    partner = await create_partner(
        api, legalName="Lumen Referrals SAS", country="FR", capacities=["REFERRER"]
    )
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    contentsquare = await program(api, "contentsquare")
    for kind in ("contentsquare-membership-agreement", SCHEDULE):
        applied = await api.gql(
            APPLY,
            {"input": {"programId": contentsquare["id"], "kind": kind, "signer": SIGNER}},
            key,
        )
        agreement = applied["applyToProgram"]["agreement"]
        assert agreement is not None, applied
        decided = await gql_ok(
            api, DECIDE, {"input": {"agreementId": agreement["id"], "decision": "APPROVE"}}
        )
        if kind == MEMBERSHIP:
            text = flat(await _document_text(api, key, decided["agreement"]))
            assert CS_BUSINESS_DAY in text
    schedule = decided["agreement"]
    assert schedule["acceptances"][0]["templateVersion"] >= 3
    text = await _document_text(api, key, schedule)
    assert_calendar_year(text)
    assert_names_service(text, CS_SERVICE, "Alpine")

    await load_program_files(api.sessionmaker, [ALPINE], store)
    distributor = await create_partner(
        api, legalName="Matterhorn Vertrieb GmbH", country="CH", capacities=["distributor"]
    )
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(distributor["id"])[1])
    alpine = await program(api, "alpine-distributors")
    enrolled = await enroll(api, distributor["id"], alpine["id"])
    assert enrolled["userErrors"] == [], enrolled
    for kind in ("alpine-membership", "alpine-distributor-schedule"):
        given = {"programId": alpine["id"], "kind": kind, "signer": SIGNER}
        accepted = await api.gql(ACCEPT, {"input": given}, key=key)
        assert accepted["acceptAgreement"]["userErrors"] == [], accepted
    schedule = accepted["acceptAgreement"]["agreement"]
    assert schedule["acceptances"][0]["templateId"] == (
        "alpine-distributors-alpine-distributor-schedule"
    )
    text = await _document_text(api, key, schedule)
    assert_program_year(text)
    assert_names_service(text, ALPINE_SERVICE, "CS Service")
