"""Downloading generated documents: signed links, access, ETags and PDF conversion."""

from __future__ import annotations

import os

import pytest

from api.pdf import find_soffice
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key

pytestmark = pytest.mark.anyio


async def test_signed_link_and_foreign_partner(api: Api) -> None:
    _partner, key = await partner_key(api)
    payload = await accept_segment(api, key)
    document = payload["agreement"]["documents"][0]
    url = document["downloadUrl"]
    assert "signature=" in url and url.startswith("http://test/documents/")
    signed = await api.client.get(url.removeprefix("http://test"))
    assert signed.status_code == 200
    path = url.removeprefix("http://test")
    tampered = await api.client.get(path[:-1] + ("1" if path[-1] == "0" else "0"))
    assert tampered.status_code == 403
    _other, other_key = await partner_key(api, displayName="Other")
    foreign = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {other_key}"}
    )
    assert foreign.status_code == 404
    anonymous = await api.client.get(f"/documents/{document['id']}")
    assert anonymous.status_code == 401
    admin = await api.client.get(
        f"/documents/{document['id']}",
        headers={
            "Authorization": f"Bearer {api.admin_key}",
            "If-None-Match": f'"{document["sha256"]}"',
        },
    )
    assert admin.status_code == 304
    bad = await api.client.get("/documents/nope", headers={"Authorization": f"Bearer {key}"})
    assert bad.status_code == 404


def _no_soffice(docx: bytes, sha256: str, cache_dir: object, soffice: str | None) -> bytes:
    from api.pdf import convert

    return convert(docx, sha256, cache_dir, None)  # type: ignore[arg-type]


async def test_pdf_without_libreoffice_is_a_clear_501(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.documents as downloads

    _partner, key = await partner_key(api)
    document = (await accept_segment(api, key))["agreement"]["documents"][0]
    monkeypatch.setattr(downloads, "convert", _no_soffice)
    response = await api.client.get(
        f"/documents/{document['id']}?format=pdf", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 501
    assert response.json()["error"]["code"] == "PDF_CONVERSION_UNAVAILABLE"


@pytest.mark.skipif(
    find_soffice(None) is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed (CI installs it and fails without it)",
)
async def test_pdf_with_libreoffice(api: Api) -> None:
    _partner, key = await partner_key(api, legalName="Zoë & Partners <Ltd>")
    document = (await accept_segment(api, key))["agreement"]["documents"][0]
    url = f"/documents/{document['id']}?format=pdf"
    headers = {"Authorization": f"Bearer {key}"}
    response = await api.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["etag"] == f'"{document["sha256"]}.pdf"'
    again = await api.client.get(url, headers=headers)
    assert again.content == response.content  # converted once, then cached
