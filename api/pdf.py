"""DOCX to PDF with LibreOffice, when the server has it; each document is converted once."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 90


class PdfUnavailableError(Exception):
    """LibreOffice is not installed (or not configured) on this server."""


class PdfConversionError(Exception):
    """LibreOffice could not convert the document."""


def find_soffice(configured: str | None) -> str | None:
    """The LibreOffice binary to use, or None."""
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(docx: bytes, sha256: str, cache_dir: Path, soffice: str | None) -> bytes:
    """The PDF of a DOCX, from the cache or converted now (blocking: run it in a thread)."""
    cached = cache_dir / f"{sha256}.pdf"
    if cached.exists():
        return cached.read_bytes()
    if soffice is None:
        raise PdfUnavailableError("PDF conversion needs LibreOffice (soffice) on the server")
    with tempfile.TemporaryDirectory(prefix="partnergraph-pdf-") as work:
        source = Path(work) / f"{sha256}.docx"
        source.write_bytes(docx)
        profile = Path(work) / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603 (a fixed binary, our own temporary files)
                command,
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise PdfConversionError(f"LibreOffice failed: {exc}") from exc
        produced = Path(work) / f"{sha256}.pdf"
        if not produced.exists():
            raise PdfConversionError("LibreOffice produced no PDF")
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = cache_dir / f".{sha256}.pdf.tmp"
        shutil.copyfile(produced, temporary)
        temporary.replace(cached)
    return cached.read_bytes()
