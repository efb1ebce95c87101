"""Download file names: readable ASCII (transliterated, "Lumière" -> "Lumiere") and unique."""

from __future__ import annotations

import re
import uuid

from text_unidecode import unidecode

UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def document_filename(kind: str, partner_name: str, document_id: uuid.UUID, *extra: str) -> str:
    """`segment-program-agreement-lumiere-sa-2026-12-01-3f2a9c1b.docx`.

    The document id's first eight hex digits make each document's name its own, so two
    documents of one agreement never share a file name.
    """
    parts = [kind, unidecode(partner_name), *extra]
    slug = "-".join(filter(None, (UNSAFE.sub("-", p).strip("-").lower() for p in parts)))
    return f"{slug[:110].rstrip('-')}-{document_id.hex[:8]}.docx"
