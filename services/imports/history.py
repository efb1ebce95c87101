"""Use case: import a program's history from CSV files (issue 11), and export it back.

Every file is read and every row checked before anything is written; one bad row refuses the
whole import with a report of every bad row (file, line, column, code, message). Rows whose
externalId was imported before are skipped when they are unchanged, so importing the same
files twice changes nothing. Facts keep their own dates; the ledger is then recomputed from
them (`services.commissions.ledger_batch.recompute_many`, the batched `recompute`) and the
payouts recorded against it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

import models
from models import Acceptance, AuditEvent, Program
from models.base import utcnow
from models.documents.blobs import BlobStore
from services.actor import Actor
from services.audit.log import record
from services.commissions.ledger_batch import recompute_many
from services.errors import FieldError, UseCaseError
from services.errors import ImportErrorCode as Code
from services.imports import checks_commissions as commissions
from services.imports import checks_corrections as corrections
from services.imports import checks_evidence as evidence
from services.imports import checks_notices as notices
from services.imports import checks_partners as people
from services.imports import checks_referrals as referrals
from services.imports.bulk import insert_rows
from services.imports.columns import FILES
from services.imports.documents import render_generated
from services.imports.export import stored_rows
from services.imports.marks import audit_rows
from services.imports.payouts import check_payouts, record_payouts
from services.imports.plan import Attachments, Plan, Progress, known_ids, no_progress, split_known
from services.imports.reading import ParsedFile, Row, RowError, kind_of, parse_file
from services.imports.staging import StagedBlobs
from services.partners.memberships import program_today
from services.referrals.policy import policy_of

BATCH = 5000
ANALYZE_FROM = 10_000
LEDGER_TABLES = (
    "referrals",
    "qualified_agreements",
    "revenue_lines",
    "client_payments",
    "commissions",
    "payouts",
)


@dataclass(frozen=True)
class FileReport:
    """What an import did with one file."""

    file: str
    rows: int
    created: int
    unchanged: int


@dataclass
class ImportReport:
    """An import's outcome: per file counts and every bad row (nothing written if any)."""

    program: str
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportRefusedError(UseCaseError):
    """Bad rows: nothing was imported; `report` lists every one."""

    def __init__(self, report: ImportReport) -> None:
        count = len(report.errors)
        names = sorted({e.file for e in report.errors})
        super().__init__(
            [
                FieldError(
                    ("input", "files"),
                    Code.ROWS_REFUSED,
                    f"{count} bad row(s) in {', '.join(names)}: nothing was imported",
                )
            ]
        )
        self.report = report


Checker = Callable[[AsyncSession, Plan, ParsedFile, list[Row]], Awaitable[None]]


def _checkers(policy: Any) -> dict[str, Checker]:
    def sync(check: Callable[[Plan, ParsedFile, list[Row]], None]) -> Checker:
        async def run(_s: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]) -> None:
            check(plan, parsed, rows)

        return run

    def with_policy(check: Any) -> Checker:
        async def run(s: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]) -> None:
            if policy is None:
                parsed.error(None, "", Code.NO_REFERRAL_PROGRAM, "the program takes no referrals")
                return
            await check(s, plan, policy, parsed, rows)

        return run

    return {
        "partners": sync(people.check_partners),
        "memberships": people.check_memberships,
        "agreements": people.check_agreements,
        "agreement_notices": notices.check_notices,
        "referrals": with_policy(referrals.check_referrals),
        "qualified_agreements": with_policy(commissions.check_qualified),
        "revenue_lines": with_policy(commissions.check_money),
        "client_payments": with_policy(commissions.check_money),
        "payouts": check_payouts,
        "evidence": sync(evidence.check_evidence),
        "revenue_corrections": with_policy(corrections.check_corrections),
        "tax_documents": sync(corrections.check_tax_documents),
    }


async def _program(
    session: AsyncSession, actor: Actor, slug: str | None, ident: uuid.UUID | None
) -> Program:
    if not actor.is_admin:
        raise UseCaseError.one(["input", "program"], Code.FORBIDDEN, "only an admin can import")
    found = select(Program).where(Program.slug == slug if ident is None else Program.id == ident)
    program = await session.scalar(found)
    if program is None:
        raise UseCaseError.one(["input", "program"], Code.PROGRAM_NOT_FOUND, "no such program")
    return program


