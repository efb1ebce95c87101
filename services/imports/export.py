"""Export: the imported records of a program as import files (the same columns and spelling),
so an export of an import gives back its files, attachments included.

One writer serves every kind: a kind's `Source` names the query of its imported records (the
first entity is the record the externalId names) and the columns read otherwise than by name;
every other column is the record's attribute of the same name in snake case (a ref column
`partner` reads `partner_id` and writes the partner's externalId).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Acceptance,
    Agreement,
    AgreementNotice,
    ClientPayment,
    Commission,
    Document,
    Evidence,
    ExternalId,
    Membership,
    Partner,
    Payout,
    Program,
    QualifiedAgreement,
    Referral,
    RevenueLine,
    TaxDocument,
    Tier,
    TierChange,
)
from models.documents.blobs import BlobStore
from services.imports.columns import FILES, Type, filename
from services.imports.reading import render_file

ATTACHED = "importAttached"
"""The event of an acceptance document attached by an import (the original file)."""

Rows = dict[str, dict[str, Any]]
Names = dict[str, dict[uuid.UUID, str]]
Found = Any
"""A result row of a kind's query: the record first, then what it is joined with."""
Context = dict[str, Any]
Read = Callable[[Found, Names, Context], Any]
Prepare = Callable[[AsyncSession, Program], Awaitable[Context]]


@dataclass(frozen=True)
class Source:
    """Where a kind's rows come from: `query` selects the record (first) and what it is joined
    with; `reads` are the columns not read by name from the record; `prepare` loads what the
    reads need once per export."""

    query: Callable[[], Any]
    reads: dict[str, Read] = field(default_factory=dict)
    prepare: Prepare | None = None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _imported(entity_id: Any, program: Program, kind: str) -> tuple[Any, Any]:
    """The join of a kind's table with its imported external ids."""
    return ExternalId, and_(
        ExternalId.entity_id == entity_id,
        ExternalId.program_id == program.id,
        ExternalId.kind == kind,
    )


async def _ids(session: AsyncSession, program: Program, kind: str) -> dict[uuid.UUID, str]:
    rows = await session.execute(
        select(ExternalId.entity_id, ExternalId.external_id).where(
            ExternalId.program_id == program.id, ExternalId.kind == kind
        )
    )
    return {entity: external for entity, external in rows}


def _of(index: int, attribute: str) -> Read:
    """A column read from the `index`th entity of the result row."""
    return lambda found, _n, _c: getattr(found[index], attribute)


def _ref_of(index: int, attribute: str, kind: str) -> Read:
    """A ref column: the externalId of the record the `index`th entity's attribute names."""
    return lambda found, names, _c: names[kind].get(getattr(found[index], attribute), "")


async def _tiers(session: AsyncSession, _program: Program) -> Context:
    return {"tiers": {t.id: t.key for t in await session.scalars(select(Tier))}}


async def _chains(session: AsyncSession, program: Program) -> Context:
    """Each superseding revenue line of the program's referrals and the line it supersedes."""
    rows = await session.execute(
        select(RevenueLine.id, RevenueLine.supersedes_id)
        .join(QualifiedAgreement, QualifiedAgreement.id == RevenueLine.qualified_agreement_id)
        .join(Referral, Referral.id == QualifiedAgreement.referral_id)
        .where(Referral.program_id == program.id, RevenueLine.supersedes_id.is_not(None))
    )
    return {"supersedes": {line: before for line, before in rows}}


def _root(found: Found, names: Names, context: Context) -> str:
    """The revenue line a correction's chain starts from (the line as imported)."""
    line = found[0].supersedes_id
    while line in context["supersedes"]:
        line = context["supersedes"][line]
    return names["revenue_lines"].get(line, "")


def _unless_void(attribute: str) -> Read:
    """A correction's own value; a void repeats the voided line's, so its cell is empty."""
    return lambda found, _n, _c: None if found[0].voided else getattr(found[0], attribute)


def _document(found: Found, _n: Names, _c: Context) -> str | None:
    document = found[2]
    return document.filename if document is not None and document.event == ATTACHED else None


def _simple(model: Any) -> Callable[[], Select[Any]]:
    return lambda: select(model)


