"""Writes page 1 of each document kind as a PNG for docs/documents.md (`make docs-images`).

Documents are rendered from the shipped programs with the samples the tests use, converted by
the LibreOffice pool and rasterised with pdftoppm at a small resolution.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from services.documents.pdf_pool import PdfPool, find_soffice, find_uno_python
from tests.helpers.documents import (
    AGREEMENTS,
    NOTICES,
    agreement_document,
    notice_document,
    statement_document,
)

PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"


def main() -> int:
    """Render, convert and rasterise; print each PNG written."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    out.mkdir(parents=True, exist_ok=True)
    soffice, python = find_soffice(None), find_uno_python()
    if soffice is None or python is None:
        print("docs-images needs LibreOffice and python3-uno", file=sys.stderr)
        return 1
    documents = {kind: agreement_document(slug, kind)[0] for slug, kind in AGREEMENTS}
    documents |= {kind: notice_document("contentsquare", kind)[0] for kind in NOTICES}
    documents["commission-statement"] = statement_document("contentsquare")[0]
    pool = PdfPool(soffice=soffice, python=python, size=2, timeout=120)
    try:
        with tempfile.TemporaryDirectory() as work:
            for kind, data in documents.items():
                pdf = Path(work) / f"{kind}.pdf"
                pdf.write_bytes(pool.convert(data))
                subprocess.run(  # noqa: S603 (fixed tool, our own files)
                    [
                        PDFTOPPM,
                        "-png",
                        "-gray",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(out / kind),
                    ],
                    check=True,
                )
                print(f"wrote    {out / kind}.png")
    finally:
        pool.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
