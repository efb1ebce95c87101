"""Done when (issue 12): a made-up third program added by files alone and run through GraphQL.

`tests/programs/data/alpine/` holds a program file and the DOCX template it names, nothing else:
no manifest entry, no code. The program differs from both seeds in currency (CHF), time zone
(Pacific/Auckland), holidays (Zürich), brackets (5% / 8% / 12%), carry-over (none), tax kinds
(`mwst`), capacities (`distributor`), templates (its own DOCX; a shipped template under its own
kind) and tax documentation (not required, unlike CS-REF-08 / SEG-AGR-06). Its program year
(from 1 April) and time zone are exercised in `test_third_program_year.py`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from models import Program
from models.documents.blobs import BlobStore
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from services.documents import templates
from services.programs.loader import ProgramLoadError, load_program_files
from services.programs.typed import spec_of
from services.referrals.policy import calendar_of
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER, docx_text
from tests.helpers.api import create_partner, enroll, program, program_today_of
from tests.helpers.ledger import PAYMENT, QUALIFY, gql_ok
from tests.helpers.referrals import DECIDE_REFERRAL, MEETING, REVENUE, submit

pytestmark = pytest.mark.anyio
ALPINE = Path(__file__).parent / "data" / "alpine" / "alpine-distributors.toml"
STATE = """query($id: ID!) { node(id: $id) { ... on QualifiedAgreement {
  commission { amount { amount currency } ncr { amount currency } status blockedReason
    lines { base { amount } rate amount { amount } scheduleVersion } } } } }"""


async def _accept(api: Api, key: str, program_id: str, kind: str) -> dict[str, object]:
    data = await api.gql(
        ACCEPT, {"input": {"programId": program_id, "kind": kind, "signer": SIGNER}}, key=key
    )
    payload = data["acceptAgreement"]
    assert payload["userErrors"] == [], payload
    agreement: dict[str, object] = payload["agreement"]
    return agreement


async def test_third_program_from_files_alone_end_to_end(api: Api, store: BlobStore) -> None:
    """Load the file (its DOCX is published with it), enrol a distributor, accept both
    agreements (documents render from the program's templates), submit and approve a referral,
    record a qualified agreement, revenue and payment, and read a CHF 8,200.00 commission:
    NCR 150,000 - 10,000 discount = 140,000 (the 10,780 `mwst` line never counts), 5% of the
    first 100,000 and 8% of the next 40,000; payable with no tax documentation on file."""
    results = await load_program_files(api.sessionmaker, [ALPINE], store)
    assert [(r.slug, r.action) for r in results] == [("alpine-distributors", "created")]
    again = await load_program_files(api.sessionmaker, [ALPINE], store)
    assert [r.action for r in again] == ["unchanged"]  # idempotent, no second template version

    partner = await create_partner(
        api, legalName="Matterhorn Vertrieb GmbH", country="CH", capacities=["Distributor"]
    )
    assert partner["capacities"] == ["distributor"]
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    alpine = await program(api, "alpine-distributors")
    enrolled = await enroll(api, partner["id"], alpine["id"])
    assert enrolled["userErrors"] == [], enrolled
    assert enrolled["membership"]["tier"]["name"] == "Registered"

    membership = await _accept(api, key, alpine["id"], "alpine-membership")
    acceptance = membership["acceptances"][0]  # type: ignore[index]
    assert acceptance["templateId"] == "alpine-distributors-alpine-membership"
    document = membership["documents"][0]  # type: ignore[index]
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == document["sha256"]
    text = docx_text(response.content)
    assert "Between Alpine Software AG and Matterhorn Vertrieb GmbH" in text
    assert "Alpine Distributor Membership Agreement" in text
    schedule = await _accept(api, key, alpine["id"], "alpine-distributor-schedule")
    shipped = schedule["acceptances"][0]  # type: ignore[index]
    assert shipped["templateId"] == "alpine-distributors-alpine-distributor-schedule"
    assert schedule["documents"][0]["sha256"]  # type: ignore[index]

    submitted = await submit(
        api, key, alpine["id"], "Edelweiss Uhren AG", opportunityKind="new_customer"
    )
    assert submitted["userErrors"] == [], submitted
    referral = submitted["referral"]["id"]
    await gql_ok(api, DECIDE_REFERRAL, {"input": {"referralId": referral, "decision": "APPROVE"}})
    await gql_ok(api, MEETING, {"input": {"referralId": referral}})
    today = await program_today_of(api, "alpine-distributors")
    qualified = await gql_ok(
        api,
        QUALIFY,
        {"input": {"referralId": referral, "signedOn": today.isoformat(), "products": ["Suite"]}},
    )
    qa = qualified["qualifiedAgreement"]["id"]
    lines = [("invoiced_fee", "150000"), ("discount", "10000"), ("mwst", "10780")]
    await gql_ok(
        api,
        REVENUE,
        {
            "input": {
                "qualifiedAgreementId": qa,
                "lines": [
                    {"kind": k, "amount": a, "occurredOn": today.isoformat()} for k, a in lines
                ],
            }
        },
    )
    await gql_ok(
        api,
        PAYMENT,
        {
            "input": {
                "qualifiedAgreementId": qa,
                "receivedOn": today.isoformat(),
                "amount": "150780",
            }
        },
    )
    data = await api.gql(STATE, {"id": qa})
    commission = data["node"]["commission"]
    assert commission["amount"] == {"amount": "8200.00", "currency": "CHF"}
    assert commission["ncr"] == {"amount": "140000.00", "currency": "CHF"}
    assert [
        (x["base"]["amount"], x["rate"], x["amount"]["amount"]) for x in commission["lines"]
    ] == [
        ("100000.00", "0.05", "5000.00"),
        ("40000.00", "0.08", "3200.00"),
    ]
    assert {x["scheduleVersion"] for x in commission["lines"]} == {"alpine-2026"}
    assert (commission["status"], commission["blockedReason"]) == ("PAYABLE", None)


async def test_a_template_the_file_names_must_exist(api: Api, tmp_path: Path) -> None:
    """A `template` that is neither a readable .docx nor a shipped template id is refused at
    load, naming the key; nothing is loaded."""
    text = ALPINE.read_text().replace('"alpine-membership.docx"', '"missing.docx"')
    text = text.replace('"contentsquare-referrer-schedule"', '"no-such-template"')
    path = tmp_path / "alpine.toml"
    path.write_text(text)
    with pytest.raises(ProgramLoadError) as raised:
        await load_program_files(api.sessionmaker, [path])
    message = str(raised.value)
    assert "agreements[0].template: missing.docx cannot be read" in message
    assert "agreements[1].template: 'no-such-template' is neither" in message


async def test_a_changed_docx_is_a_new_version_and_capacities_are_checked(
    api: Api, store: BlobStore, tmp_path: Path
) -> None:
    """Reloading after the DOCX changed publishes version 2 of the program's template; a
    schedule whose capacity the program does not list is refused at load (CS-AGR-02)."""
    folder = tmp_path / "alpine"
    folder.mkdir()
    path = folder / ALPINE.name
    path.write_text(ALPINE.read_text())
    docx_path = folder / "alpine-membership.docx"
    docx_path.write_bytes((ALPINE.parent / "alpine-membership.docx").read_bytes())
    await load_program_files(api.sessionmaker, [path], store)
    template = "alpine-distributors-alpine-membership"
    async with api.sessionmaker() as session:
        assert (await templates.latest_version(session, template)).version == 1  # type: ignore[union-attr]
    document = docx.Document(str(docx_path))
    document.add_paragraph("Version two: {{ program.name }}.")
    document.save(str(docx_path))
    await load_program_files(api.sessionmaker, [path], store)
    async with api.sessionmaker() as session:
        latest = await templates.latest_version(session, template)
    assert latest is not None and latest.version == 2 and latest.program_slug == path.stem
    path.write_text(ALPINE.read_text().replace('capacity = "distributor"', 'capacity = "broker"'))
    with pytest.raises(ProgramLoadError) as raised:
        await load_program_files(api.sessionmaker, [path], store)
    assert "agreements[1].capacity is not in membership.capacities" in str(raised.value)


async def test_the_third_program_keeps_its_own_calendar(api: Api, store: BlobStore) -> None:
    """Business days follow the file's Zürich calendar and its extra 31 December, not the
    seeds': 14 July (a French holiday, CS-AGR-10) is a business day here, 1 August (Swiss
    national day) and Easter Monday are not; 23 December 2026 plus 3 business days is the 29th."""
    await load_program_files(api.sessionmaker, [ALPINE], store)
    async with api.sessionmaker() as session:
        rows = {p.slug: p for p in await session.scalars(select(Program))}
    alpine = calendar_of(spec_of(rows["alpine-distributors"]))
    paris = calendar_of(spec_of(rows["contentsquare"]))
    assert alpine.is_business_day(date(2026, 7, 14)) and not paris.is_business_day(
        date(2026, 7, 14)
    )
    assert not alpine.is_business_day(date(2025, 8, 1))  # a Friday, Swiss national day
    assert not alpine.is_business_day(date(2026, 4, 6))  # Easter Monday
    assert not alpine.is_business_day(date(2026, 12, 31))  # extra_holidays
    assert alpine.add_business_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
