"""A stand-in for LibreOffice: `--convert-to pdf --outdir DIR FILE.docx` writes DIR/FILE.pdf.

Each conversion carries a fresh nonce, so two equal PDFs show that the second came from the cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPT = """#!{python}
import sys
import uuid
from pathlib import Path

args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
data = source.read_bytes()
# a new nonce each run: equal PDFs prove they came from the cache
pdf = "%PDF-1.4 fake {{}} bytes {{}}".format(len(data), uuid.uuid4().hex)
(outdir / (source.stem + ".pdf")).write_bytes(pdf.encode())
"""


def fake_soffice(folder: Path) -> Path:
    """Write the stand-in into `folder`; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text(SCRIPT.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return path
