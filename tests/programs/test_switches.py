"""Program switches are honoured: each test sets a switch differently from both seeds and
checks the behaviour follows the file, not code (issue 12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.programs.loader import load_program_files
from tests.conftest import Api
from tests.helpers.ledger import gql_ok, qualified_with_fee
from tests.helpers.referrals import contentsquare_today, referrer

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]

PAYMENT = """mutation($input: RecordClientPaymentInput!) {
  recordClientPayment(input: $input) { qualifiedAgreement { commission { status
  blockedReason } } userErrors { code message } } }"""
PAYOUT = """mutation($input: RecordPayoutInput!) { recordPayout(input: $input) {
  commission { status payout { gross { amount } withholding { amount } net { amount } } }
  userErrors { code message } } }"""


async def load_variant(api: Api, tmp_path: Path, slug: str, *edits: tuple[str, str]) -> None:
    """Reload a seed program with some of its lines changed (`programs load` of a new file)."""
    text = (ROOT / "programs" / f"{slug}.toml").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{slug}-variant.toml"
    path.write_text(text)
    results = await load_program_files(api.sessionmaker, [path])
    assert [r.action for r in results] == ["updated"]


async def test_tax_documentation_not_required_pays_without_documents(
    api: Api, tmp_path: Path
) -> None:
    """`tax_documentation_required = false` (both seeds: true, CS-REF-08 / SEG-AGR-06): a
    commission of 52,500 on a 450,000 fee (CS-REF-15) is paid with no tax documentation on
    file and nothing withheld."""
    await load_variant(
        api,
        tmp_path,
        "contentsquare",
        ("tax_documentation_required = true", "tax_documentation_required = false"),
    )
    partner, _key, cs = await referrer(api, "Taxless", since=date(2024, 1, 2))
    today = await contentsquare_today(api)
    qa, commission = await qualified_with_fee(api, partner, cs, "Nodoc", today, "450000")
    paid = await gql_ok(
        api,
        PAYMENT,
        {
            "input": {
                "qualifiedAgreementId": qa,
                "receivedOn": today.isoformat(),
                "amount": "450000",
            }
        },
    )
    state = paid["qualifiedAgreement"]["commission"]
    assert (state["status"], state["blockedReason"]) == ("PAYABLE", None)
    payout = await gql_ok(
        api, PAYOUT, {"input": {"commissionId": commission, "paidOn": today.isoformat()}}
    )
    money = payout["commission"]["payout"]
    assert money["gross"]["amount"] == "52500.00"
    assert money["withholding"]["amount"] == "0.00"
    assert money["net"]["amount"] == "52500.00"


FEE_POLICY = """query($slug: String!) { program(slug: $slug) { referralPolicy {
  decisionWindowBusinessDays conflictWindowMonths meetingDeadlineDays
  qualificationMonthsAfterTermination qualificationTailWhenTerminatedForCause } } }"""


async def test_a_referral_fee_program_gets_the_workflow_its_file_gives(
    api: Api, tmp_path: Path
) -> None:
    """A referral-fee program (SEG-TIER-11) whose file gives a 5-business-day decision
    window, a 6-month conflict window, a 14-day meeting deadline and a 3-month tail with the
    tail kept after termination for cause gets exactly those, not fixed ones."""
    await load_variant(
        api,
        tmp_path,
        "segment-technology",
        (
            "payment_due_days_after_receipt = 30\ntax_documentation_required = true",
            "payment_due_days_after_receipt = 30\ntax_documentation_required = true\n"
            "decision_window_business_days = 5\nconflict_window_months = 6\n"
            "meeting_deadline_days = 14\nqualification_months_after_termination = 3\n"
            "qualification_tail_when_terminated_for_cause = true",
        ),
    )
    data = await api.gql(FEE_POLICY, {"slug": "segment-technology"})
    assert data["program"]["referralPolicy"] == {
        "decisionWindowBusinessDays": 5,
        "conflictWindowMonths": 6,
        "meetingDeadlineDays": 14,
        "qualificationMonthsAfterTermination": 3,
        "qualificationTailWhenTerminatedForCause": True,
    }
