"""Templates compiled once per version: each templated part is a ready Jinja template.

docxtpl re-opens the DOCX, re-parses and re-compiles every part on every render. A compiled
template keeps the static parts compressed once into a zip, and the templated parts (body,
headers, footers, core properties) as compiled Jinja templates, so a render is: run the
templates, check their output for leftover markup, append them to a copy of that zip.

Data is never markup and never altered: every value goes through `xml_text`, which escapes it
for XML and writes its braces as character references (`&#123;`), which Word and LibreOffice
show as `{`. A partner called "{{ 7*7 }} Corp" therefore appears as that, and any `{{` or `{%`
left in the rendered XML can only come from the template itself (an error).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from contract_templates.renderer import (
    MARKERS,
    TemplateError,
    TemplateInfo,
    analyze,
    make_environment,
)
from rules.bounded_cache import BoundedCache

TEMPLATED_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml)$"
)
PARAGRAPH = re.compile(r"<w:p([ >])")


def xml_text(value: Any) -> Markup:
    """A value as XML text: escaped, braces as character references (never template syntax)."""
    text = str(escape(value))
    return Markup(text.replace("{", "&#123;").replace("}", "&#125;"))  # noqa: S704 (escaped above)


def compiling_environment() -> SandboxedEnvironment:
    """The sandboxed, autoescaping, strict environment, with data written by `xml_text`."""
    env = make_environment()
    env.finalize = xml_text
    return env


@dataclass(frozen=True)
class Part:
    """One zip entry: static bytes, or a compiled template."""

    info: zipfile.ZipInfo
    data: bytes
    template: Template | None


@dataclass(frozen=True)
class CompiledTemplate:
    """A checked template ready to render many times."""

    parts: tuple[Part, ...]
    info: TemplateInfo
    static_zip: bytes = b""

    @property
    def variables(self) -> frozenset[str]:
        """The top-level variables the template uses."""
        return self.info.variables

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The rendered DOCX; every variable the template uses must be in `context`."""
        missing = sorted(self.info.variables - set(context))
        if missing:
            raise TemplateError("MISSING_VARIABLE", f"the context lacks {', '.join(missing)}")
        out = io.BytesIO(self.static_zip)  # static parts were compressed once, at compile time
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for part in self.parts:
                if part.template is not None:
                    xml = _render_part(part, context)
                    archive.writestr(part.info, xml.encode("utf-8"), zipfile.ZIP_DEFLATED, 1)
        return out.getvalue()


def _render_part(part: Part, context: Mapping[str, Any]) -> str:
    assert part.template is not None
    try:
        xml = part.template.render(context)
    except SecurityError as exc:
        raise TemplateError("SANDBOX_VIOLATION", str(exc)) from exc
    except UndefinedError as exc:
        raise TemplateError("MISSING_VARIABLE", str(exc)) from exc
    # the line breaks put before paragraphs at compile time come out again (two plain replaces
    # do what one regular expression with a group did, in a fifth of the time)
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    # every marker holds a brace, and values write theirs as character references: a rendered
    # part without a brace (the usual case) needs no further scan
    if ("{" in xml or "}" in xml) and any(marker in xml for marker in MARKERS):
        raise TemplateError(
            "UNRENDERED_MARKUP",
            f"{part.info.filename} still holds template markup after rendering",
        )
    return xml


def compile_template(data: bytes, info: TemplateInfo | None = None) -> CompiledTemplate:
    """Check a template (see `analyze`) and compile its templated parts."""
    info = info or analyze(data)
    env = compiling_environment()
    patcher = DocxTemplate(io.BytesIO(data))
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            raw = archive.read(entry)
            template = None
            if TEMPLATED_PART.match(entry.filename) and b"{" in raw:
                source = patcher.patch_xml(raw.decode("utf-8"))
                template = env.from_string(PARAGRAPH.sub(r"\n<w:p\1", source))
            parts.append(Part(_fresh(entry), raw, template))
    static = io.BytesIO()
    with zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            if part.template is None:
                archive.writestr(part.info, part.data, zipfile.ZIP_DEFLATED, 6)
    return CompiledTemplate(tuple(parts), info, static.getvalue())


_CACHE: BoundedCache[str, CompiledTemplate] = BoundedCache(64)


def compiled(data: bytes) -> CompiledTemplate:
    """The compiled form of a template, compiled once per content (SHA-256) and reused."""
    key = hashlib.sha256(data).hexdigest()
    found = _CACHE.entries.get(key)
    return _CACHE.put(key, compile_template(data)) if found is None else found


def _fresh(entry: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A zip entry header to write again (name and date kept, deflated)."""
    info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = entry.external_attr
    return info
