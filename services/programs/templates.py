"""The contract templates a program file names (issue 12): a DOCX path or a shipped template id.

`agreements.template` is either a path ending in `.docx`, relative to the program file, or the id
of a template in `contract_templates/manifest.toml`. A shipped template made for the agreement's
kind and program is used as it is (the seeds). Otherwise the loader publishes the named content as
template `<slug>-<kind>` for the program and kind, a new version whenever the content changes, so
`partnergraph programs load new.toml` needs no manifest entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from models.documents.blobs import BlobStore
from models.documents.queries import ANY_PROGRAM
from services.actor import SYSTEM
from services.documents import templates
from services.programs.files import ProgramFile, ProgramFileError


@dataclass(frozen=True)
class ProgramTemplate:
    """Template content a program file brings for one of its agreement kinds."""

    template_id: str
    program_slug: str
    kind: str
    title: str
    data: bytes


def is_path(template: str) -> bool:
    """Whether an `agreements.template` value names a DOCX file rather than a shipped id."""
    return template.endswith(".docx")


def program_templates(file: ProgramFile) -> list[ProgramTemplate]:
    """The templates to publish for a program file; raise ProgramFileError naming each problem."""
    spec = file.definition
    shipped: dict[str, templates.ManifestEntry] = {}
    for item in templates.read_manifest():
        if item.id not in shipped or item.version > shipped[item.id].version:
            shipped[item.id] = item
    found: list[ProgramTemplate] = []
    problems: list[str] = []
    for i, agreement in enumerate(spec.agreements):
        where = f"agreements[{i}].template"
        entry = shipped.get(agreement.template)
        data: bytes
        if is_path(agreement.template):
            path = file.path.parent / agreement.template
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(f"{where}: {agreement.template} cannot be read: {exc.strerror}")
                continue
        elif entry is None:
            problems.append(
                f"{where}: {agreement.template!r} is neither a .docx path nor a shipped template id"
            )
            continue
        elif entry.kind == agreement.kind and entry.program in (spec.slug, ANY_PROGRAM):
            continue  # the shipped template serves this program and kind already
        else:
            data = (templates.MANIFEST.parent / entry.file).read_bytes()
        found.append(
            ProgramTemplate(
                f"{spec.slug}-{agreement.kind}", spec.slug, agreement.kind, agreement.name, data
            )
        )
    if problems:
        raise ProgramFileError(file.path, problems)
    return found


async def publish_program_templates(
    session: AsyncSession, store: BlobStore | None, items: list[ProgramTemplate], path: Path
) -> None:
    """Publish each template whose content is not its template's newest version."""
    for item in items:
        latest = await templates.latest_version(session, item.template_id)
        if latest is not None and latest.sha256 == hashlib.sha256(item.data).hexdigest():
            continue
        if store is None:
            raise ProgramFileError(
                path, [f"agreements: {item.template_id} needs a blob store to be published"]
            )
        try:
            await templates.publish_new(
                session,
                SYSTEM,
                store,
                item.template_id,
                item.program_slug,
                item.kind,
                item.title,
                item.data,
                latest.version + 1 if latest is not None else 1,
            )
        except ValueError as exc:
            raise ProgramFileError(path, [f"agreements: template {exc}"]) from exc
