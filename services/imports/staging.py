"""Blobs an import stores, held back until the import succeeds (a refused import or a dry run
leaves no file behind, even where the blob store is outside the transaction)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from models.documents.blobs import BlobStore


class StagedBlobs:
    """A blob store that keeps new blobs in memory over a real one until `commit`."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self.staged: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        """Hold `data` under its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        self.staged[digest] = data
        return digest

    def get(self, sha256: str) -> bytes:
        """A staged blob, or the real store's."""
        found = self.staged.get(sha256)
        return found if found is not None else self.store.get(sha256)

    def exists(self, sha256: str) -> bool:
        """Whether a blob is staged or stored."""
        return sha256 in self.staged or self.store.exists(sha256)

    def chunks(self, sha256: str, size: int = 64 * 1024) -> Iterator[bytes]:
        """A blob in pieces."""
        data = self.get(sha256)
        for i in range(0, len(data), size):
            yield data[i : i + size]

    def commit(self) -> None:
        """Store every staged blob in the real store."""
        for data in self.staged.values():
            self.store.put(data)
        self.staged.clear()
