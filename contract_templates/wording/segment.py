"""Segment Partner Program Agreement, in our own words (seed 000; SEG-AGR-*)."""

from __future__ import annotations

from contract_templates.wording.blocks import SIGNATURES, Block, notices_clause
from contract_templates.wording.segment_grant import SEGMENT_GRANT

SEGMENT_AGREEMENT: list[Block] = [
    *SEGMENT_GRANT,
    ("h", "obligations", "The Partner's obligations"),
    (
        "c",
        "conduct",
        "Conduct",
        "The Partner does not present itself as a reseller or "
        "distributor of the Service, give any promise or warranty on {{ operator.short_name }}'s "
        "behalf or about the Service, describe the Service differently from the Marketing "
        "Collateral, or act deceptively, misleadingly, unlawfully or unethically.",
    ),
    (
        "c",
        "partner-services",
        "Partner Services",
        "The Partner alone is responsible for the "
        "products and services it provides to Customers and for its agreements with them.",
    ),
    (
        "c",
        "anti-corruption",
        "Anti-corruption",
        "The Partner complies with every anti-bribery "
        "and anti-corruption law that applies, including the US Foreign Corrupt Practices Act "
        "and the UK Bribery Act 2010. It never offers or gives anything of value to a public "
        "official, political party or candidate, or official of a public international "
        "organisation to win or keep business or an unfair advantage. The Partner confirms that "
        "none of its officers, directors or employees is such an official and that it will not "
        "engage one for this agreement. {{ operator.short_name }} may end this agreement under "
        "clause <<term-immediate>> if it finds a breach of this clause.",
    ),
    (
        "c",
        "competing",
        "Competing products",
        "The Partner tells {{ operator.short_name }} in "
        "advance before promoting a product with functions similar to the Service (a “Competing "
        "Product”), presents the Service fairly beside it, and never disparages the Service in "
        "comparison.",
    ),
    (
        "c",
        "no-resale",
        "No resale",
        "The Partner may not resell or otherwise make the Service "
        "available unless a separate written agreement allows it.",
    ),
    (
        "c",
        "no-fees",
        "No fees",
        "No fees, revenue share or other amounts are payable between "
        "the parties under this agreement; referral fees are payable only under the Referral "
        "Addendum. Each party bears its own costs.",
    ),
    ("h", "term", "Term and termination"),
    (
        "c",
        "term-initial",
        "Initial Term",
        "This agreement starts on the Effective Date and "
        "runs for {{ terms.initial_term }} (the “Initial Term”).",
    ),
    (
        "c",
        "term-renewal",
        "Renewal",
        "At the end of the Initial Term and of each renewal "
        "term, the agreement renews by itself for a further {{ terms.renewal_term }}, unless "
        "either party has given the other written notice of non-renewal at least "
        "{{ terms.non_renewal_notice }} before the current term ends. The Initial Term and all "
        "renewal terms together are the “Term”.",
    ),
    (
        "c",
        "term-convenience",
        "Termination for convenience",
        "Either party may end this "
        "agreement for any reason by written notice; it ends {{ terms.convenience_notice }} "
        "after the notice is given.",
    ),
    (
        "c",
        "term-immediate",
        "Immediate termination",
        "{{ operator.short_name }} may end "
        "this agreement at once by notice if it stops offering the Program, or under clause "
        "<<anti-corruption>>.",
    ),
    (
        "c",
        "term-breach",
        "Termination for breach",
        "If a party materially breaches this "
        "agreement and does not cure the breach within {{ terms.cure_period }} after written "
        "notice of it, the other party may end this agreement.",
    ),
    (
        "c",
        "term-effect",
        "Effect of ending",
        "When this agreement ends for any reason, each "
        "party returns or destroys the other's Confidential Information and confirms it has done "
        "so, every licence under it ends, and the Partner stops presenting itself as a Program "
        "partner. Ending the agreement as it allows creates no liability in itself, and does not "
        "affect other remedies.",
    ),
    (
        "c",
        "term-survival",
        "Survival",
        "Clauses <<developer-limits>>, <<ip>>, <<conduct>>, "
        "<<partner-services>>, <<anti-corruption>>, <<term>>, <<warranty>>, <<liability>>, "
        "<<indemnity>>, <<confidentiality>> and <<general>> survive the end of this agreement.",
    ),
    ("h", "warranty", "Warranties and disclaimer"),
    (
        "c",
        "warranty-partner",
        "The Partner's warranties",
        "The Partner warrants that it has "
        "the power and authority to enter into and perform this agreement, that doing so breaks "
        "no other agreement binding it, and that it will act lawfully in the Program.",
    ),
    (
        "c",
        "warranty-disclaimer",
        "Disclaimer",
        "THE SERVICE, THE MARKS, THE MARKETING "
        "COLLATERAL AND ALL OTHER MATERIALS OF {{ operator.short_name | upper }} ARE PROVIDED "
        "“AS IS” AND “AS AVAILABLE”. {{ operator.short_name | upper }} AND ITS SUPPLIERS GIVE NO "
        "WARRANTY OR CONDITION OF ANY KIND, EXPRESS, IMPLIED OR STATUTORY, INCLUDING AS TO TITLE, "
        "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE OR NON-INFRINGEMENT, AND HAVE NO "
        "SUPPORT, SERVICE LEVEL OR INDEMNITY OBLIGATION FOR THE SERVICE UNDER THIS AGREEMENT.",
    ),
    ("h", "liability", "Limitation of liability"),
    (
        "c",
        "liability-indirect",
        "Indirect loss",
        "EXCEPT FOR EXCLUDED CLAIMS AND AS FAR AS "
        "THE LAW ALLOWS, NEITHER PARTY NOR ITS SUPPLIERS IS LIABLE FOR LOSS OF USE, LOST OR "
        "INACCURATE DATA, FAILURE OF SECURITY MECHANISMS, BUSINESS INTERRUPTION, LOST PROFITS OR "
        "ANY INDIRECT, SPECIAL, INCIDENTAL OR CONSEQUENTIAL DAMAGES, HOWEVER ARISING, EVEN IF "
        "WARNED OF THEM.",
    ),
    (
        "c",
        "liability-cap",
        "Cap",
        "EXCEPT FOR EXCLUDED CLAIMS AND AS FAR AS THE LAW ALLOWS, "
        "EACH PARTY'S TOTAL LIABILITY UNDER THIS AGREEMENT, WITH ITS SUPPLIERS, IS LIMITED TO "
        "THE GREATER OF {{ terms.liability_floor }} AND {{ terms.liability_basis | upper }}. "
        "“Excluded Claims” are claims under clauses <<indemnity>> and <<confidentiality>>.",
    ),
    (
        "c",
        "liability-nature",
        "Scope",
        "These limits apply whatever the form of action, in "
        "contract, tort (including negligence), strict liability or otherwise, and even if a "
        "limited remedy fails of its essential purpose.",
    ),
    ("h", "indemnity", "Indemnification"),
    (
        "c",
        "indemnity-scope",
        "",
        "Each party (the “Indemnifying Party”) defends and holds "
        "harmless the other party and its officers, directors, employees and agents against "
        "third-party claims, and the resulting losses, damages and reasonable legal costs, "
        "arising from an allegation that the Indemnifying Party's Marks, used as this agreement "
        "allows, infringe that third party's trademark rights; and the Partner does the same for "
        "claims arising from the Partner Services or a breach of clause <<conduct>> or "
        "<<anti-corruption>>.",
    ),
    (
        "c",
        "indemnity-process",
        "",
        "The indemnity applies if the Indemnifying Party receives "
        "prompt written notice of the claim, sole control of its defence and settlement, and "
        "reasonable cooperation. It may not settle a claim in a way that requires the other "
        "party to admit liability or to act or refrain from acting (other than to stop using "
        "infringing material) without that party's written consent. The other party may join "
        "the defence with its own counsel at its own cost.",
    ),
    ("h", "confidentiality", "Confidential information"),
    (
        "c",
        "conf-scope",
        "",
        "Information one party (the “Discloser”) gives the other (the "
        "“Recipient”) is confidential when it is marked so when disclosed or should reasonably "
        "be understood to be (“Confidential Information”). The Service and all technical "
        "information, code and data of {{ operator.short_name }} are its Confidential "
        "Information without marking.",
    ),
    (
        "c",
        "conf-duty",
        "",
        "The Recipient keeps Confidential Information secret and uses it "
        "only as this agreement allows. This does not apply to information the Recipient can "
        "show it already rightfully had, that is public through no fault of its own, that it "
        "rightfully received from a third party without a duty of confidence, or that its staff "
        "developed independently without access to it. The Recipient may disclose Confidential "
        "Information that a law, regulation or court order requires it to disclose, only as far "
        "as required and after telling the Discloser in advance.",
    ),
    (
        "c",
        "conf-relief",
        "",
        "Because disclosure would cause harm that money alone cannot "
        "repair, the Discloser may seek injunctive or other equitable relief in addition to its "
        "other remedies.",
    ),
    ("h", "general", "General"),
    (
        "c",
        "assignment",
        "Assignment",
        "This agreement binds the parties' permitted successors "
        "and assigns. {{ operator.short_name }} may assign it to an affiliate or in a merger, "
        "reorganisation, acquisition or transfer of substantially all of the assets or voting "
        "securities concerned. The Partner may not assign it without "
        "{{ operator.short_name }}'s prior written consent; an attempt to do so is void.",
    ),
    (
        "c",
        "severability",
        "Severability",
        "A provision a competent court finds invalid or "
        "unenforceable is limited only as far as needed, and the rest of this agreement stays in "
        "force.",
    ),
    (
        "c",
        "law",
        "Governing law and courts",
        "The laws of {{ terms.governing_law }} govern "
        "this agreement and everything arising from it, without regard to conflict-of-laws rules "
        "and excluding the United Nations Convention on Contracts for the International Sale of "
        "Goods. Actions about its subject matter are brought only in {{ terms.venue }}, and each "
        "party submits to the personal jurisdiction of those courts.",
    ),
    (
        "c",
        "fees",
        "Legal costs",
        "The winning party in an action to enforce this agreement "
        "may recover its reasonable legal fees and costs.",
    ),
    notices_clause("notices"),
    (
        "c",
        "amendments",
        "Amendments and waivers",
        "Apart from {{ operator.short_name }}'s "
        "right to update the Program Policies, a change to this agreement binds only if made in "
        "writing by authorised representatives of both parties. A new version of this agreement "
        "takes effect for the Partner only when the Partner accepts it; the Effective Date stays "
        "the same. No waiver is implied from conduct; a waiver must be in a signed writing.",
    ),
    (
        "c",
        "entire",
        "Entire agreement",
        "This agreement is the whole agreement of the parties "
        "on its subject and replaces all earlier agreements and communications about it.",
    ),
    (
        "c",
        "independence",
        "Independent parties",
        "The parties are independent contractors. "
        "Despite the word “partner”, nothing here creates a partnership, joint venture, "
        "employment, franchise or agency, and neither party may bind the other.",
    ),
    (
        "c",
        "non-exclusive",
        "Non-exclusivity",
        "The Partner's rights are non-exclusive. "
        "Subject to clause <<competing>>, each party may enter into similar agreements with "
        "anyone, anywhere, during and after the Term, and {{ operator.short_name }} remains free "
        "in its dealings with customers.",
    ),
    (
        "c",
        "force-majeure",
        "Force majeure",
        "Neither party is liable for a delay or failure "
        "caused by events after signature that are beyond its reasonable control, such as "
        "strikes, blockades, war, terrorism, riots, natural disasters or refusal of a licence by "
        "an authority, while the event prevents performance and cannot be overcome at "
        "reasonable cost.",
    ),
    *SIGNATURES,
]
