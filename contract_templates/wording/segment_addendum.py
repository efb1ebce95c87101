"""Segment Referral Addendum, in our own words (SEG-TIER-10/11, SEG-AGR-06; program data).

The addendum itself is not among the seeds: its figures (rate, windows, payment) are the
program file's documented defaults, and every clause names them.
"""

from __future__ import annotations

from contract_templates.wording.blocks import PARTIES, SIGNATURES, Block, notices_clause

SEGMENT_ADDENDUM: list[Block] = [
    ("title", "{{ agreement.name }}"),
    (
        "center",
        "Template version {{ template.version }} · Effective Date: {{ agreement.effective_date }}",
    ),
    *PARTIES,
    ("sub", "Background"),
    (
        "li",
        "(A)",
        "The parties are bound by the {{ terms.membership_name }} (the “Program "
        "Agreement”), under which no fees are payable except under a referral addendum.",
    ),
    (
        "li",
        "(B)",
        "The Partner wishes to refer potential customers to "
        "{{ operator.short_name }} and to earn a referral fee for those that buy, and accepts "
        "this addendum online. It takes effect on the day of that acceptance in the Program's "
        "time zone (the “Effective Date”).",
    ),
    ("h", "relationship", "Relationship to the Program Agreement"),
    (
        "c",
        "rel-part",
        "",
        "This addendum supplements the Program Agreement and forms part of "
        "it. Words defined in the Program Agreement have the same meaning here. If the two "
        "conflict on referral fees, this addendum prevails.",
    ),
    ("h", "definitions", "Definitions"),
    (
        "def",
        "Referral",
        "means a potential customer the Partner submits to "
        "{{ operator.short_name }} through the partner portal with the details the portal asks "
        "for.",
    ),
    ("def", "Qualifying Opportunity", "means {{ terms.qualifying_text }}."),
    (
        "def",
        "Customer Contract",
        "means a contract for the Service that "
        "{{ operator.short_name }} signs with a referred customer in a Qualifying Opportunity "
        "within {{ terms.close_within }} after the Referral was submitted.",
    ),
    (
        "def",
        "Net Revenue",
        "means the recurring subscription fees "
        "{{ operator.short_name }} actually receives under a Customer Contract for the first "
        "{{ terms.commissionable_months }} after its signature, after deducting "
        "{{ terms.deductions_text }}, and excluding fees for {{ terms.exclusions_text }}.",
    ),
    ("def", "Referral Fee", "means the fee set in clause <<fee>>."),
    ("h", "referrals", "Referrals"),
    (
        "c",
        "ref-submit",
        "",
        "The Partner submits each Referral through the partner portal. "
        "{{ operator.short_name }} decides in its sole discretion whether to pursue a Referral "
        "and on what terms to contract with a customer, and is never obliged to do so.",
    ),
    (
        "c",
        "ref-agent",
        "",
        "The Partner does not act as {{ operator.short_name }}'s agent, "
        "make commitments on its behalf or negotiate for it.",
    ),
    ("h", "fee", "Referral fee"),
    (
        "c",
        "fee-rate",
        "Amount",
        "For each Customer Contract, {{ operator.short_name }} pays "
        "the Partner a Referral Fee of {{ terms.fee_rate }} of Net Revenue, in "
        "{{ terms.fee_currency }}. No other fee, commission or expense is payable for a "
        "Referral.",
    ),
    (
        "c",
        "fee-eligibility",
        "Eligibility",
        "A Referral Fee is earned only while this "
        "addendum is in effect on the day the Referral is submitted, and only for Customer "
        "Contracts signed within {{ terms.close_within }} of that day.",
    ),
    ("h", "payment", "Payment"),
    (
        "c",
        "pay-when",
        "",
        "Each Referral Fee is paid within {{ terms.payment_due }} after "
        "{{ operator.short_name }} has received in full the customer's payment it is computed "
        "on.",
    ),
    (
        "c",
        "pay-tax",
        "",
        "{{ terms.tax_documentation_text }} The Partner bears its own "
        "taxes; {{ operator.short_name }} withholds any tax the law requires it to withhold, "
        "at the rate the Partner's tax documentation supports or otherwise the legal rate.",
    ),
    (
        "c",
        "pay-setoff",
        "",
        "{{ operator.short_name }} may set off against a Referral Fee any "
        "amount the Partner owes it, and states the reason on the statement.",
    ),
    ("h", "term", "Term and termination"),
    (
        "c",
        "term-length",
        "",
        "This addendum runs from the Effective Date while the Program "
        "Agreement is in effect, and ends automatically when the Program Agreement ends.",
    ),
    (
        "c",
        "term-convenience",
        "",
        "Either party may end this addendum for any reason by "
        "written notice; it ends {{ terms.convenience_notice }} after the notice is given.",
    ),
    (
        "c",
        "term-breach",
        "",
        "If a party materially breaches this addendum and does not cure "
        "the breach within {{ terms.cure_period }} after written notice of it, the other party "
        "may end this addendum.",
    ),
    (
        "c",
        "term-effect",
        "",
        "Referral Fees on Customer Contracts signed before this "
        "addendum ends remain payable under clause <<payment>>.",
    ),
    ("h", "liability", "Liability"),
    (
        "c",
        "liability-cap",
        "",
        "The limits of liability of the Program Agreement apply to "
        "this addendum: each party's total liability is limited to the greater of "
        "{{ terms.liability_floor }} and {{ terms.liability_basis }}, except for the claims the "
        "Program Agreement excludes from that limit.",
    ),
    ("h", "general", "General"),
    (
        "c",
        "law",
        "Governing law and courts",
        "The laws of {{ terms.governing_law }} govern "
        "this addendum, and actions about it are brought only in {{ terms.venue }}.",
    ),
    notices_clause("notices"),
    (
        "c",
        "versions",
        "New versions",
        "A new version of this addendum applies to the Partner only once the Partner accepts it.",
    ),
    *SIGNATURES,
]
