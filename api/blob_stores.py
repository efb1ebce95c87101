"""The blob store and PDF cache a configuration selects (see Settings.blob_backend).

PostgreSQL is the default when the database is PostgreSQL, S3-compatible storage when a bucket
is configured, the local data folder only with the embedded SQLite database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.settings import Settings
from models.db import make_sync_engine
from models.documents.blobs import BlobStore, LocalBlobStore
from models.documents.file_cache import FileCache, LocalFileCache


@dataclass(frozen=True)
class Storage:
    """Where documents (content-addressed) and their cached PDFs go."""

    kind: str
    blobs: BlobStore
    pdfs: FileCache
    close: Callable[[], None]


def open_storage(settings: Settings) -> Storage:
    """The configured storage; call `close` when done."""
    kind = settings.blob_backend
    if kind == "postgresql":
        from models.documents.postgres_store import PostgresBlobStore, PostgresFiles

        engine = make_sync_engine(settings.database_url)
        return Storage(
            kind, PostgresBlobStore(engine), PostgresFiles(engine, "pdf"), engine.dispose
        )
    if kind == "s3":
        from models.documents.s3_store import S3BlobStore, S3Files, s3_client

        assert settings.s3_bucket is not None
        client = s3_client(settings.s3_endpoint_url, settings.s3_region)
        prefix = settings.s3_prefix
        return Storage(
            kind,
            S3BlobStore(client, settings.s3_bucket, prefix),
            S3Files(client, settings.s3_bucket, f"{prefix}pdf/", ".pdf"),
            client.close,
        )
    return Storage(
        kind,
        LocalBlobStore(settings.blob_dir),
        LocalFileCache(settings.data_dir / "pdf", "pdf"),
        lambda: None,
    )
