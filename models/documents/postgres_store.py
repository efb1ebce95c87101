"""Blobs and cached PDFs in PostgreSQL (table stored_files): shared by every API server.

The store's methods are synchronous, like the other stores; they use a small pool of their own
(a synchronous engine on the same database) and autocommit each write, so a blob is visible to
every server as soon as it is written. Writes are idempotent (ON CONFLICT DO NOTHING): blobs are
immutable and content-addressed, so a put writes without asking first whether the blob exists.

A write does not wait for its own WAL flush (`synchronous_commit = off` for that transaction
only): the row that names a blob (a document, an acceptance) is committed after it, and a
commit flushes the WAL up to its own record, which lies after the blob's. So a blob is durable
whenever anything refers to it; a crash in between loses only a blob nothing names (issue 14:
one disk flush less per rendered document).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, Table, func, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import facts
from models.base import utcnow
from models.documents.blobs import NamedFilesBlobStore
from models.documents.file_cache import check_key
from models.documents.tables import StoredFile

BLOBS = "blob"
FILES: Table = StoredFile.__table__  # type: ignore[assignment]


class PostgresFiles:
    """Named immutable files in one namespace of stored_files."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace

    def row(self, key: str, data: bytes) -> dict[str, Any]:
        """The row of a file."""
        return {
            "namespace": self.namespace,
            "key": check_key(key),
            "data": data,
            "size": len(data),
            "created_at": utcnow(),
        }

    def insert(self, key: str, data: bytes) -> Insert:
        """The idempotent INSERT of a file."""
        return (
            insert(StoredFile)
            .values(self.row(key, data))
            .on_conflict_do_nothing(index_elements=["namespace", "key"])
        )

    def write(self, key: str, data: bytes) -> None:
        statement = self.insert(key, data)
        with self.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            connection.execute(statement)

    def read(self, key: str) -> bytes | None:
        with self.engine.connect() as connection:
            data = connection.scalar(
                select(StoredFile.data).where(
                    StoredFile.namespace == self.namespace, StoredFile.key == check_key(key)
                )
            )
        return bytes(data) if data is not None else None

    def has(self, key: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.scalar(
                select(func.count())
                .select_from(StoredFile)
                .where(StoredFile.namespace == self.namespace, StoredFile.key == check_key(key))
            )
        return bool(found)

    # FileCache
    def load(self, key: str) -> bytes | None:
        return self.read(key)

    def save(self, key: str, data: bytes) -> None:
        self.write(key, data)


class PostgresBlobStore(NamedFilesBlobStore):
    """The BlobStore interface over stored_files (namespace `blob`)."""

    def __init__(self, engine: Engine) -> None:
        self.postgres = PostgresFiles(engine, BLOBS)
        super().__init__(self.postgres)

    def put(self, data: bytes) -> str:
        """Store `data` under its SHA-256 (one idempotent INSERT); return the hex digest."""
        digest = hashlib.sha256(data).hexdigest()
        self.files.write(digest, data)
        return digest

    async def put_in(self, session: AsyncSession, data: bytes) -> str | None:
        """Store `data` in the transaction of `session` (one INSERT, committed with the rows
        that name it); None when the session is on another database (use `put`)."""
        mine, theirs = self.postgres.engine.url, session.get_bind().engine.url
        if (mine.host, mine.port, mine.database) != (theirs.host, theirs.port, theirs.database):
            return None
        digest = hashlib.sha256(data).hexdigest()
        await facts.put(session, FILES, self.postgres.row(digest, data))
        return digest
