"""Blobs and cached PDFs in PostgreSQL (table stored_files): shared by every API server.

The store's methods are synchronous, like the other stores; they use a small pool of their own
(a synchronous engine on the same database) and autocommit each write, so a blob is visible to
every server as soon as it is written. Writes are idempotent (ON CONFLICT DO NOTHING): blobs are
immutable and content-addressed.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert

from models.base import utcnow
from models.documents.blobs import NamedFilesBlobStore
from models.documents.file_cache import check_key
from models.documents.tables import StoredFile

BLOBS = "blob"


class PostgresFiles:
    """Named immutable files in one namespace of stored_files."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace

    def write(self, key: str, data: bytes) -> None:
        statement = (
            insert(StoredFile)
            .values(
                namespace=self.namespace,
                key=check_key(key),
                data=data,
                size=len(data),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["namespace", "key"])
        )
        with self.engine.begin() as connection:
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
        super().__init__(PostgresFiles(engine, BLOBS))
