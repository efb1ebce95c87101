"""The commission statement: number, period, both addresses, a section per client, payments."""

from __future__ import annotations

from contract_templates.wording.blocks import Block, Table

LINES = Table(
    headers=("Slice of NCR", "Rate", "Commission", "Rule", "Schedule"),
    cells=(
        "{{ row.slice }}",
        "{{ row.rate }}",
        "{{ row.amount }}",
        "{{ row.rule }}",
        "{{ row.schedule }}",
    ),
    loop="client.lines",
    widths=(6.4, 1.6, 3.2, 2.6, 2.2),
    right=(1, 2),
    no_wrap=(0, 1, 2, 3, 4),
)

PAYMENTS = Table(
    headers=("", "Amount"),
    cells=("{{ row.label }}", "{{ row.amount }}"),
    loop="statement.summary",
    widths=(11.0, 5.0),
    right=(1,),
    no_wrap=(1,),
)

STATEMENT: list[Block] = [
    ("title", "{{ document.title }}"),
    ("li", "Statement number:", "{{ statement.number }}"),
    ("li", "Period:", "{{ statement.period }}"),
    ("li", "Issued:", "{{ statement.issued }}"),
    ("li", "From:", "{{ operator.legal_name }}, {{ operator.address }}"),
    ("li", "To:", "{{ partner.legal_name }}, {{ partner.address }}"),
    (
        "p",
        "Commissions earned under the {{ program.name }} on clients the Partner referred, "
        "computed slice by slice on net commissionable revenue (NCR); amounts in "
        "{{ statement.currency }}.",
    ),
    ("p", "{%p for client in statement.clients %}"),
    ("sub", "{{ client.name }}"),
    (
        "p",
        "Qualified agreement signed {{ client.signed }} · NCR {{ client.ncr }} · commission "
        "{{ client.amount }} · {{ client.status }}",
    ),
    ("table", LINES),
    ("p", "{%p for note in client.notes %}"),
    ("p", "{{ note }}"),
    ("p", "{%p endfor %}"),
    ("p", "{%p endfor %}"),
    ("sub", "Summary"),
    ("table", PAYMENTS),
    ("p", "{%p for note in statement.notes %}"),
    ("p", "{{ note }}"),
    ("p", "{%p endfor %}"),
    (
        "p",
        "Template {{ template.id }}, version {{ template.version }}; document "
        "{{ document.id }}, generated {{ document.generated_local }}.",
    ),
]
