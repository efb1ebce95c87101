"""DOCX to PDF through the pool of warm LibreOffice workers; each document is converted once."""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from services.documents.pdf_pool import (
    PdfBusyError,
    PdfConversionError,
    PdfPool,
    PdfUnavailableError,
    find_soffice,
    find_uno_python,
)

__all__ = ["PdfBusyError", "PdfConversionError", "PdfUnavailableError", "convert", "find_soffice"]

_POOLS: dict[str, PdfPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(soffice: str) -> PdfPool:
    """The process-wide pool of warm LibreOffice workers for one binary (started lazily)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(soffice)
        if pool is None:
            python = find_uno_python()
            if python is None:
                raise PdfUnavailableError(
                    "PDF conversion needs LibreOffice's Python UNO bridge (python3-uno)"
                )
            pool = _POOLS[soffice] = PdfPool(soffice=soffice, python=python)
            atexit.register(pool.close)
        return pool


def convert(docx: bytes, sha256: str, cache_dir: Path, soffice: str | None) -> bytes:
    """The PDF of a DOCX, from the cache or converted now (blocking: run it in a thread)."""
    cached = cache_dir / f"{sha256}.pdf"
    if cached.exists():
        return cached.read_bytes()
    if soffice is None:
        raise PdfUnavailableError("PDF conversion needs LibreOffice (soffice) on the server")
    pdf = pool_for(soffice).convert(docx)
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f".{sha256}.pdf.tmp"
    temporary.write_bytes(pdf)
    temporary.replace(cached)
    return pdf
