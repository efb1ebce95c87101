"""Every document kind of every shipped program, rendered from the real context builders.

No database: programs come from their files, partners and agreements are unsaved rows.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal as D  # noqa: N817
from pathlib import Path
from typing import Any

from contract_templates.compiled import compiled
from models import Agreement, Partner, Program, TemplateVersion
from rules.agreement_terms import AgreementStatus, State
from services.documents.context import agreement_context, document_context
from services.documents.formatting import formatter_of
from services.documents.notices import NoticeFacts, notice_context
from services.documents.parties import operator_context, partner_context
from services.documents.templates import MANIFEST, read_manifest
from services.programs.files import read_program
from services.programs.sections.agreements import AgreementDef
from services.programs.typed import spec_of

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 23, 3, 12, tzinfo=UTC)  # 1 December in Paris
PARTNER_NAME = "Lumière {{ 7*7 }} Analytics SARL"


THIRD_PROGRAM = ROOT / "tests" / "programs" / "data" / "alpine" / "alpine-distributors.toml"


def program(slug: str) -> Program:
    """A shipped program, or the made-up third one (`alpine-distributors`, issue 12)."""
    path = THIRD_PROGRAM if slug == "alpine-distributors" else ROOT / "programs" / f"{slug}.toml"
    spec = read_program(path).definition
    return Program(
        id=uuid.uuid4(),
        slug=spec.slug,
        name=spec.name,
        currency=spec.currency,
        timezone=spec.timezone,
        definition=spec.model_dump(mode="json"),
    )


def partner(name: str = PARTNER_NAME) -> Partner:
    return Partner(
        id=uuid.uuid4(),
        legal_name=name,
        display_name=name,
        country="FR",
        notice_address="12 rue des Lilas\n69002 Lyon",
    )


def newest(kind: str, slug: str, template_id: str | None = None) -> tuple[TemplateVersion, bytes]:
    """The newest shipped version serving `kind` in the program, or of `template_id` (a shipped
    template a program file names for another kind)."""
    entries = [
        e
        for e in read_manifest()
        if (e.id == template_id if template_id else e.kind == kind and e.program in (slug, "*"))
    ]
    entry = max(entries, key=lambda e: e.version)
    data = (MANIFEST.parent / entry.file).read_bytes()
    row = TemplateVersion(
        template_id=entry.id,
        version=entry.version,
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return row, data


def _agreement(prog: Program, kind: str) -> tuple[Agreement, AgreementDef]:
    spec = next(s for s in spec_of(prog).agreements if s.kind == kind)
    applied = date(2026, 12, 1) if spec.acceptance_mode == "apply_then_approve" else None
    row = Agreement(id=uuid.uuid4(), kind=kind, applied_on=applied, effective_on=date(2026, 12, 1))
    return row, spec


def agreement_document(
    slug: str, kind: str, template_id: str | None = None
) -> tuple[bytes, dict[str, Any]]:
    prog, who = program(slug), partner()
    row, spec = _agreement(prog, kind)
    template, data = newest(kind, slug, template_id)
    state = State(AgreementStatus.ACTIVE, row.effective_on, 0, None, None, None, None)
    context = agreement_context(
        partner=who,
        program=prog,
        spec=spec,
        agreement=row,
        state=state,
        template=template,
        signer={"name": "Zoë Martin", "title": "Directrice générale", "email": "zoe@lumiere.fr"},
        event="decideApplication" if row.applied_on else "acceptAgreement",
        now=NOW,
    )
    return _render(data, context), context


def notice_document(slug: str, kind: str) -> tuple[bytes, dict[str, Any]]:
    prog, who = program(slug), partner()
    membership = next(s for s in spec_of(prog).agreements if s.role == "membership")
    row, spec = _agreement(prog, membership.kind)
    template, data = newest(kind, slug)
    sent = date(2027, 3, 1)
    cure = date(2027, 3, 1 + spec.breach_cure_days) if spec.breach_cure_days < 28 else None
    facts = {
        "non-renewal-notice": NoticeFacts(
            kind,
            True,
            sent,
            sent,
            date(2027, 11, 30),
            "certified_mail",
            term_end=date(2027, 11, 30),
            deadline=date(2027, 10, 31),
        ),
        "termination-notice": NoticeFacts(kind, False, sent, sent, date(2027, 4, 30), None),
        "breach-notice": NoticeFacts(
            kind,
            True,
            sent,
            sent,
            cure or date(2027, 3, 31),
            "next_day_courier",
            reason="breach",
            cause="use of the marks outside the brand guidelines",
        ),
        "breach-termination-notice": NoticeFacts(
            kind,
            True,
            cure or date(2027, 3, 31),
            cure or date(2027, 3, 31),
            cure or date(2027, 3, 31),
            None,
            reason="breach",
            cause="use of the marks outside the brand guidelines",
            breach_notice_on=sent,
        ),
    }[kind]
    context = notice_context(
        facts=facts,
        partner=who,
        program=prog,
        spec=spec,
        agreement=row,
        template=template,
        now=NOW,
    )
    return _render(data, context), context


def statement_document(slug: str) -> tuple[bytes, dict[str, Any]]:
    prog, who = program(slug), partner()
    template, data = newest("commission-statement", slug)
    fmt = formatter_of(prog)

    def money(value: Any) -> str:
        return fmt.money(D(value), prog.currency)

    lines = [
        {
            "slice": f"{money(D(0))} to {money(D(300000))}",
            "rate": "10%",
            "amount": money(D(30000)),
            "rule": "CS-REF-15",
            "schedule": "2023-08",
        },
        {
            "slice": f"{money(D(300000))} to {money(D(450000))}",
            "rate": "15%",
            "amount": money(D(22500)),
            "rule": "CS-REF-15",
            "schedule": "2023-08",
        },
    ]
    context = {
        "operator": operator_context(prog),
        "partner": partner_context(who),
        "program": {"name": prog.name, "slug": prog.slug, "timezone": prog.timezone},
        "template": {"id": template.template_id, "version": template.version},
        "document": document_context("Commission statement 2026", prog, NOW, fmt),
        "statement": {
            "number": "CP-2026-0A1B2C3D-1201",
            "period": "1 January 2026 to 31 December 2026",
            "issued": fmt.date(date(2026, 12, 31)),
            "currency": prog.currency,
            "clients": [
                {
                    "name": "Société Générale des Écrans",
                    "signed": fmt.date(date(2026, 3, 2)),
                    "ncr": money(D(450000)),
                    "amount": money(D(52500)),
                    "status": "paid on 15 June 2026",
                    "lines": lines,
                    "notes": [],
                }
            ],
            "summary": [
                {"label": label, "amount": money(D(v))}
                for label, v in (
                    ("Commission earned", 52500),
                    ("Paid (gross)", 52500),
                    ("Tax withheld", -5250),
                    ("Set-off", -500),
                    ("Net paid to the Partner", 46750),
                    ("Balance due to the Partner", 0),
                )
            ],
            "notes": ["Set-off: US$500.00 (unpaid event fee)."],
        },
    }
    return _render(data, context), context


def _render(data: bytes, context: dict[str, Any]) -> bytes:
    return compiled(data).render({**context, "document": {**context["document"], "id": "doc-1"}})


AGREEMENTS = [
    ("segment-technology", "segment-program-agreement"),
    ("segment-technology", "segment-referral-addendum"),
    ("contentsquare", "contentsquare-membership-agreement"),
    ("contentsquare", "contentsquare-referrer-schedule"),
]
NOTICES = ["non-renewal-notice", "termination-notice", "breach-notice", "breach-termination-notice"]
