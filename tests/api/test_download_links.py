"""Signed download links (HMAC, expiry)."""

from __future__ import annotations

import uuid

from api.download_links import DownloadLinks


def test_links_verify_until_they_expire() -> None:
    links = DownloadLinks(b"k" * 32, ttl_seconds=900)
    document = uuid.uuid4()
    expires, signature = links.sign(document, now=1_000_000)
    assert expires == 1_000_900
    assert links.verify(document, str(expires), signature, now=1_000_899)
    assert not links.verify(document, str(expires), signature, now=1_000_901)
    assert not links.verify(uuid.uuid4(), str(expires), signature, now=1_000_000)
    assert not links.verify(document, str(expires + 1), signature, now=1_000_000)
    assert not links.verify(document, "soon", signature, now=1_000_000)
    other = DownloadLinks(b"x" * 32, ttl_seconds=900)
    assert not other.verify(document, str(expires), signature, now=1_000_000)
