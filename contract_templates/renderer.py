"""Checking and rendering DOCX templates with docxtpl in a sandboxed, autoescaping Jinja.

A template is refused before use when it is not a real DOCX, is oversized or zip-bomb shaped,
has a Jinja syntax error, touches private attributes (`{{ ''.__class__ }}`), uses include,
import or extends, or needs a variable its kind does not provide.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from rules.bounded_cache import BoundedCache

MAX_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 300
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_RATIO = 200
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
MARKERS = ("{{", "}}", "{%", "%}")


class TemplateError(Exception):
    """A template that cannot be used, with a stable code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class TemplateInfo:
    """What a checked template needs."""

    variables: frozenset[str]


def make_environment() -> SandboxedEnvironment:
    """The only Jinja environment templates run in: sandboxed, autoescaping, strict."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def check_archive(data: bytes) -> None:
    """Refuse anything but a plausible, bounded DOCX zip."""
    if len(data) > MAX_BYTES:
        raise TemplateError("TOO_LARGE", f"a template is limited to {MAX_BYTES // 1024} KiB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("NOT_DOCX", "the file is not a DOCX (zip) document")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise TemplateError("TOO_MANY_ENTRIES", f"a DOCX may hold at most {MAX_ENTRIES} parts")
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if total > MAX_UNCOMPRESSED or (entry.file_size > 1_000_000 and ratio > MAX_RATIO):
                raise TemplateError("ZIP_BOMB", "the DOCX expands to more than is allowed")
        names = {e.filename for e in entries}
        missing = [p for p in REQUIRED_PARTS if p not in names]
        if missing:
            raise TemplateError("NOT_DOCX", f"the DOCX lacks {', '.join(missing)}")


CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _sources(template: DocxTemplate) -> Iterable[str]:
    document = template.docx
    yield template.patch_xml(template.xml_to_string(document._element.body))
    for name in CORE_PROPERTIES:
        yield getattr(document.core_properties, name) or ""
    for rel in document.part.rels.values():
        if rel.reltype in (template.HEADER_URI, template.FOOTER_URI) and not rel.is_external:
            yield template.patch_xml(rel.target_part.blob.decode("utf-8"))


def _check_safe(tree: nodes.Template) -> None:
    for node in tree.find_all(
        (
            nodes.Getattr,
            nodes.Getitem,
            nodes.Include,
            nodes.Import,
            nodes.FromImport,
            nodes.Extends,
            nodes.Macro,
            nodes.Filter,
            nodes.Test,
        )
    ):
        if isinstance(node, nodes.Filter | nodes.Test):
            # `|attr('__class__')` and `map(attribute='_x')` reach attributes by name
            if node.name == "attr":
                raise TemplateError("SANDBOX_VIOLATION", "the attr filter is not allowed")
            for keyword in node.kwargs:
                value = keyword.value
                if keyword.key == "attribute" and not (
                    isinstance(value, nodes.Const) and not str(value.value).startswith("_")
                ):
                    raise TemplateError(
                        "SANDBOX_VIOLATION", "attribute= must name a public attribute literally"
                    )
            continue
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise TemplateError("SANDBOX_VIOLATION", f"access to private attribute {node.attr!r}")
        if isinstance(node, nodes.Getitem):
            key = node.arg
            if isinstance(key, nodes.Const) and str(key.value).startswith("_"):
                raise TemplateError("SANDBOX_VIOLATION", f"access to private item {key.value!r}")
            if not isinstance(key, nodes.Const | nodes.Name):
                # `''['_' ~ '_class__']`: a computed key could name anything
                raise TemplateError(
                    "SANDBOX_VIOLATION", "item access needs a literal key or a variable"
                )
        if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            raise TemplateError("SANDBOX_VIOLATION", "include, import and extends are not allowed")
        if isinstance(node, nodes.Macro):
            raise TemplateError("SANDBOX_VIOLATION", "macros are not allowed")


_ANALYZED: BoundedCache[str, TemplateInfo] = BoundedCache(256)


def analyze(data: bytes) -> TemplateInfo:
    """Check a template's archive, syntax and safety; list the variables it uses (checked once
    per content: the result is kept by SHA-256)."""
    digest = hashlib.sha256(data).hexdigest()
    known = _ANALYZED.entries.get(digest)
    return _ANALYZED.put(digest, _analyze(data)) if known is None else known


def _analyze(data: bytes) -> TemplateInfo:
    check_archive(data)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as exc:  # python-docx raises many kinds on malformed parts
        raise TemplateError("NOT_DOCX", f"the DOCX cannot be opened: {exc}") from exc
    env = make_environment()
    variables: set[str] = set()
    for source in _sources(template):
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateError("TEMPLATE_SYNTAX", f"Jinja syntax error: {exc.message}") from exc
        _check_safe(tree)
        variables |= meta.find_undeclared_variables(tree)
    return TemplateInfo(frozenset(variables))


def render(data: bytes, context: Mapping[str, Any], info: TemplateInfo | None = None) -> bytes:
    """Render a checked template; every variable it uses must be in `context`.

    The template is compiled once per content and reused (`contract_templates.compiled`).
    """
    from contract_templates.compiled import compile_template, compiled

    template = compiled(data) if info is None else compile_template(data, info)
    return template.render(context)
