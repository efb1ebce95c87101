"""The wording of every shipped template, in PartnerGraph's own words, as authoring blocks.

Blocks: ("title", text), ("center", text), ("h", key, heading) a numbered clause,
("c", key, heading or "", text) a numbered sub-clause, ("def", term, text), ("li", label, text),
("sub", heading), ("p", text), ("table", Table), ("break",). `<<key>>` in a text is replaced by
the number of that clause when the template is written. Figures are never written here: they
come from program data through the template variables.
"""

from __future__ import annotations

from contract_templates.wording.blocks import Block, Table
from contract_templates.wording.contentsquare import CS_MEMBERSHIP
from contract_templates.wording.cs_referrer import CS_REFERRER
from contract_templates.wording.notices import NOTICES
from contract_templates.wording.segment import SEGMENT_AGREEMENT
from contract_templates.wording.segment_addendum import SEGMENT_ADDENDUM
from contract_templates.wording.statement import STATEMENT

HEADER = "{{ document.title }} · {{ partner.legal_name }}"

TEMPLATES: dict[str, tuple[str, list[Block]]] = {
    "segment-program-agreement": (HEADER, SEGMENT_AGREEMENT),
    "segment-referral-addendum": (HEADER, SEGMENT_ADDENDUM),
    "contentsquare-membership-agreement": (HEADER, CS_MEMBERSHIP),
    "contentsquare-referrer-schedule": (HEADER, CS_REFERRER),
    **{kind: (HEADER, blocks) for kind, blocks in NOTICES.items()},
    "commission-statement": (HEADER, STATEMENT),
}

__all__ = ["TEMPLATES", "Block", "Table"]
