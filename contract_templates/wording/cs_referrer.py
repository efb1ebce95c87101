"""Contentsquare Referrer Supplemental Terms Schedule, in our own words (seed 003; CS-REF-*).

Version 3 (issue 12): the year commissions accumulate over and its first day, the carry-over
clause (only when the schedule has one), the commissionable months, the tax documentation
condition, the liability cap (only when there is one) and the opportunity kinds come from
program data, so a program reusing this template (alpine: a program year from 1 April, no
carry-over) is described as its file says. Version 4 (issue 12): the service clients are referred
to is `operator.service_name` (Contentsquare: "CS Service"), not Contentsquare's written in."""

from __future__ import annotations

from contract_templates.wording.blocks import PARTIES, SIGNATURES, Block, Table, notices_clause

RATES = Table(
    headers=(
        "Net Commissionable Revenue referred in the {{ commission.period }}",
        "Commission rate",
    ),
    cells=("{{ row.range_text }}", "{{ row.rate_text }}"),
    loop="commission.brackets",
    widths=(11.0, 4.0),
    right=(1,),
    no_wrap=(1,),
)

CS_REFERRER: list[Block] = [
    ("title", "{{ agreement.name }}"),
    (
        "center",
        "Template version {{ template.version }} · Application: "
        "{{ agreement.applied_date }} · Effective Date: {{ agreement.effective_date_text }}",
    ),
    *PARTIES,
    ("sub", "Background"),
    (
        "li",
        "(A)",
        "This schedule forms part of the {{ terms.membership_name }} between the "
        "parties (the “Agreement”) and is governed by it. Capitalised words it does not define "
        "have the Agreement's meaning.",
    ),
    (
        "li",
        "(B)",
        "The Partner acts as a referrer and wishes to introduce to "
        "{{ operator.short_name }} businesses it has qualified as interested in the "
        "{{ operator.service_name }} "
        "(“Potential Clients”). This schedule takes effect on the day "
        "{{ operator.short_name }} accepts the Partner's application (the “Effective Date”).",
    ),
    ("h", "scope", "Scope"),
    (
        "c",
        "scope-grant",
        "",
        "{{ operator.short_name }} authorises the Partner, on a "
        "non-exclusive, non-assignable and non-transferable basis, to identify and refer "
        "Potential Clients for services {{ operator.short_name }} sells and provides. The "
        "parties remain independent contractors and this schedule creates a referral "
        "relationship only: neither party resells the other's products.",
    ),
    ("h", "process", "Referral process"),
    (
        "c",
        "raf",
        "Referral form",
        "The Partner notifies each Potential Client through the "
        "referral form of the Partner Portal (the “RAF”) with enough detail to identify it and "
        "pursue the opportunity: the organisation's name, a contact with budget authority or "
        "influence, the contact's details and a description of the opportunity (a “Referred "
        "Client”).",
    ),
    (
        "c",
        "decision",
        "Decision",
        "{{ operator.short_name }} approves or rejects each RAF in "
        "its sole discretion, through the Partner Portal or in writing. A RAF not decided within "
        "{{ terms.decision_window }} after submission is treated as {{ terms.undecided_text }}. "
        "An approved Referred Client is an “Approved Potential Client”.",
    ),
    (
        "c",
        "active",
        "Existing opportunities",
        "No commission is earned on a Potential Client "
        "already recorded as an active opportunity in {{ operator.short_name }}'s systems when "
        "the RAF is submitted.",
    ),
    (
        "c",
        "conflicts",
        "Several referrers",
        "When several partners refer the same Potential "
        "Client within {{ terms.conflict_window }}, the first to submit it earns the commission, "
        "unless its referral was closed in {{ operator.short_name }}'s systems because no sale "
        "could be made and the eventual sale results directly from a later referral made after "
        "that closure. Each party may tag its links with codes identifying the other as the "
        "source of a lead, without changing the other's websites, and neither alters the "
        "other's codes.",
    ),
    (
        "c",
        "eligibility",
        "Eligibility",
        "A commission is payable only if: the Partner earns "
        "no commission for the same order under another {{ operator.short_name }} program; the "
        "client did not buy through a third party such as a reseller; "
        "{{ operator.short_name }} has received all fees due from the client; "
        "{% if terms.tax_documentation_required %}the Partner has provided the tax "
        "documentation {{ operator.short_name }} needs to pay it; {% endif %}and the "
        "Referred Client was submitted on or after the Effective Date.",
    ),
    (
        "c",
        "meeting",
        "Live opportunities",
        "The Partner introduces {{ operator.short_name }} "
        "to the Approved Potential Client by e-mail, call or video meeting, and "
        "{{ operator.short_name }} then tries to arrange a meeting about the opportunity "
        "described in the RAF (the “Partner Opportunity”). A Partner Opportunity stops being "
        "live if no meeting is arranged within {{ terms.meeting_deadline }} of the RAF's "
        "submission, if {{ operator.short_name }} reasonably and in good faith finds it no longer "
        "viable for lack of interest or engagement of the client, or if it is marked “Omitted” "
        "in {{ operator.short_name }}'s systems.",
    ),
    (
        "c",
        "discretion",
        "Discretion",
        "{{ operator.short_name }} alone decides whether, how "
        "and on what terms to negotiate and contract with an Approved Potential Client, and "
        "remains free to work with other referrers and to deal directly with any potential "
        "client.",
    ),
    (
        "c",
        "no-agency",
        "No agency",
        "The Partner is not {{ operator.short_name }}'s agent, "
        "makes no statement or commitment for it, and says so in its first contacts with a "
        "potential client. When asked, the Partner makes personal introductions, attends "
        "meetings and advises {{ operator.short_name }} during the sale as reasonably needed.",
    ),
    (
        "c",
        "links",
        "Links and images",
        "Each party may display the images and links the "
        "other provides to identify the relationship, pointing only to the page the other "
        "designates, and updates them promptly when the other changes or withdraws them.",
    ),
    ("h", "consideration", "Commission"),
    (
        "c",
        "qualified",
        "Qualified Agreement",
        "When, as a direct result of the Partner's "
        "efforts, {{ operator.short_name }} signs an agreement for the "
        "{{ operator.service_name }} with an "
        "Approved Potential Client in a live Partner Opportunity before the earlier of "
        "{{ terms.qualification_after_submission }} after the RAF and "
        "{{ terms.qualification_after_end }} after this schedule or the Agreement ends (no such "
        "period runs after an ending for cause) (a “Qualified Agreement”), the Partner earns the "
        "commission set in the Appendix on the Net Commissionable Revenue of the first "
        "{{ terms.commissionable_months }} after its signature.",
    ),
    (
        "c",
        "ncr",
        "Net Commissionable Revenue",
        "means the recurring software fees "
        "{{ operator.short_name }} receives under a Qualified Agreement, after deducting "
        "{{ terms.deductions_text }}, and excluding consideration for {{ terms.exclusions_text }} "
        "and any other product {{ operator.short_name }} designates as not commissionable.",
    ),
    (
        "c",
        "payment",
        "Payment",
        "Commission is paid within {{ terms.payment_due }} after "
        "{{ operator.short_name }} has received the client's payment in its bank account, "
        "against a proper invoice or tax receipt, less any tax the law requires to be withheld.",
    ),
    (
        "c",
        "final",
        "No other amounts",
        "The commission is the Partner's only compensation "
        "unless agreed otherwise in writing; the Partner has no right to inspect "
        "{{ operator.short_name }}'s accounts or records.",
    ),
    (
        "c",
        "taxes",
        "Taxes",
        "The Partner bears all taxes on its commission. Where tax must be "
        "withheld at source, {{ operator.short_name }} withholds it at the rate shown in the "
        "certificate the Partner provides or, without one, at the legal rate.",
    ),
    (
        "c",
        "term",
        "Ending this schedule",
        "Either party may end this schedule on "
        "{{ terms.convenience_notice }} written notice, or for a material breach not cured "
        "within {{ terms.cure_period }} after notice of it, as for the Agreement; the "
        "Agreement's limits of liability{% if terms.liability_floor %} (the greater of "
        "{{ terms.liability_floor }} and {{ terms.liability_basis }}){% endif %} and its "
        "governing law ({{ terms.governing_law }}) and "
        "courts ({{ terms.venue }}) apply.",
    ),
    notices_clause("notices"),
    (
        "sub",
        "Appendix: commission rates (schedule version {{ commission.version }}, in force "
        "from {{ commission.effective_from }})",
    ),
    (
        "p",
        "Rates apply in slices to the Net Commissionable Revenue the Partner has referred "
        "in a {{ commission.period }} (from {{ commission.year_span }}), amounts in "
        "{{ commission.currency }}:",
    ),
    ("table", RATES),
    ("p", "Worked example: {{ commission.example }}"),
    ("p", "{%p if commission.carry_over %}"),
    (
        "p",
        "Rate carry-over: the highest rate the Partner's revenue reaches in a "
        "{{ commission.period }} applies for the rest of that {{ commission.period }} and, as a "
        "minimum rate on every slice, throughout the next one. That minimum is kept, and never "
        "lowered, for as long as each following {{ commission.period }} goes past the first "
        "bracket; after a {{ commission.period }} that does not, rates start again from the "
        "first bracket on {{ commission.year_start }}.",
    ),
    ("p", "{%p else %}"),
    (
        "p",
        "Each {{ commission.period }} starts again from the first bracket on "
        "{{ commission.year_start }}: no rate reached in one {{ commission.period }} carries "
        "over to the next.",
    ),
    ("p", "{%p endif %}"),
    (
        "p",
        "Commission applies only to revenue of the first {{ terms.commissionable_months }} "
        "after a Qualified Agreement is signed, including under multi-year contracts; "
        "{% if terms.referral_kinds_text %}only these kinds of opportunity qualify: "
        "{{ terms.referral_kinds_text }}. {% else %}upsells and cross-sells may qualify when "
        "the Partner took part in them. {% endif %}"
        "{{ operator.short_name }} may change the rates, brackets, commissionable products or "
        "method by written notice (e-mail included) given at least "
        "{{ terms.schedule_change_notice }} before the change applies.",
    ),
    *SIGNATURES,
]
