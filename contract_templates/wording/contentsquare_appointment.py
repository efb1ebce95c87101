"""Contentsquare Membership Agreement, first part: parties, definitions, appointment,
benefits, licences and joint work (CS-AGR-01..05).

Version 3 (issue 12): a Business Day is defined from the program's `[calendar]` (weekend, extra
holidays, holiday country and subdivision, CS-AGR-10) instead of Contentsquare's written in.
Version 4 (issue 12): the service partners refer to is `operator.service_name` (Contentsquare:
"CS Service"), so a program reusing the template never names Contentsquare's product.
"""

from __future__ import annotations

from contract_templates.wording.blocks import PARTIES, Block

CS_APPOINTMENT: list[Block] = [
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
        "means {{ terms.business_day_text }}.",
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
        "{{ operator.service_name }}",
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
        "means an integration of {{ operator.service_name }} functionality into the "
        "Partner's products.",
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
        "{{ operator.service_name }}, which the Partner uses only for training and testing "
        "Integrations and "
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
]