async def import_history(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    program_slug: str | None = None,
    program_id: uuid.UUID | None = None,
    files: dict[str, bytes],
    attachments: Attachments,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import a program's history from its files (by name: `partners.csv`, ...).

    Raises ImportRefusedError (nothing written) when any row is bad. A dry run checks and writes
    everything inside a savepoint it then rolls back, so it finds the same errors.
    """
    program = await _program(session, actor, program_slug, program_id)
    report = ImportReport(program.slug, dry_run)
    parsed: dict[str, ParsedFile] = {}
    for name, data in files.items():
        kind = kind_of(name)
        if kind is None:
            report.errors.append(RowError(name, 0, "", Code.UNKNOWN_FILE, "not an import file"))
            continue
        parsed[kind] = parse_file(kind, data)
    plan = Plan(program, program_today(program), await known_ids(session, program), attachments)
    checkers = _checkers(policy_of(program))
    for kind in FILES:
        if kind not in parsed:
            continue
        file = parsed[kind]
        known = plan.known.get(kind, {})
        stored = None
        if any(row.external_id in known for row in file.rows):
            stored = await stored_rows(session, program, kind)
        fresh = split_known(plan, file, stored)
        await checkers[kind](session, plan, file, fresh)
        progress("checked", len(file.rows))
    report.errors += [e for kind in FILES if kind in parsed for e in parsed[kind].errors]
    if report.errors:
        raise ImportRefusedError(report)
    nested = await session.begin_nested()
    staged = StagedBlobs(store)
    await _write(session, staged, plan, progress)
    if plan.late_errors:
        await nested.rollback()
        report.errors += plan.late_errors
        raise ImportRefusedError(report)
    if "payouts" in parsed:
        paid = await record_payouts(session, plan, parsed["payouts"])
        if parsed["payouts"].errors:
            await nested.rollback()
            report.errors += parsed["payouts"].errors
            raise ImportRefusedError(report)
        await recompute_many(session, program, sorted(paid))
        progress("ledger", len(paid))
    for kind in FILES:
        if kind in parsed:
            created = len(plan.new.get(kind, {}))
            if kind == "payouts":
                created = len(plan.payouts)
            report.files.append(
                FileReport(
                    parsed[kind].name,
                    len(parsed[kind].rows),
                    created,
                    plan.unchanged.get(kind, 0),
                )
            )
    await _write_marks(session, actor, plan, progress)
    changes = {f.file: [None, f.created] for f in report.files if f.created}
    if changes:
        await record(session, actor, "importProgramHistory", "Program", program.id, changes)
    if dry_run:
        await nested.rollback()
    else:
        await nested.commit()
        staged.commit()
    return report


async def _write(session: AsyncSession, store: BlobStore, plan: Plan, progress: Progress) -> None:
    """Insert the planned rows in batches (tables in dependency order), render generated
    acceptance documents, then recompute the ledger of every partner with money facts."""
    for data in plan.blobs:
        store.put(data)
    for table in models.Base.metadata.sorted_tables:
        rows = plan.inserts.get(table)
        if not rows:
            continue
        if table is Acceptance.__table__:
            await render_generated(session, store, plan)
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            await insert_rows(session, table, batch)
            progress("written", len(batch))
    for statement in plan.updates:
        await session.execute(statement)
    if sum(len(rows) for rows in plan.inserts.values()) >= ANALYZE_FROM:
        await analyze(session, LEDGER_TABLES)
    partners = sorted(plan.ledger_partners)
    plan.facts = await recompute_many(session, plan.program, partners)
    progress("ledger", len(partners))


async def _write_marks(session: AsyncSession, actor: Actor, plan: Plan, progress: Progress) -> None:
    """The backfill mark of every imported fact (its own audit event, issue 11)."""
    rows = audit_rows(actor, plan.today, utcnow(), plan.marks)
    table = models.Base.metadata.tables[AuditEvent.__tablename__]
    for i in range(0, len(rows), BATCH):
        await insert_rows(session, table, rows[i : i + BATCH])
        progress("marked", len(rows[i : i + BATCH]))


async def analyze(session: AsyncSession, tables: tuple[str, ...] = ()) -> None:
    """Refresh the planner's statistics after a large import (PostgreSQL): of some tables (the
    import's own rows count, so the ledger's reads plan well), or of all."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {', '.join(tables)}"))
