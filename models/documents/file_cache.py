"""Derived files kept under a name of our choosing (the PDF of a document, by its SHA-256)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol


class FileCache(Protocol):
    """Files that can be made again from what is stored, so a lost one costs only time."""

    def load(self, key: str) -> bytes | None:
        """The file stored under `key`, or None."""
        ...

    def save(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (idempotent: a key always names the same bytes)."""
        ...


def check_key(key: str) -> str:
    """Keys are SHA-256 hex digests, safe as file and object names."""
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise KeyError(key)
    return key


class LocalFileCache:
    """`<root>/<key>.<suffix>` on this machine's disk (the embedded SQLite set-up)."""

    def __init__(self, root: Path, suffix: str) -> None:
        self.root = root
        self.suffix = suffix

    def _path(self, key: str) -> Path:
        return self.root / f"{check_key(key)}.{self.suffix}"

    def load(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
