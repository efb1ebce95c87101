"""Contentsquare Partner Program Membership Agreement, in our own words (seed 003; CS-AGR-*)."""

from __future__ import annotations

from contract_templates.wording.blocks import PARTIES, SIGNATURES, Block, notices_clause

CS_MEMBERSHIP: list[Block] = [
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
        "{{ operator.short_name }} runs the {{ program.name }} (the “Partner Program”) "
        "and the Partner wishes to become a member of it (the “Membership”).",
    ),
    (
        "li",
        "(B)",
        "By submitting this agreement online, the signer confirms that it may bind "
        "the Partner, that the Partner has read this agreement (in particular clauses "
        "<<exclusion>> and <<cap>>) and agrees to it, and the Partner applies to join the "
        "Partner Program.",
    ),
    (
        "li",
        "(C)",
        "This agreement takes effect only on the day {{ operator.short_name }} "
        "accepts the application in writing (the “Effective Date”). {{ operator.short_name }} "
        "may reject any application, in which case this agreement never takes effect. A separate "
        "signed agreement about the Partner Program prevails over this one.",
    ),
    ("h", "definitions", "Definitions"),
    (
        "def",
        "Affiliate",
        "of a party means an entity that controls it, is controlled by it or "
        "is under common control with it, control meaning more than half of the voting "
        "interests, for as long as that control lasts.",
    ),
    (
        "def",
        "Applicable Law",
        "means every law, regulation, order and court decision, and "
        "every binding licence, permit or instruction of an authority, that applies to the "
        "performance of this agreement.",
    ),
    (
        "def",
        "Business Day",
        "means a day other than a Saturday, a Sunday, 25 December, "
        "26 December, 1 January or a public or bank holiday in France.",
    ),
    (
        "def",
        "Confidential Information",
        "means information a party (the “Discloser”) gives "
        "the other (the “Recipient”), before or after the date of this agreement, in any form, "
        "that is confidential by nature or would reasonably be regarded as such, including "
        "non-public terms of this agreement, financial data, business plans, roadmaps, pricing, "
        "marketing strategies, sales projections and supplier names. It excludes information "
        "that is or becomes public through no fault of the Recipient, that the Recipient "
        "developed independently, that it rightfully received from a third party free of any "
        "duty of confidence, that it rightfully held before disclosure, or that the Discloser "
        "approved for disclosure in writing.",
    ),
    (
        "def",
        "Partner Portal",
        "means the platform {{ operator.short_name }} provides for "
        "referrals, their progress and the related payments.",
    ),
    (
        "def",
        "CS Service",
        "means the products and services {{ operator.short_name }} or its "
        "Affiliates provide under an order form, including their scripts and SDKs and any "
        "third-party technology embedded in them, but not separate third-party services.",
    ),
    (
        "def",
        "Developer Tools",
        "means the SDKs, APIs, code samples, plug-ins and other "
        "materials {{ operator.short_name }} licenses to the Partner to build an Integration.",
    ),
    (
        "def",
        "GDPR",
        "means Regulation (EU) 2016/679 as amended; “Personal Data” has the meaning it gives.",
    ),
    (
        "def",
        "Integration",
        "means an integration of CS Service functionality into the Partner's products.",
    ),
    (
        "def",
        "Intellectual Property Rights",
        "means patents, copyright, trademarks, trade "
        "names, domain names, designs, database rights, rights in software and in confidential "
        "information, and every similar right anywhere, registered or not.",
    ),
    (
        "def",
        "Membership Capacity",
        "means acting as a reseller, a referrer or a professional "
        "service partner; “Membership Level” means the Partner's level in the Partner Program.",
    ),
    (
        "def",
        "Supplemental Terms",
        "means the schedules to this agreement that apply to a "
        "Membership Level or Membership Capacity; references to this agreement include them.",
    ),
    ("h", "appointment", "Appointment and Membership Level"),
    (
        "c",
        "appointment-type",
        "",
        "The Partner is appointed in the Membership Capacities its "
        "Membership Level and the Supplemental Terms set out.",
    ),
    (
        "c",
        "level-keep",
        "",
        "To keep its Membership Level, the Partner meets every "
        "requirement {{ operator.short_name }} sets for that level and in the Supplemental Terms "
        "(the “Program Requirements”). Failing to do so may lead to a move to a lower level or "
        "to termination.",
    ),
    (
        "c",
        "level-raise",
        "",
        "{{ operator.short_name }} may tell the Partner that it is "
        "eligible for a higher level; a change of level needs {{ operator.short_name }}'s "
        "written approval.",
    ),
    ("h", "benefits", "Benefits and certification"),
    (
        "c",
        "benefits-term",
        "",
        "During the Term the Partner receives the benefits of its Membership Level.",
    ),
    (
        "c",
        "certification",
        "",
        "When the Partner meets all Program Requirements, including "
        "the required training, it is entitled to certification as an authorised partner for its "
        "Membership Level (“Certification”).",
    ),
    ("h", "licences", "Licences"),
    (
        "c",
        "lic-mark",
        "Certification mark",
        "While certified, the Partner may display the "
        "certification mark {{ operator.short_name }} provides and call itself an authorised "
        "partner. Any other use of {{ operator.short_name }}'s name or marks, including in "
        "press releases, promotional material or case studies, needs written approval.",
    ),
    (
        "c",
        "lic-partner-mark",
        "Partner mark",
        "{{ operator.short_name }} may display the "
        "mark the Partner provides and name the Partner as an authorised partner; any other use "
        "needs the Partner's written approval.",
    ),
    (
        "c",
        "lic-docs",
        "Documentation",
        "The Partner may use the marketing and technical "
        "material {{ operator.short_name }} provides (the “Documentation”) only for its "
        "Membership.",
    ),
    (
        "c",
        "lic-tools",
        "Developer Tools",
        "{{ operator.short_name }} grants the Partner a "
        "non-exclusive, non-transferable licence, without the right to sublicense, to install "
        "and use the Developer Tools internally to build and test Integrations. The Partner does "
        "not modify, translate, reverse engineer or decompile them or make derivative works.",
    ),
    ("h", "account", "Partner account"),
    (
        "c",
        "account-use",
        "",
        "{{ operator.short_name }} may give the Partner an account on the "
        "CS Service, which the Partner uses only for training and testing Integrations and "
        "under {{ operator.short_name }}'s terms of use. {{ operator.short_name }} may end that "
        "access at any time.",
    ),
    ("h", "joint", "Working together"),
    (
        "c",
        "joint-opportunity",
        "",
        "The parties discuss in good faith business opportunities "
        "for their products and cooperate as they agree. The Partner conducts its business in a "
        "way that reflects well on the relationship, avoids deceptive, misleading or disparaging "
        "practices, and complies with all laws in its services.",
    ),
    (
        "c",
        "engagement",
        "Engagement plan",
        "When {{ operator.short_name }} asks, the parties "
        "set up a marketing and sales plan within {{ terms.engagement_plan_days }} of the "
        "Effective Date and review it every {{ terms.engagement_review }}, with regular business "
        "reviews.",
    ),
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
        "Intellectual Property Rights in the CS Service and the Documentation and in everything "
        "derived from them, including machine-learning output of the CS Service.",
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
        "THE PARTNER PROGRAM, THE CS SERVICE OR THE DOCUMENTATION, INCLUDING AS TO QUALITY, "
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
