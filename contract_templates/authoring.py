"""Authoring aid: writes the shipped DOCX templates from the wording below.

Run `python -m contract_templates.authoring` after changing the wording, then bump the version
in manifest.toml (published versions are immutable). The wording is PartnerGraph's own summary
of each agreement's operative terms; it is not the source documents' text.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Pt

FILES = Path(__file__).parent / "files"

Block = tuple[str, str]

PARTIES: list[Block] = [
    ("h2", "1. The parties"),
    (
        "p",
        'This record is made between the operator of {{ program.name }} (the "Program") and '
        "{{ partner.legal_name }}, trading as {{ partner.display_name }}, established in "
        "{{ partner.country }}, whose address for formal notices is "
        '{{ partner.notice_address }} (the "Partner").',
    ),
]

SIGNATURE: list[Block] = [
    ("h2", "Acceptance record"),
    (
        "p",
        "Accepted for the Partner by {{ signer.name }}, {{ signer.title }} "
        "({{ signer.email }}), on {{ signer.accepted_at }} (UTC).",
    ),
    ("p", "Status of this agreement: {{ agreement.status_text }}."),
    (
        "p",
        "Template {{ template.id }}, version {{ template.version }}. "
        "Generated {{ document.generated_at }} (UTC) by PartnerGraph.",
    ),
]

TERM: list[Block] = [
    ("h2", "3. Duration"),
    ("p", "{%p if terms.initial_term_months %}"),
    (
        "p",
        "The first term lasts {{ terms.initial_term_months }} months from the Effective "
        "Date. It then renews by itself for further terms of "
        "{{ terms.renewal_term_months }} months each, unless one party tells the other in "
        "writing, at least {{ terms.non_renewal_notice_days }} clear days before the current "
        "term ends, that it will not renew.",
    ),
    ("p", "{%p else %}"),
    (
        "p",
        "This agreement has no fixed end date. It continues until one party ends it as "
        "described below.",
    ),
    ("p", "{%p endif %}"),
]

ENDING: list[Block] = [
    ("h2", "4. Ending the agreement"),
    (
        "p",
        "Either party may end this agreement for any reason by written notice; it ends "
        "{{ terms.convenience_days }} days after the notice is received.",
    ),
    (
        "p",
        "If a party seriously breaks this agreement and has not put the breach right within "
        "{{ terms.cure_days }} days after written notice of it, the other party may end the "
        "agreement when that period lapses.",
    ),
    ("p", "{%p if terms.immediate_causes %}"),
    (
        "p",
        "The agreement may also end at once, on notice, in these cases: "
        "{{ terms.immediate_causes | join('; ') }}.",
    ),
    ("p", "{%p endif %}"),
    ("p", "{%p if terms.confidentiality_days %}"),
    (
        "p",
        "After it ends, each party returns or destroys the other's confidential information "
        "within {{ terms.confidentiality_days }} days.",
    ),
    ("p", "{%p endif %}"),
    ("h2", "5. Liability"),
    (
        "p",
        "Each party's total liability under this agreement is limited to "
        "{{ terms.liability_cap_text }}.",
    ),
    ("h2", "6. Law and courts"),
    (
        "p",
        "The law of {{ program.governing_law }} governs this agreement, and the courts of "
        "{{ program.venue }} decide any dispute about it. Changes need a written amendment "
        "accepted by both parties; a new version of these terms needs a new acceptance.",
    ),
]

SEGMENT_AGREEMENT: list[Block] = [
    ("title", "{{ agreement.name }}"),
    ("p", "Record of the Partner's acceptance of the program terms."),
    *PARTIES,
    ("h2", "2. What the Partner receives"),
    (
        "p",
        "The Partner joins the Program's technology partner track at the tier the Program "
        "assigns, is told of its tier and of every change to it, and may use the partner "
        "portal, training, listing and, at the tiers that carry them, the badge and other "
        "benefits. The Program may cap non-production use of its services and grants "
        "developer access at its discretion. Money is paid only under a separate referral "
        "addendum.",
    ),
    (
        "p",
        "Effective Date: {{ agreement.effective_date }}, the day the Partner accepted these "
        "terms online.",
    ),
    *TERM,
    *ENDING,
    (
        "p",
        "When the agreement ends, every licence under it ends too and the Partner stops "
        "presenting itself as a member: badge, listing and program marks are withdrawn.",
    ),
    *SIGNATURE,
]

SEGMENT_ADDENDUM: list[Block] = [
    ("title", "{{ agreement.name }}"),
    (
        "p",
        "Record of the Partner's acceptance of the referral addendum, which supplements the "
        "program agreement between the same parties.",
    ),
    *PARTIES,
    ("h2", "2. Referral fees"),
    (
        "p",
        "The Program pays the Partner a referral fee for each qualified referral: a new "
        "customer account, or an existing customer buying a product it did not have, that "
        "closes within the period the Program sets. Without this addendum the Partner earns "
        "no fees, whatever its tier.",
    ),
    ("p", "Effective Date: {{ agreement.effective_date }}."),
    *TERM,
    *ENDING,
    *SIGNATURE,
]

CS_MEMBERSHIP: list[Block] = [
    ("title", "{{ agreement.name }}"),
    (
        "p",
        "Record of the Partner's application to the partner program and of the Program's "
        "decision on it.",
    ),
    *PARTIES,
    ("h2", "2. Application and start"),
    (
        "p",
        "The Partner applied online on {{ agreement.applied_date }}. The agreement takes "
        "effect only when the Program accepts the application in writing; that day is the "
        "Effective Date. The Program may refuse an application.",
    ),
    ("p", "{%p if agreement.effective_date %}"),
    (
        "p",
        "The Program accepted the application on {{ agreement.decision_date }}. "
        "Effective Date: {{ agreement.effective_date }}.",
    ),
    ("p", "{%p else %}"),
    ("p", "No decision has been made yet: the agreement is not in effect."),
    ("p", "{%p endif %}"),
    (
        "p",
        "The Partner keeps its membership level while it meets that level's requirements, "
        "and may display the certification mark only while certified.",
    ),
    ("p", "{%p if terms.engagement_plan_days %}"),
    (
        "p",
        "When the Program asks for one, the Partner delivers an engagement plan within "
        "{{ terms.engagement_plan_days }} days of the Effective Date, reviewed every year.",
    ),
    ("p", "{%p endif %}"),
    *TERM,
    *ENDING,
    *SIGNATURE,
]

CS_REFERRER: list[Block] = [
    ("title", "{{ agreement.name }}"),
    (
        "p",
        "Record of the Partner's acceptance of the referrer schedule, which applies while the "
        "Partner acts as a referrer under its membership agreement.",
    ),
    *PARTIES,
    ("h2", "2. Referrals"),
    (
        "p",
        "The Partner proposes potential clients with a referral form. The Program approves "
        "or refuses each form; a form left undecided for "
        "{{ commission.decision_window_business_days }} business days counts as "
        "{{ commission.undecided_outcome_text }}. The first partner to refer a client earns the "
        "commission, subject to the exceptions in the schedule.",
    ),
    ("p", "Effective Date: {{ agreement.effective_date }}."),
    ("h2", "3. Commission rates"),
    (
        "p",
        "Schedule version {{ commission.version }}, in force from "
        "{{ commission.effective_from }}. Rates apply in slices to the net commissionable "
        "revenue the Partner has referred in the calendar year ({{ commission.currency }}):",
    ),
    ("table", "commission"),
    (
        "p",
        "Commission is paid within {{ commission.payment_due_days }} days after the Program "
        "receives the client's payment, against a tax receipt and less any withholding the "
        "law requires.",
    ),
    *ENDING,
    *SIGNATURE,
]

TERMINATION_NOTICE: list[Block] = [
    ("title", "Notice of termination"),
    ("p", "{{ agreement.name }}"),
    *PARTIES,
    ("h2", "2. Notice"),
    (
        "p",
        "{{ termination.given_by }} gives notice that the agreement ends. Reason: "
        "{{ termination.reason_text }}.{% if termination.cause %} Details: "
        "{{ termination.cause }}.{% endif %}",
    ),
    (
        "p",
        "The notice is treated as given on {{ termination.notice_date }}. The agreement ends "
        "on {{ termination.effective_date }}.",
    ),
    (
        "p",
        "Template {{ template.id }}, version {{ template.version }}. "
        "Generated {{ document.generated_at }} (UTC) by PartnerGraph.",
    ),
]

STATEMENT: list[Block] = [
    ("title", "Commission statement {{ statement.year }}"),
    (
        "p",
        "{{ program.name }} — statement for {{ partner.legal_name }} "
        "({{ partner.display_name }}), {{ partner.country }}.",
    ),
    (
        "p",
        "Every commission earned in {{ statement.year }} on referrals the Partner made, "
        "slice by slice, in {{ statement.currency }}. Net commissionable revenue counts the "
        "first months of each client agreement only, as the schedule provides.",
    ),
    ("table", "statement"),
    (
        "p",
        "Total net commissionable revenue: {{ statement.total_ncr }}. Total commission: "
        "{{ statement.total_commission }}, of which paid {{ statement.total_paid }} and "
        "payable {{ statement.total_payable }}.",
    ),
    ("p", "{%p for note in statement.notes %}"),
    ("p", "{{ note }}"),
    ("p", "{%p endfor %}"),
    (
        "p",
        "Template {{ template.id }}, version {{ template.version }}. "
        "Generated {{ document.generated_at }} (UTC) by PartnerGraph.",
    ),
]

TEMPLATES: dict[str, list[Block]] = {
    "segment-program-agreement": SEGMENT_AGREEMENT,
    "segment-referral-addendum": SEGMENT_ADDENDUM,
    "contentsquare-membership-agreement": CS_MEMBERSHIP,
    "contentsquare-referrer-schedule": CS_REFERRER,
    "termination-notice": TERMINATION_NOTICE,
    "commission-statement": STATEMENT,
}

TABLES = {
    "commission": (
        ("Revenue in the calendar year", "Rate"),
        "commission.brackets",
        ("row.range_text", "row.rate_text"),
    ),
    "statement": (
        ("Client", "Signed", "Slice of NCR", "Rate", "Commission", "Rule", "Status"),
        "statement.rows",
        (
            "row.client",
            "row.signed",
            "row.slice",
            "row.rate",
            "row.amount",
            "row.rule",
            "row.status",
        ),
    ),
}


def build(blocks: list[Block]) -> Any:
    """A python-docx document with Jinja tags in single runs, as docxtpl expects."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = "PartnerGraph contract document"
    doc.core_properties.author = "PartnerGraph"
    for kind, text in blocks:
        if kind == "title":
            doc.add_heading(text, level=0)
        elif kind == "h2":
            doc.add_heading(text, level=2)
        elif kind == "table":
            headers, items, cells = TABLES[text]
            table = doc.add_table(rows=3, cols=len(headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, headers, strict=True):
                cell.text = header
            table.rows[1].cells[0].text = f"{{%tr for row in {items} %}}"
            for cell, value in zip(table.rows[2].cells, cells, strict=True):
                cell.text = f"{{{{ {value} }}}}"
            end = table.add_row()
            end.cells[0].text = "{%tr endfor %}"
        else:
            doc.add_paragraph(text)
    return doc


def main() -> int:
    """Write every template to files/<id>.v<version>.docx as named in the arguments."""
    FILES.mkdir(exist_ok=True)
    version = sys.argv[1] if len(sys.argv) > 1 else "1"
    for template_id, blocks in TEMPLATES.items():
        path = FILES / f"{template_id}.v{version}.docx"
        if path.exists():
            print(f"kept     {path.name} (published versions are immutable)")
            continue
        build(blocks).save(str(path))
        print(f"wrote    {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
