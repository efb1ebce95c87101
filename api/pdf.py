"""DOCX to PDF through the pool of warm LibreOffice workers; each document is converted once.

Converted PDFs go to the shared file cache (the blob store's `pdf` part), so every server
serves a PDF that any server converted.
"""

from __future__ import annotations

import atexit
import threading

from api import metrics
from models.documents.file_cache import FileCache
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


def convert(docx: bytes, sha256: str, cache: FileCache, soffice: str | None) -> bytes:
    """The PDF of a DOCX, from the shared cache or converted now (blocking: run it in a thread)."""
    cached = cache.load(sha256)
    if cached is not None:
        metrics.PDF_CONVERSIONS.labels("cached").inc()
        return cached
    try:
        if soffice is None:
            raise PdfUnavailableError("PDF conversion needs LibreOffice (soffice) on the server")
        pdf = pool_for(soffice).convert(docx)
    except PdfUnavailableError:
        metrics.PDF_CONVERSIONS.labels("unavailable").inc()
        raise
    except PdfConversionError:
        metrics.PDF_CONVERSIONS.labels("failed").inc()
        raise
    except PdfBusyError:
        metrics.PDF_CONVERSIONS.labels("busy").inc()
        raise
    cache.save(sha256, pdf)
    metrics.PDF_CONVERSIONS.labels("converted").inc()
    return pdf
