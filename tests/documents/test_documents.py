"""Every document kind of every shipped program, rendered from program data (issue 15).

The DOCX checks run everywhere; the PDF checks convert each document with LibreOffice and read
it back with pdftotext (both parties, clause figures, page numbers, no template syntax, no
unformatted money). Under CI=true a missing LibreOffice or poppler fails the run.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import pytest

from api.pdf import find_soffice
from services.documents.pdf_pool import PdfPool, find_uno_python
from tests.helpers.documents import (
    AGREEMENTS,
    NOTICES,
    PARTNER_NAME,
    agreement_document,
    notice_document,
    statement_document,
)

CASES = [(f"{slug}:{kind}", slug, kind) for slug, kind in AGREEMENTS]
CASES += [
    (f"{slug}:{kind}", slug, kind)
    for slug in ("segment-technology", "contentsquare")
    for kind in NOTICES
]
CASES += [
    (f"{slug}:commission-statement", slug, "commission-statement")
    for slug in ("segment-technology", "contentsquare")
]
MARKERS = ("{{ row", "{%", "%}", "<<")
RAW_MONEY = re.compile(r"\b\d{4,}\.\d{2}\b|Decimal\(")


def make(slug: str, kind: str) -> tuple[bytes, dict[str, Any]]:
    if kind == "commission-statement":
        return statement_document(slug)
    if kind in NOTICES:
        return notice_document(slug, kind)
    return agreement_document(slug, kind)


def expected_texts(context: dict[str, Any], kind: str) -> list[str]:
    """What the document must say: both parties with addresses and its clause figures."""
    texts = [
        context["operator"]["legal_name"],
        context["operator"]["address"],
        context["partner"]["legal_name"],
        context["partner"]["address"],
    ]
    terms = context.get("terms", {})
    if kind in ("segment-program-agreement",):
        keys = [
            "initial_term",
            "renewal_term",
            "non_renewal_notice",
            "convenience_notice",
            "cure_period",
            "liability_floor",
            "usage_mtu",
            "usage_api_calls",
            "venue",
        ]
    elif kind == "segment-referral-addendum":
        keys = [
            "fee_rate",
            "close_within",
            "payment_due",
            "convenience_notice",
            "cure_period",
            "liability_floor",
            "venue",
        ]
    elif kind == "contentsquare-membership-agreement":
        keys = [
            "convenience_notice",
            "cure_period",
            "confidentiality_days",
            "liability_floor",
            "engagement_plan_days",
            "venue_start",
        ]
    elif kind == "contentsquare-referrer-schedule":
        keys = [
            "decision_window",
            "conflict_window",
            "meeting_deadline",
            "payment_due",
            "qualification_after_submission",
            "liability_floor",
        ]
        texts += [row["rate_text"] for row in context["commission"]["brackets"]]
    elif kind == "breach-notice":
        keys = ["cure_period"]
        texts += [context["notice"]["cure_end"], context["notice"]["method_text"]]
    elif kind in NOTICES:
        keys = []
        texts += [context["notice"]["effective_date"], context["notice"]["given_date"]]
    else:
        keys = []
        texts += [context["statement"]["number"], context["statement"]["period"]]
        texts += [row["amount"] for row in context["statement"]["summary"]]
    return texts + [terms[key] for key in keys]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("case", "slug", "kind"), CASES, ids=[c[0] for c in CASES])
def test_document_states_parties_and_figures(case: str, slug: str, kind: str) -> None:
    data, context = make(slug, kind)
    document = docx.Document(io.BytesIO(data))
    body = [p.text for p in document.paragraphs]
    body += [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = flat("\n".join(body))
    for expected in expected_texts(context, kind):
        assert flat(expected) in text, expected
    assert PARTNER_NAME in text  # data shown as it is, braces included
    assert not RAW_MONEY.search(text)
    properties = document.core_properties
    assert properties.title == context["document"]["title"]
    assert properties.subject and properties.author == context["operator"]["legal_name"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")}
    footer = "".join(v for k, v in xml.items() if "footer" in k)
    assert "PAGE" in footer and "NUMPAGES" in footer and "doc-1" in footer
    header = "".join(v for k, v in xml.items() if "header" in k)
    assert context["document"]["title"] in header
    for part in xml.values():
        assert "{{" not in part and "{%" not in part


def test_breach_notice_never_says_the_breach_went_uncured() -> None:
    _, context = notice_document("contentsquare", "breach-notice")
    data, _ = notice_document("contentsquare", "breach-notice")
    text = flat("\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs))
    assert "without the breach being cured" not in text
    assert f"the cure period ends on {context['notice']['cure_end']}" in text
    after, _ = notice_document("contentsquare", "breach-termination-notice")
    later = flat("\n".join(p.text for p in docx.Document(io.BytesIO(after)).paragraphs))
    assert "without the breach being cured" in later


def test_venue_reads_as_a_sentence() -> None:
    data, _ = agreement_document("contentsquare", "contentsquare-referrer-schedule")
    text = flat("\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs))
    assert "courts of Courts" not in text and "the courts of the city of Paris, France" in text
    assert "established in FR" not in text


def _tools_or_fail() -> tuple[str, str]:
    soffice, python = find_soffice(None), find_uno_python()
    missing = [
        n
        for n, v in (
            ("LibreOffice", soffice),
            ("python3-uno", python),
            ("pdftotext", shutil.which("pdftotext")),
        )
        if not v
    ]
    if missing:
        message = f"{', '.join(missing)} not installed (.ci/run installs them with apt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert soffice and python
    return soffice, python


@pytest.fixture(scope="module")
def pool() -> Iterator[PdfPool]:
    soffice, python = _tools_or_fail()
    converter = PdfPool(soffice=soffice, python=python, size=2, timeout=120)
    yield converter
    converter.close()


@pytest.mark.parametrize(("case", "slug", "kind"), CASES, ids=[c[0] for c in CASES])
def test_pdf_text(pool: PdfPool, case: str, slug: str, kind: str) -> None:
    data, context = make(slug, kind)
    pdf = pool.convert(data)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = text.count("\f") or 1
    assert "Page 1 of " in text
    assert f"Page {pages} of {pages}" in text or pages == 1
    one = flat(text)
    for expected in expected_texts(context, kind):
        assert flat(expected) in one, expected
    for marker in MARKERS:
        assert marker not in text
    assert "{{ 7*7 }}" in text  # the partner's own name, not template syntax
    assert not RAW_MONEY.search(text)


def test_manifest_variables_match_every_file() -> None:
    from contract_templates.renderer import analyze
    from services.documents.templates import CONTEXT_VARIABLES, MANIFEST, read_manifest

    for entry in read_manifest():
        info = analyze((MANIFEST.parent / entry.file).read_bytes())
        assert sorted(info.variables) == sorted(entry.variables), entry.id
        assert info.variables <= CONTEXT_VARIABLES[entry.context], entry.id
