"""Immutable, content-addressed file storage behind a small interface (local disk by default).

An S3-compatible store implements the same three methods with the SHA-256 as object key.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    """Stores bytes under their SHA-256; a stored blob never changes."""

    def put(self, data: bytes) -> str:
        """Store `data` (idempotent); return its SHA-256 hex digest."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`; KeyError when absent."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether `sha256` is stored."""
        ...

    def chunks(self, sha256: str, size: int = 64 * 1024) -> Iterator[bytes]:
        """The stored bytes in pieces, for streaming; KeyError when absent."""
        ...


class LocalBlobStore:
    """Blobs as files `<root>/ab/cd/<sha256>`, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise KeyError(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        created = [p for p in (path.parent.parent, path.parent) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # the bytes are on disk before the commit naming them
            temporary = Path(handle.name)
        os.replace(temporary, path)
        for folder in (path.parent, *reversed([p.parent for p in created])):
            fsync_folder(folder)  # and so are the new names
        return digest

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(sha256) from exc

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def chunks(self, sha256: str, size: int = 64 * 1024) -> Iterator[bytes]:
        path = self._path(sha256)
        if not path.exists():
            raise KeyError(sha256)

        def read() -> Iterator[bytes]:
            with path.open("rb") as handle:
                while block := handle.read(size):
                    yield block

        return read()


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a new or renamed file's name) to disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class NamedFiles(Protocol):
    """Immutable files under names of our choosing, in a shared store (a table, a bucket)."""

    def write(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (idempotent)."""
        ...

    def read(self, key: str) -> bytes | None:
        """The file stored under `key`, or None."""
        ...

    def has(self, key: str) -> bool:
        """Whether `key` is stored."""
        ...


class NamedFilesBlobStore:
    """The BlobStore interface over any NamedFiles store, named by SHA-256."""

    def __init__(self, files: NamedFiles) -> None:
        self.files = files

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.files.has(digest):
            self.files.write(digest, data)
        return digest

    def get(self, sha256: str) -> bytes:
        data = self.files.read(sha256)
        if data is None:
            raise KeyError(sha256)
        return data

    def exists(self, sha256: str) -> bool:
        return self.files.has(sha256)

    def chunks(self, sha256: str, size: int = 64 * 1024) -> Iterator[bytes]:
        data = self.get(sha256)
        return iter([data[i : i + size] for i in range(0, len(data), size)] or [b""])
