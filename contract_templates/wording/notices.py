"""The four notices: non-renewal, termination for convenience, breach (with its cure period),
and termination after an uncured breach. Each names sender and addressee with addresses, the
delivery method, the date given and the date it takes effect, and is signed."""

from __future__ import annotations

from contract_templates.wording.blocks import Block, Table

HEAD: list[Block] = [
    ("title", "{{ notice.title }}"),
    ("center", "{{ agreement.name }} · Effective Date {{ agreement.effective_date }}"),
    ("li", "From:", "{{ notice.sender_name }}, {{ notice.sender_address }}"),
    ("li", "To:", "{{ notice.addressee_name }}, {{ notice.addressee_address }}"),
    ("li", "Delivery:", "{{ notice.method_text }}"),
    ("li", "Dated:", "{{ notice.sent_date }}; deemed given on {{ notice.given_date }}"),
    ("li", "Takes effect:", "{{ notice.effective_text }}"),
]

SIGNED: list[Block] = [
    ("p", "Dates are calendar days in the time zone of the Program ({{ program.timezone }})."),
    (
        "table",
        Table(
            headers=("For {{ notice.sender_name }}",),
            cells=("Name: {{ notice.signatory_name }}",),
            footer=(
                ("Title: {{ notice.signatory_title }}",),
                ("Signed electronically on {{ document.generated_local }}",),
            ),
            widths=(10.0,),
        ),
    ),
    (
        "p",
        "Template {{ template.id }}, version {{ template.version }}; document {{ document.id }}.",
    ),
]

NON_RENEWAL: list[Block] = [
    *HEAD,
    (
        "p",
        "{{ notice.sender_name }} gives notice under the renewal clause of the "
        "{{ agreement.name }} that it will not renew the agreement. The current term ends on "
        "{{ notice.term_end }}; the agreement expires at the end of that day and does not renew. "
        "This notice is given at least {{ terms.non_renewal_notice }} before the term ends, as "
        "the agreement requires (the last day for it was {{ notice.deadline }}).",
    ),
    ("p", "Until the agreement expires, both parties keep their rights and obligations under it."),
    *SIGNED,
]

CONVENIENCE: list[Block] = [
    *HEAD,
    (
        "p",
        "{{ notice.sender_name }} gives notice that it ends the {{ agreement.name }} "
        "{{ notice.ground_text }}. The agreement ends on {{ notice.effective_date }}.",
    ),
    (
        "p",
        "Until then both parties keep their rights and obligations; the provisions the "
        "agreement says survive its end continue to apply after it.",
    ),
    *SIGNED,
]

BREACH: list[Block] = [
    *HEAD,
    (
        "p",
        "{{ notice.sender_name }} gives notice that {{ notice.addressee_name }} is in "
        "material breach of the {{ agreement.name }}, as follows: {{ notice.cause }}.",
    ),
    (
        "p",
        "{{ notice.addressee_name }} has {{ terms.cure_period }} from the date this notice "
        "is given to cure the breach: the cure period ends on {{ notice.cure_end }}. If the breach "
        "is not cured by then, the agreement ends on {{ notice.effective_date }} under its "
        "termination clause.",
    ),
    ("p", "{{ notice.sender_name }} reserves all its other rights and remedies."),
    *SIGNED,
]

AFTER_BREACH: list[Block] = [
    *HEAD,
    (
        "p",
        "On {{ notice.breach_notice_date }}, {{ notice.sender_name }} gave notice of a "
        "material breach of the {{ agreement.name }} by {{ notice.addressee_name }}: "
        "{{ notice.cause }}. The cure period of {{ terms.cure_period }} ended on "
        "{{ notice.cure_end }} without the breach being cured.",
    ),
    (
        "p",
        "{{ notice.sender_name }} therefore confirms that the agreement is terminated with "
        "effect from {{ notice.effective_date }}. The provisions the agreement says survive its "
        "end continue to apply.",
    ),
    *SIGNED,
]

NOTICES: dict[str, list[Block]] = {
    "non-renewal-notice": NON_RENEWAL,
    "termination-notice": CONVENIENCE,
    "breach-notice": BREACH,
    "breach-termination-notice": AFTER_BREACH,
}
