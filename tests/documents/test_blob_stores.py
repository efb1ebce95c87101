"""Blob stores shared by every server: PostgreSQL, S3-compatible storage, and the local folder."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.blob_stores import Storage, open_storage
from api.settings import ConfigurationError, Settings
from models.db import make_async_engine, make_sessionmaker
from models.documents.postgres_store import PostgresBlobStore
from tests import databases
from tests.helpers.s3 import REGION, s3_server

BUCKET = "partnergraph-test"


@pytest.fixture
def database_storage(database_url: str, tmp_path: Path) -> Iterator[Storage]:
    """The default store of each database: PostgreSQL's table, or SQLite's local folder."""
    storage = open_storage(
        Settings(database_url=database_url, PARTNERGRAPH_DATA_DIR=tmp_path / "data")
    )
    yield storage
    storage.close()


@pytest.fixture
def s3_storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Storage]:
    with s3_server(monkeypatch, BUCKET) as endpoint:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'unused.db'}",
            PARTNERGRAPH_S3_BUCKET=BUCKET,
            PARTNERGRAPH_S3_PREFIX="docs/",
            PARTNERGRAPH_S3_ENDPOINT_URL=endpoint,
            PARTNERGRAPH_S3_REGION=REGION,
        )
        storage = open_storage(settings)
        yield storage
        storage.close()


def _behaves_as_a_store(storage: Storage) -> None:
    data = b"PK\x03\x04 a document " * 5000
    digest = storage.blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert storage.blobs.put(data) == digest  # idempotent
    assert storage.blobs.exists(digest)
    assert storage.blobs.get(digest) == data
    assert b"".join(storage.blobs.chunks(digest, size=1000)) == data
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not storage.blobs.exists(missing)
    with pytest.raises(KeyError):
        storage.blobs.get(missing)
    with pytest.raises(KeyError):
        storage.blobs.get("../../etc/passwd")
    assert storage.pdfs.load(digest) is None
    storage.pdfs.save(digest, b"%PDF-1.4")
    storage.pdfs.save(digest, b"%PDF-1.4")
    assert storage.pdfs.load(digest) == b"%PDF-1.4"
    assert not storage.blobs.exists(hashlib.sha256(b"%PDF-1.4").hexdigest())


def test_database_default_store(database_storage: Storage, database_url: str) -> None:
    expected = "postgresql" if database_url.startswith("postgresql") else "local"
    assert database_storage.kind == expected
    _behaves_as_a_store(database_storage)


def test_s3_store(s3_storage: Storage) -> None:
    assert s3_storage.kind == "s3"
    _behaves_as_a_store(s3_storage)
    client = s3_storage.blobs.files.client  # type: ignore[attr-defined]
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(k.startswith("docs/blobs/") for k in keys)
    assert any(k.startswith("docs/pdf/") and k.endswith(".pdf") for k in keys)


def test_the_store_follows_the_settings(tmp_path: Path) -> None:
    postgres = "postgresql://db.invalid/partnergraph"
    sqlite = f"sqlite:///{tmp_path / 'x.db'}"
    assert Settings(database_url=postgres).blob_backend == "postgresql"
    assert Settings(database_url=sqlite).blob_backend == "local"
    assert Settings(database_url=postgres, PARTNERGRAPH_S3_BUCKET="b").blob_backend == "s3"
    with pytest.raises(ConfigurationError, match="SQLite database only"):
        _ = Settings(database_url=postgres, PARTNERGRAPH_BLOB_STORE="local").blob_backend
    with pytest.raises(ConfigurationError, match="PARTNERGRAPH_S3_BUCKET"):
        _ = Settings(database_url=sqlite, PARTNERGRAPH_BLOB_STORE="s3").blob_backend
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        _ = Settings(database_url=sqlite, PARTNERGRAPH_BLOB_STORE="postgresql").blob_backend


@pytest.mark.anyio
async def test_a_rendered_document_is_stored_with_its_transaction(
    database_storage: Storage, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """On PostgreSQL a rendered document's blob is written in the request's own transaction
    (issue 14: no second connection and commit): kept when it commits, gone when it rolls
    back; another database's session leaves the blob to the store's own `put`."""
    store = database_storage.blobs
    if not isinstance(store, PostgresBlobStore):
        pytest.skip("SQLite keeps blobs in a folder")
    kept, dropped = b"PK kept " * 100, b"PK rolled back " * 100
    async with sessionmaker.begin() as session:
        digest = await store.put_in(session, kept)
    assert digest == hashlib.sha256(kept).hexdigest() and store.get(digest) == kept
    async with sessionmaker() as session:
        lost = await store.put_in(session, dropped)
        await session.rollback()
    assert lost is not None and not store.exists(lost)
    with databases.sqlite_database(Path(tempfile.mkdtemp())) as url:
        engine = make_async_engine(url)
        async with make_sessionmaker(engine)() as other:
            assert await store.put_in(other, dropped) is None
        await engine.dispose()
