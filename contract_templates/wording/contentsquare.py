"""Contentsquare Partner Program Membership Agreement, in our own words (seed 003; CS-AGR-*)."""

from __future__ import annotations

from contract_templates.wording.blocks import SIGNATURES, Block, notices_clause
from contract_templates.wording.contentsquare_appointment import CS_APPOINTMENT

CS_MEMBERSHIP: list[Block] = [
    *CS_APPOINTMENT,
    ("h", "term", "Term and termination"),
    (
        "c",
        "term-length",
        "Term",
        "This agreement runs from the Effective Date until it is ended (the “Term”).",
    ),
    (
        "c",
        "term-convenience",
        "Convenience",
        "Either party may end this agreement at any time "
        "by written notice; it ends {{ terms.convenience_notice }} after the notice is given, "
        "without compensation.",
    ),
    (
        "c",
        "term-breach",
        "Breach",
        "If a party materially breaches this agreement, the other "
        "party may end it if the breach is not cured within {{ terms.cure_period }} after notice "
        "of it, or at once if the other party reasonably considers the breach incurable.",
    ),
    (
        "c",
        "term-insolvency",
        "Insolvency",
        "Either party may end this agreement without notice "
        "period if the other is liquidated or stops trading in the ordinary course, or seeks or "
        "becomes subject to bankruptcy, receivership or a creditors' arrangement.",
    ),
    (
        "c",
        "term-effect",
        "Effect of ending",
        "When this agreement ends, the Partner stops "
        "using {{ operator.short_name }}'s marks, returns at its own cost the tangible "
        "Confidential Information of {{ operator.short_name }}, and deletes electronic copies and "
        "confirms this in writing, except as reasonably needed for reseller orders still running. "
        "All licences end, unless Supplemental Terms say otherwise. Orders signed for a "
        "customer of the Partner continue until they expire, with the terms that govern them.",
    ),
    ("h", "confidentiality", "Confidentiality"),
    (
        "c",
        "conf-use",
        "",
        "During and after the Term, the Recipient uses Confidential "
        "Information only for this agreement, discloses it only to its and its Affiliates' "
        "staff, contractors and advisers who need it and are bound by equivalent duties, and "
        "protects it at least as carefully as its own.",
    ),
    (
        "c",
        "conf-law",
        "",
        "If the law requires disclosure, the Recipient tells the Discloser "
        "first (unless forbidden) and helps it seek protection.",
    ),
    (
        "c",
        "conf-owner",
        "",
        "Confidential Information remains the Discloser's property and "
        "stays confidential even when included in the Recipient's materials.",
    ),
    (
        "c",
        "conf-return",
        "",
        "Within {{ terms.confidentiality_days }} after this agreement "
        "and all related orders end, each party returns, anonymises or destroys the other's "
        "Confidential Information. Routine backups and data that cannot be reached without "
        "special tools may be kept until destroyed in due course, and stay confidential.",
    ),
    ("h", "bribery", "Anti-bribery"),
    (
        "c",
        "bribery-duty",
        "",
        "The Partner and its staff never offer or give anything of "
        "value, directly or indirectly, to anyone, including public officials, to obtain "
        "business, an advantage or favourable treatment, and comply with all anti-bribery and "
        "anti-corruption laws. The Partner tells {{ operator.short_name }} in writing at once of "
        "any suspected breach of this clause, and {{ operator.short_name }} may check compliance "
        "at any time.",
    ),
    ("h", "policies", "Policies"),
    (
        "c",
        "policies-duty",
        "",
        "The Partner and its staff follow the policies of "
        "{{ operator.short_name }} notified to the Partner, including its supplier standards and "
        "code of conduct.",
    ),
    ("h", "ip", "Intellectual property"),
    (
        "c",
        "ip-owner",
        "",
        "{{ operator.short_name }}, its Affiliates and licensors own all "
        "Intellectual Property Rights in the {{ operator.service_name }} and the "
        "Documentation and in everything "
        "derived from them, including machine-learning output of the {{ operator.service_name }}.",
    ),
    ("h", "indemnity", "Indemnification"),
    (
        "c",
        "indemnity-mutual",
        "",
        "Each party defends and holds harmless the other and its "
        "officers, directors, employees, agents and Affiliates against third-party claims and "
        "the resulting costs, including reasonable legal fees (“Damages”), arising from its "
        "infringement of Intellectual Property Rights.",
    ),
    (
        "c",
        "indemnity-partner",
        "",
        "The Partner does the same for Damages arising from its breach of this agreement.",
    ),
    (
        "c",
        "indemnity-process",
        "",
        "The party claiming an indemnity gives prompt written "
        "notice and, at the other party's option, control of the defence, at that party's cost "
        "and with counsel reasonably acceptable to it, and cooperates at that party's cost; it "
        "may take part at its own cost. A settlement needs both parties' consent, not to be "
        "unreasonably withheld.",
    ),
    ("h", "warranty", "Warranties"),
    (
        "c",
        "warranty-mutual",
        "",
        "Each party warrants that it has full power and authority to "
        "enter into and perform this agreement, and that doing so breaches nothing binding it.",
    ),
    (
        "c",
        "warranty-disclaimer",
        "",
        "APART FROM WHAT THIS AGREEMENT EXPRESSLY SAYS, "
        "{{ operator.short_name | upper }} GIVES NO WARRANTY, EXPRESS, IMPLIED OR STATUTORY, ABOUT "
        "THE PARTNER PROGRAM, THE {{ operator.service_name | upper }} OR THE DOCUMENTATION, "
        "INCLUDING AS TO QUALITY, "
        "PERFORMANCE, MERCHANTABILITY OR FITNESS FOR PURPOSE, DOES NOT WARRANT THAT THEY WILL BE "
        "ERROR-FREE OR UNINTERRUPTED, AND MAKES NO PROMISE ABOUT THE REVENUE THE PARTNER WILL "
        "EARN.",
    ),
    ("h", "exclusion", "Excluded losses"),
    (
        "c",
        "exclusion-scope",
        "",
        "As far as the law allows, neither party nor its Affiliates "
        "is liable to the other for loss of profit, sales, business or expected savings, loss or "
        "corruption of data or software, work stoppage, or any indirect, incidental, special, "
        "consequential, cover, punitive or exemplary damages, even if warned of them.",
    ),
    ("h", "cap", "Limitation of liability"),
    (
        "c",
        "cap-amount",
        "",
        "Except for death, bodily injury or damage to tangible property "
        "caused by gross negligence, for gross negligence or wilful misconduct, and for "
        "{{ operator.short_name }}'s right to collect unpaid fees, and as far as the law allows, "
        "each party's total liability with its Affiliates under this agreement is limited to the "
        "greater of {{ terms.liability_floor }} and {{ terms.liability_basis }}, in contract, "
        "tort (including negligence), breach of statutory duty or otherwise. Amounts the Partner "
        "recovers under statutory rights count towards this limit.",
    ),
    ("h", "general", "General"),
    (
        "c",
        "assignment",
        "Assignment",
        "Neither party may assign this agreement without the "
        "other's written consent, except that {{ operator.short_name }} may assign it to an "
        "Affiliate or in a merger, sale of the company or of substantially all its assets, or "
        "similar reorganisation.",
    ),
    notices_clause("notices"),
    (
        "c",
        "law",
        "Governing law and courts",
        "This agreement, and any dispute or claim about "
        "it, its subject or its formation (contractual or not), is governed by the laws of "
        "{{ terms.governing_law }}, without regard to conflict-of-laws rules. "
        "{{ terms.venue_start }} have exclusive jurisdiction over any dispute about "
        "it, and both parties accept that jurisdiction. The United Nations Convention on "
        "Contracts for the International Sale of Goods does not apply.",
    ),
    (
        "c",
        "independence",
        "Independent parties",
        "The parties are independent contractors; "
        "neither may bind the other, and there is no agency, partnership, joint venture, "
        "employment or franchise. Each may enter into similar relationships with others if this "
        "agreement is respected.",
    ),
    (
        "c",
        "setoff",
        "Set-off",
        "{{ operator.short_name }} may set off any amount due to the "
        "Partner against any amount the Partner owes it.",
    ),
    (
        "c",
        "waiver",
        "No waiver",
        "Not insisting on a term, or not exercising a right, on one "
        "occasion waives nothing for other occasions.",
    ),
    (
        "c",
        "entire",
        "Entire agreement",
        "This agreement with its schedules and appendices is "
        "the whole agreement of the parties on its subject and replaces earlier arrangements. It "
        "changes only by a writing signed by both parties; a new version binds the Partner only "
        "once accepted.",
    ),
    (
        "c",
        "survival",
        "Survival",
        "Terms that by their nature should outlast this agreement survive its end.",
    ),
    *SIGNATURES,
]
