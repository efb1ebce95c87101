"""importProgramHistory: load a program's history from CSV files (admin keys; docs/import.md)."""

from __future__ import annotations

import base64
import binascii

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schema.context import Info
from schema.payloads import input_id, user_errors
from services.actor import Actor
from services.errors import FieldError, ImportErrorCode, UseCaseError
from services.imports import history

ImportErrorCodeEnum = strawberry.enum(
    ImportErrorCode,
    name="ImportErrorCode",
    description="Why a history import, or one of its rows, was refused (docs/import.md).",
)


@strawberry.type(description="A refused import: the input path, a stable code, a message.")
class ImportUserError:
    field: list[str] | None
    code: ImportErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.input(description="One CSV file of the import, e.g. referrals.csv, as text.")
class ImportFileInput:
    name: str = strawberry.field(description="partners.csv, memberships.csv, agreements.csv, ...")
    content: str = strawberry.field(description="The file's text (UTF-8 CSV, header first).")


@strawberry.input(description="A file an agreements row names in documentFile.")
class ImportAttachmentInput:
    name: str
    content_base64: str = strawberry.field(description="The file's bytes, base64-encoded.")


@strawberry.input(description="A program's history as its import files (docs/import.md).")
class ImportProgramHistoryInput:
    program_id: strawberry.ID
    files: list[ImportFileInput]
    attachments: list[ImportAttachmentInput] = strawberry.field(default_factory=list)
    dry_run: bool = strawberry.field(
        default=False, description="Check and write everything, then roll back."
    )


@strawberry.type(description="What an import did with one file.")
class ImportFileReport:
    file: str
    rows: int
    created: int = strawberry.field(description="Rows imported now.")
    unchanged: int = strawberry.field(description="Rows imported before, identical: skipped.")


@strawberry.type(description="A bad row: its file, line (1 = the header), column, code, message.")
class ImportRowError:
    file: str
    line: int
    column: str
    code: ImportErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.type(description="An import's report; with any row error nothing was written.")
class ImportReport:
    dry_run: bool
    files: list[ImportFileReport]
    row_errors: list[ImportRowError]


@strawberry.type(description="Result of importProgramHistory.")
class ImportProgramHistoryPayload:
    report: ImportReport | None
    user_errors: list[ImportUserError]


def _report(report: history.ImportReport) -> ImportReport:
    return ImportReport(
        dry_run=report.dry_run,
        files=[
            ImportFileReport(file=f.file, rows=f.rows, created=f.created, unchanged=f.unchanged)
            for f in report.files
        ],
        row_errors=[
            ImportRowError(
                file=e.file, line=e.line, column=e.column, code=e.code, message=e.message
            )
            for e in report.errors
        ],
    )


async def _import(
    session: AsyncSession, actor: Actor, store: object, data: ImportProgramHistoryInput
) -> history.ImportReport:
    program_id = input_id(
        data.program_id, "Program", "programId", ImportErrorCode.PROGRAM_NOT_FOUND
    )
    attachments: dict[str, bytes] = {}
    for i, attachment in enumerate(data.attachments):
        try:
            attachments[attachment.name] = base64.b64decode(
                attachment.content_base64, validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise UseCaseError.one(
                ["input", "attachments", str(i), "contentBase64"],
                ImportErrorCode.INVALID,
                "not base64",
            ) from exc
    files: dict[str, bytes] = {}
    for i, item in enumerate(data.files):
        if item.name in files:
            raise UseCaseError.one(
                ["input", "files", str(i), "name"],
                ImportErrorCode.DUPLICATE_FILE,
                f"{item.name} is given twice",
            )
        files[item.name] = item.content.encode("utf-8")
    return await history.import_history(
        session,
        actor,
        store,  # type: ignore[arg-type]
        program_id=program_id,
        files=files,
        attachments=attachments.get,
        dry_run=data.dry_run,
    )


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description="Load a program's history from its CSV files (admin keys; docs/import.md): "
        "partners, memberships with tier history, agreements with acceptances, referrals, "
        "qualified agreements, revenue lines, client payments, payouts, evidence. Facts keep "
        "their own dates and the commission ledger is recomputed from them. One bad row "
        "refuses the whole import (ROWS_REFUSED) with every bad row in report.rowErrors; "
        "rows imported before are skipped, so importing the same files twice changes nothing."
    )
    async def import_program_history(
        self, info: Info, input: ImportProgramHistoryInput
    ) -> ImportProgramHistoryPayload:
        errors: list[FieldError]
        try:
            report = await info.context.run(_import, info.context.store, input)
            return ImportProgramHistoryPayload(report=_report(report), user_errors=[])
        except history.ImportRefusedError as refused:
            errors = refused.errors
            return ImportProgramHistoryPayload(
                report=_report(refused.report), user_errors=user_errors(errors, ImportUserError)
            )
        except UseCaseError as refusal:
            errors = refusal.errors
        return ImportProgramHistoryPayload(
            report=None, user_errors=user_errors(errors, ImportUserError)
        )
