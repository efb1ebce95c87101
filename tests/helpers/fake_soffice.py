"""A stand-in for LibreOffice: `--convert-to pdf --outdir DIR FILE.docx` writes DIR/FILE.pdf."""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPT = """#!{python}
import sys
from pathlib import Path

args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
data = source.read_bytes()
(outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 fake " + str(len(data)).encode())
"""


def fake_soffice(folder: Path) -> Path:
    """Write the stand-in into `folder`; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text(SCRIPT.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return path
