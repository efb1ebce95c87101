"""Use cases: publish contract template versions (shipped or uploaded) and find the current one."""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract_templates.probe import trial_render
from contract_templates.renderer import TemplateError, analyze
from models import TemplateVersion
from models.base import utcnow
from models.documents.blobs import BlobStore
from models.documents.queries import newest_template
from services.actor import Actor
from services.audit.log import record
from services.errors import TemplateErrorCode, UseCaseError

MANIFEST = Path(__file__).resolve().parents[2] / "contract_templates" / "manifest.toml"
NOTES_MAX = 1000

# The variables the renderer provides to each kind of template (services.documents.context).
NOTICE_VARIABLES = frozenset(
    {"agreement", "document", "notice", "operator", "partner", "program", "template", "terms"}
)
CONTEXT_VARIABLES = {
    "agreement": frozenset(
        {
            "acceptance",
            "agreement",
            "commission",
            "document",
            "operator",
            "partner",
            "program",
            "signer",
            "template",
            "terms",
        }
    ),
    "termination": NOTICE_VARIABLES | {"termination"},
    "notice": NOTICE_VARIABLES | {"termination"},
    "statement": frozenset({"document", "operator", "partner", "program", "statement", "template"}),
}
NOTICE_KINDS = (
    "termination-notice",
    "non-renewal-notice",
    "breach-notice",
    "breach-termination-notice",
)
CONTEXT_OF_KIND = {"commission-statement": "statement"} | {k: "notice" for k in NOTICE_KINDS}


class ManifestEntry(BaseModel):
    """One shipped template version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,63}$")
    version: int = Field(ge=1)
    program: str
    kind: str
    context: str
    title: str
    file: str
    variables: list[str]


class Manifest(BaseModel):
    """contract_templates/manifest.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    templates: list[ManifestEntry]


def read_manifest(path: Path = MANIFEST) -> list[ManifestEntry]:
    """The shipped template entries."""
    try:
        return Manifest.model_validate(tomllib.loads(path.read_text("utf-8"))).templates
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class SyncResult:
    """What syncing one manifest entry did."""

    template_id: str
    version: int
    action: str


def _context_name(kind: str) -> str:
    return CONTEXT_OF_KIND.get(kind, "agreement")


def _refuse(code: TemplateErrorCode, message: str, field: str = "file") -> UseCaseError:
    return UseCaseError.one(["input", field], code, message)


def _check(data: bytes, kind: str) -> list[str]:
    """Analyze a template for `kind`; its variables must be ones the renderer provides."""
    try:
        info = analyze(data)
    except TemplateError as exc:
        raise _refuse(TemplateErrorCode(exc.code.lower()), str(exc)) from exc
    try:
        trial_render(data, info)
    except TemplateError as exc:
        raise _refuse(TemplateErrorCode(exc.code.lower()), str(exc)) from exc
    allowed = CONTEXT_VARIABLES[_context_name(kind)]
    unknown = sorted(info.variables - allowed)
    if unknown:
        raise _refuse(
            TemplateErrorCode.UNKNOWN_VARIABLE,
            f"the template uses {', '.join(unknown)}, which a {kind} does not "
            f"provide (available: {', '.join(sorted(allowed))})",
        )
    return sorted(info.variables)


async def sync_shipped(
    session: AsyncSession,
    store: BlobStore,
    actor: Actor,
    entries: list[ManifestEntry] | None = None,
) -> list[SyncResult]:
    """Publish every shipped template version not yet in the database (idempotent)."""
    results = []
    for entry in entries if entries is not None else read_manifest():
        data = (MANIFEST.parent / entry.file).read_bytes()
        existing = await session.scalar(
            select(TemplateVersion).where(
                TemplateVersion.template_id == entry.id, TemplateVersion.version == entry.version
            )
        )
        digest = store.put(data)
        if existing is not None:
            if existing.sha256 != digest:
                raise _refuse(
                    TemplateErrorCode.IMMUTABLE_VERSION,
                    f"{entry.id} v{entry.version} is published with other content; "
                    "publish a new version instead",
                )
            results.append(SyncResult(entry.id, entry.version, "unchanged"))
            continue
        variables = _check(data, entry.kind)
        if sorted(entry.variables) != variables:
            raise ValueError(
                f"manifest variables of {entry.id} v{entry.version} are "
                f"{sorted(entry.variables)}, the file uses {variables}"
            )
        session.add(
            TemplateVersion(
                id=uuid.uuid4(),
                template_id=entry.id,
                version=entry.version,
                program_slug=entry.program,
                kind=entry.kind,
                title=entry.title,
                variables=variables,
                sha256=digest,
                size=len(data),
                notes="shipped",
                published_at=utcnow(),
                published_by=actor.key_id,
            )
        )
        results.append(SyncResult(entry.id, entry.version, "published"))
    await session.flush()
    return results


async def publish_version(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    template_id: str,
    data: bytes,
    notes: str = "",
) -> TemplateVersion:
    """Publish the next version of an existing template (admins only); old versions stay."""
    if not actor.is_admin:
        raise _refuse(
            TemplateErrorCode.FORBIDDEN, "only an admin key can publish templates", "templateId"
        )
    if len(notes) > NOTES_MAX:
        raise _refuse(
            TemplateErrorCode.TOO_LONG, f"notes are limited to {NOTES_MAX} characters", "notes"
        )
    latest = await latest_version(session, template_id)
    if latest is None:
        raise _refuse(
            TemplateErrorCode.UNKNOWN_TEMPLATE,
            f"no template is called {template_id!r}",
            "templateId",
        )
    variables = _check(data, latest.kind)
    digest = store.put(data)
    version = TemplateVersion(
        id=uuid.uuid4(),
        template_id=template_id,
        version=latest.version + 1,
        program_slug=latest.program_slug,
        kind=latest.kind,
        title=latest.title,
        variables=variables,
        sha256=digest,
        size=len(data),
        notes=notes.strip(),
        published_at=utcnow(),
        published_by=actor.key_id,
    )
    session.add(version)
    await session.flush()
    await record(
        session,
        actor,
        "publishTemplateVersion",
        "TemplateVersion",
        version.id,
        {
            "template_id": [None, template_id],
            "version": [latest.version, version.version],
            "sha256": [latest.sha256, digest],
        },
    )
    return version


async def publish_new(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    template_id: str,
    program_slug: str,
    kind: str,
    title: str,
    data: bytes,
    version: int,
) -> TemplateVersion:
    """Publish a template version a program file names (services.programs.templates)."""
    try:
        variables = _check(data, kind)
    except UseCaseError as exc:
        raise ValueError(f"{template_id}: {exc.errors[0].message}") from exc
    row = TemplateVersion(
        id=uuid.uuid4(),
        template_id=template_id,
        version=version,
        program_slug=program_slug,
        kind=kind,
        title=title,
        variables=variables,
        sha256=store.put(data),
        size=len(data),
        notes="from the program file",
        published_at=utcnow(),
        published_by=actor.key_id,
    )
    session.add(row)
    await session.flush()
    return row


async def latest_version(session: AsyncSession, template_id: str) -> TemplateVersion | None:
    """The newest version of a template."""
    return await session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id)
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    )


async def current_for(
    session: AsyncSession, program_slug: str, kind: str
) -> TemplateVersion | None:
    """The newest template version serving `kind` in a program (or any program)."""
    found: TemplateVersion | None = await session.scalar(newest_template(kind, program_slug))
    return found
