"""Segment Partner Program Agreement, first part: parties, program, definitions, licences
and intellectual property (SEG-AGR-01..05).
"""

from __future__ import annotations

from contract_templates.wording.blocks import PARTIES, Block

SEGMENT_GRANT: list[Block] = [
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
        "{{ operator.short_name }} runs the {{ program.name }} (the “Program”) for "
        "organisations whose products integrate with, connect to or embed its Service.",
    ),
    (
        "li",
        "(B)",
        "The Partner wishes to take part in the Program, and accepts this agreement "
        "online. The agreement takes effect on the day of that acceptance, in the Program's time "
        "zone (the “Effective Date”).",
    ),
    ("h", "program", "The Program"),
    (
        "c",
        "program-scope",
        "",
        "This agreement sets the framework for the Partner's "
        "participation in the Program. Program Policies published by {{ operator.short_name }} "
        "also apply to Program activities.",
    ),
    (
        "c",
        "program-tier",
        "",
        "{{ operator.short_name }} decides the Partner's Program tier "
        "and tells the Partner of it, and of each later change, by e-mail. While the Partner "
        "complies with this agreement and the Program Policies, it receives the benefits of its "
        "tier.",
    ),
    ("h", "definitions", "Definitions"),
    ("def", "Customer", "means a third party that uses, or is considering using, the Service."),
    (
        "def",
        "Customer Agreement",
        "means the online customer terms of "
        "{{ operator.short_name }} as updated from time to time, or any other signed agreement "
        "under which a Customer uses the Service.",
    ),
    (
        "def",
        "Customer Data",
        "means data collected from a Customer's sources, such as its "
        "websites, mobile applications or accounts with third-party services.",
    ),
    (
        "def",
        "Non-Production Use",
        "means the Partner's use of the Service for its own "
        "training and to demonstrate the Service to Customers.",
    ),
    (
        "def",
        "Usage Maximum",
        "means, in each calendar month, {{ terms.usage_mtu }} monthly "
        "tracked users and {{ terms.usage_api_calls }} API calls.",
    ),
    (
        "def",
        "Program Policies",
        "means the standard policies of the Program published by "
        "{{ operator.short_name }}, as updated from time to time, which set out the benefits and "
        "requirements of each tier.",
    ),
    (
        "def",
        "Referral Addendum",
        "means the separate referral addendum between the parties, "
        "which alone governs referral fees.",
    ),
    ("def", "Marks", "means a party's names, trademarks, service marks, logos and images."),
    (
        "def",
        "Marketing Collateral",
        "means marketing material about the Service that "
        "{{ operator.short_name }} gives the Partner under this agreement.",
    ),
    (
        "def",
        "Service",
        "means the hosted customer data infrastructure service of {{ operator.short_name }}.",
    ),
    (
        "def",
        "Sign-Up Flow",
        "means the online page on which a new account for the Service is "
        "created, or any page that replaces it.",
    ),
    ("h", "use", "Use of the Service"),
    (
        "c",
        "use-partner",
        "Non-Production Use",
        "During the Term the Partner may use the "
        "Service for Non-Production Use only, as a trial user under the Customer Agreement and "
        "within the Usage Maximum. The Partner puts only made-up test data into the Service, "
        "never Customer Data or other third-party data; does not let a Customer use the Service "
        "through the Partner's account; and does not resell the Service or charge for it.",
    ),
    (
        "c",
        "use-customers",
        "Customers",
        "A Customer uses the Service only under its own "
        "Customer Agreement, through the Sign-Up Flow or a signed agreement, and submits its "
        "Customer Data through its own account. The Partner never signs up or contracts for a "
        "Customer. The Partner may enter a Customer's account only as a user the Customer has "
        "invited, under the Customer's supervision, and only to help the Customer evaluate or "
        "use the Service.",
    ),
    ("h", "developer", "Developer access"),
    (
        "c",
        "developer-grant",
        "",
        "During the Term the Partner may ask for access to "
        "{{ operator.short_name }}'s developer APIs and their documentation (the “Developer "
        "Materials”); {{ operator.short_name }} decides whether to grant it.",
    ),
    (
        "c",
        "developer-limits",
        "Restrictions",
        "The Partner does not: share, sublicense or "
        "disclose the Developer Materials, or use them for third parties; export them in breach "
        "of law; interfere with, damage or gain unauthorised access to the Service or any of "
        "{{ operator.short_name }}'s systems; claim that its products are certified, endorsed or "
        "guaranteed by {{ operator.short_name }} unless this agreement allows it; decompile, "
        "reverse engineer, rent, lend or make derivative works of the Developer Materials; get "
        "around security measures or technical limits; use the Developer Materials unlawfully or "
        "against the rights of any person; or use them for any purpose this agreement does not "
        "allow.",
    ),
    ("h", "marks", "Trademarks"),
    (
        "c",
        "marks-licence",
        "Licence to the Partner",
        "{{ operator.short_name }} grants the "
        "Partner a non-exclusive, non-transferable licence, without the right to sublicense, to "
        "use its Marks and the Marketing Collateral to present itself as a Program partner and "
        "for the marketing the Program Policies allow, following {{ operator.short_name }}'s "
        "brand guidelines. Any other use needs prior written approval.",
    ),
    (
        "c",
        "marks-limits",
        "Restrictions",
        "On request the Partner shows how it uses the "
        "Marks, and promptly stops any use {{ operator.short_name }} objects to. It does not "
        "remove or change proprietary notices or modify the Marketing Collateral without "
        "consent, and does not register any trademark or domain name containing "
        "{{ operator.short_name }}'s name or a confusingly similar one. The Partner promotes the "
        "Service professionally and in line with the Marketing Collateral; failing to do so is a "
        "material breach. Goodwill from the use of {{ operator.short_name }}'s Marks belongs to "
        "{{ operator.short_name }}.",
    ),
    (
        "c",
        "marks-partner",
        "The Partner's Marks",
        "{{ operator.short_name }} may use the "
        "Partner's name and logo to identify it as a Program partner and for the activities of "
        "this agreement. Goodwill from that use belongs to the Partner.",
    ),
    ("h", "ip", "Intellectual property"),
    (
        "c",
        "ip-ownership",
        "Ownership",
        "{{ operator.short_name }} and its suppliers keep all "
        "rights in the Service, their Marks, the Marketing Collateral and everything derived from "
        "them, including improvements drawn from Feedback. Apart from the licences expressly "
        "granted, nothing is transferred.",
    ),
    (
        "c",
        "ip-development",
        "No joint development",
        "Neither party expects to develop "
        "technology for or with the other under this agreement; any such work needs a separate "
        "written agreement. Each party may still use the other's generally available APIs on "
        "their usual terms.",
    ),
    (
        "c",
        "ip-feedback",
        "Feedback",
        "Suggestions or comments the Partner gives about the "
        "Program or {{ operator.short_name }}'s products (“Feedback”) may be used by "
        "{{ operator.short_name }} freely and without charge.",
    ),
]