SOURCES: dict[str, Source] = {
    "partners": Source(_simple(Partner)),
    "memberships": Source(
        lambda: select(TierChange, Membership).join(
            Membership, Membership.id == TierChange.membership_id
        ),
        {
            "partner": _ref_of(1, "partner_id", "partners"),
            "status": lambda found, _n, _c: found[1].status.value,
            "joinedOn": _of(1, "joined_on"),
            "tier": lambda found, _n, context: context["tiers"][found[0].to_tier_id],
        },
        _tiers,
    ),
    "agreements": Source(
        lambda: (
            select(Acceptance, Agreement, Document)
            .join(Agreement, Agreement.id == Acceptance.agreement_id)
            .outerjoin(Document, Document.id == Acceptance.document_id)
        ),
        {
            "partner": _ref_of(1, "partner_id", "partners"),
            "kind": _of(1, "kind"),
            "appliedOn": _of(1, "applied_on"),
            "effectiveOn": _of(1, "effective_on"),
            "documentFile": _document,
        },
    ),
    "agreement_notices": Source(
        lambda: select(AgreementNotice, Agreement).join(
            Agreement, Agreement.id == AgreementNotice.agreement_id
        ),
        {
            "partner": _ref_of(1, "partner_id", "partners"),
            "agreementKind": _of(1, "kind"),
            "dispatchedOn": _of(0, "sent_on"),
        },
    ),
    "referrals": Source(_simple(Referral)),
    "qualified_agreements": Source(_simple(QualifiedAgreement)),
    "revenue_lines": Source(_simple(RevenueLine)),
    "revenue_corrections": Source(
        _simple(RevenueLine),
        {
            "revenueLine": _root,
            "action": lambda found, _n, _c: "void" if found[0].voided else "correct",
            "kind": _unless_void("kind"),
            "amount": _unless_void("amount"),
            "occurredOn": _unless_void("occurred_on"),
        },
        _chains,
    ),
    "client_payments": Source(_simple(ClientPayment)),
    "payouts": Source(
        lambda: select(Payout, Commission).join(Commission, Commission.id == Payout.commission_id),
        {"qualifiedAgreement": _ref_of(1, "qualified_agreement_id", "qualified_agreements")},
    ),
    "evidence": Source(_simple(Evidence)),
    "tax_documents": Source(_simple(TaxDocument)),
}


def _read(kind: str, name: str) -> Read:
    """How a kind's column is read when its Source does not say: by name from the record."""
    column = next(c for c in FILES[kind] if c.name == name)
    if column.ref is not None:
        return _ref_of(0, f"{_snake(name)}_id", column.ref)
    if column.type is Type.LIST:
        return lambda found, _n, _c: tuple(getattr(found[0], _snake(name)))
    return _of(0, _snake(name))


async def stored_rows(session: AsyncSession, program: Program, kind: str) -> Rows:
    """The imported records of one kind as rows, by externalId (an attached acceptance
    document's hash under `_sha256`)."""
    source = SOURCES[kind]
    refs = {c.ref for c in FILES[kind] if c.ref is not None}
    names = {k: await _ids(session, program, k) for k in {kind, *refs}}
    context = await source.prepare(session, program) if source.prepare else {}
    columns = [c.name for c in FILES[kind] if c.name != "externalId"]
    reads = {name: source.reads.get(name) or _read(kind, name) for name in columns}
    query = source.query()
    record = query.column_descriptions[0]["entity"]
    out: Rows = {}
    for found in await session.execute(query.join(*_imported(record.id, program, kind))):
        ident = names[kind][found[0].id]
        row = {"externalId": ident, **{n: read(found, names, context) for n, read in reads.items()}}
        if kind == "agreements" and row["documentFile"]:
            row["_sha256"] = found[2].sha256
        out[ident] = row
    return out


async def export_history(
    session: AsyncSession, store: BlobStore, program: Program
) -> dict[str, bytes]:
    """Every import file of a program's imported records (rows in externalId order), and the
    attached acceptance documents, by file name."""
    files: dict[str, bytes] = {}
    for kind in FILES:
        rows = await stored_rows(session, program, kind)
        files[filename(kind)] = render_file(kind, [rows[k] for k in sorted(rows)])
        if kind == "agreements":
            for row in rows.values():
                if row["documentFile"]:
                    files[row["documentFile"]] = store.get(row["_sha256"])
    return files
