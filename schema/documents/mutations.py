"""Publishing contract template versions (admin keys only)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from contract_templates.renderer import MAX_BYTES
from models import TemplateVersion as TemplateVersionRow
from models.documents.blobs import BlobStore
from schema.context import Info
from schema.payloads import attempt, user_errors
from services.actor import Actor
from services.documents import templates as use_cases
from services.errors import TemplateErrorCode, UseCaseError

TemplateErrorCodeEnum = strawberry.enum(
    TemplateErrorCode, name="TemplateErrorCode", description="Why a template was refused."
)


@strawberry.type(description="A refused template: the input path, a stable code, a message.")
class TemplateUserError:
    field: list[str] | None
    code: TemplateErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.type(description="An immutable, published version of a contract template.")
class TemplateVersion:
    template_id: str
    version: int
    program_slug: str = strawberry.field(description="`*` when it serves every program.")
    kind: str
    title: str
    variables: list[str] = strawberry.field(description="Context variables the template uses.")
    sha256: str
    size: int
    notes: str
    published_at: dt.datetime

    @classmethod
    def from_row(cls, row: TemplateVersionRow) -> TemplateVersion:
        return cls(
            template_id=row.template_id,
            version=row.version,
            program_slug=row.program_slug,
            kind=row.kind,
            title=row.title,
            variables=list(row.variables),
            sha256=row.sha256,
            size=row.size,
            notes=row.notes,
            published_at=row.published_at,
        )


@strawberry.input(
    description=f"A new version of an existing template: a DOCX of at most "
    f"{MAX_BYTES // 1024} KiB, sent as a GraphQL multipart upload."
)
class PublishTemplateVersionInput:
    template_id: str
    file: Upload
    notes: str = strawberry.field(default="", description="At most 1000 characters.")


@strawberry.type(description="Result of publishTemplateVersion.")
class PublishTemplateVersionPayload:
    template_version: TemplateVersion | None
    user_errors: list[TemplateUserError]


async def _publish(
    session: AsyncSession, actor: Actor, store: BlobStore, template_id: str, data: bytes, notes: str
) -> TemplateVersionRow:
    return await use_cases.publish_version(session, actor, store, template_id, data, notes)


@strawberry.type
class TemplateMutations:
    @strawberry.mutation(
        description="Publish the next version of a contract template (admin "
        "keys only). Documents already made keep their version; agreements "
        "need a fresh acceptance of the new one (SEG-AGR-12)."
    )
    async def publish_template_version(
        self, info: Info, input: PublishTemplateVersionInput
    ) -> PublishTemplateVersionPayload:
        if not info.context.actor.is_admin:
            errors = UseCaseError.one(
                ["input", "templateId"],
                TemplateErrorCode.FORBIDDEN,
                "only an admin key can publish templates",
            ).errors
            return PublishTemplateVersionPayload(
                template_version=None, user_errors=user_errors(errors, TemplateUserError)
            )
        upload = input.file
        data = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        row, errors = await attempt(
            info, _publish, info.context.store, input.template_id, data, input.notes
        )
        return PublishTemplateVersionPayload(
            template_version=TemplateVersion.from_row(row) if row else None,
            user_errors=user_errors(errors, TemplateUserError),
        )
