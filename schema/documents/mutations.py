"""Publishing contract template versions (admin keys only)."""

from __future__ import annotations

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from contract_templates.renderer import MAX_BYTES
from schema.context import Info
from schema.documents.types import TemplateVersion
from schema.payloads import attempt, user_errors
from services.documents.templates import publish_version
from services.errors import TemplateErrorCode

TemplateErrorCodeEnum = strawberry.enum(
    TemplateErrorCode, name="TemplateErrorCode", description="Why a template was refused."
)


@strawberry.type(description="A refused template: the input path, a stable code, a message.")
class TemplateUserError:
    field: list[str] | None
    code: TemplateErrorCodeEnum  # type: ignore[valid-type]
    message: str


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
        upload = input.file
        data = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        row, errors = await attempt(
            info, publish_version, info.context.store, input.template_id, data, input.notes
        )
        return PublishTemplateVersionPayload(
            template_version=TemplateVersion.from_row(row) if row else None,
            user_errors=user_errors(errors, TemplateUserError),
        )
