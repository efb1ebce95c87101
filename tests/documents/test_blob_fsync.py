"""Blobs are on disk (file and folder fsynced) before the database commit naming them
(issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.documents.blobs import LocalBlobStore


def test_a_blob_and_its_folders_are_fsynced_before_put_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    store = LocalBlobStore(tmp_path / "blobs")
    digest = store.put(b"signed agreement")
    blob = tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert blob.read_bytes() == b"signed agreement"
    assert any(Path(p).parent == blob.parent and p != str(blob.parent) for p in synced)  # file
    assert str(blob.parent) in synced  # the folder holding the new name
    assert str(blob.parent.parent) in synced  # the new folder's own entry
