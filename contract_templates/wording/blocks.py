"""Authoring blocks shared by every template: parties, notices and signatures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Block = tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    """A table: header row, a body row (repeated over `loop` when given), footer rows."""

    headers: tuple[str, ...]
    cells: tuple[str, ...]
    widths: tuple[float, ...]
    loop: str | None = None
    footer: tuple[tuple[str, ...], ...] = ()
    right: tuple[int, ...] = ()
    no_wrap: tuple[int, ...] = ()
    body_bold: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


PARTIES: list[Block] = [
    ("center", "between"),
    (
        "p",
        "{{ operator.legal_name }}{{ operator.description_suffix }}, whose registered address "
        "is {{ operator.address }} (“{{ operator.short_name }}”),",
    ),
    ("center", "and"),
    (
        "p",
        "{{ partner.legal_name }}, an organisation established in {{ partner.country_name }}, "
        "whose address for notices is {{ partner.address }} (the “Partner”).",
    ),
    (
        "p",
        "{{ operator.short_name }} and the Partner are each a “party” and together the “parties”.",
    ),
]

SIGNATURES: list[Block] = [
    ("sub", "Signatures"),
    (
        "table",
        Table(
            headers=("For {{ operator.legal_name }}", "For {{ partner.legal_name }}"),
            cells=(
                "Name: {{ operator.signatory_name }}",
                "Name: {{ acceptance.signer_name }}",
            ),
            footer=(
                ("Title: {{ operator.signatory_title }}", "Title: {{ acceptance.signer_title }}"),
                ("{{ acceptance.operator_signed }}", "{{ acceptance.partner_signed }}"),
            ),
            widths=(8.3, 8.3),
        ),
    ),
    ("sub", "Electronic acceptance record"),
    (
        "li",
        "Signer:",
        "{{ acceptance.signer_name }}, {{ acceptance.signer_title }} "
        "({{ acceptance.signer_email }})",
    ),
    (
        "li",
        "{{ acceptance.event_label }}:",
        "{{ acceptance.local_time }}; {{ acceptance.utc_time }}",
    ),
    ("li", "Status:", "{{ agreement.status_text }}"),
    (
        "li",
        "Terms accepted:",
        "template {{ template.id }}, version {{ template.version }}, SHA-256 {{ template.sha256 }}",
    ),
    (
        "li",
        "This document:",
        "{{ document.id }}, generated {{ document.generated_local }}; its "
        "own SHA-256 fingerprint is kept with the acceptance record and in the audit log.",
    ),
]


def notices_clause(key: str) -> Block:
    """The notices sub-clause: both addresses and the delivery methods of the program."""
    return (
        "c",
        key,
        "Notices",
        "Formal notices under this agreement are made in writing and sent to the address of "
        "the receiving party given at the head of this agreement, or to another address that "
        "party names by notice. {{ terms.notice_methods }}",
    )
