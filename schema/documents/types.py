"""Contract documents generated for agreements, and the template versions they come from."""

from __future__ import annotations

import datetime as dt

import strawberry

from models import Document as DocumentRow
from models import TemplateVersion as TemplateVersionRow
from schema.common import Node
from schema.context import Info
from schema.ids import encode_id


@strawberry.type(description="A generated contract document (DOCX), stored by its SHA-256.")
class Document(Node):
    row: strawberry.Private[DocumentRow]
    kind: str = strawberry.field(description="The agreement kind or `termination-notice`.")
    filename: str
    content_type: str
    size: int = strawberry.field(description="Bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the file; also its HTTP ETag.")
    created_at: dt.datetime
    template_id: str
    template_version: int
    event: str = strawberry.field(
        description="The operation whose audit event produced this document."
    )

    @classmethod
    def from_row(cls, row: DocumentRow) -> Document:
        return cls(
            id=strawberry.ID(encode_id("Document", row.id)),
            row=row,
            kind=row.kind,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            created_at=row.created_at,
            template_id=row.template_id,
            template_version=row.template_version,
            event=row.event,
        )

    @strawberry.field(
        description="A signed download link, valid for a short time (default "
        "15 minutes); `?format=pdf` converts when the server has LibreOffice."
    )
    def download_url(self, info: Info) -> str:
        return info.context.base_url + info.context.links.path(self.row.id, str(self.id))

    @strawberry.field(description="ID of the audit event that produced this document.")
    def audit_event_id(self) -> strawberry.ID | None:
        if self.row.audit_event_id is None:
            return None
        return strawberry.ID(encode_id("AuditEvent", self.row.audit_event_id))


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
