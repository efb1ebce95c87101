"""The operator's notice e-mail is program data that notices print (issue 12): the made-up
third program's file gives `operator.notice_email`, so a partner's notice to it is addressed
to its address and that e-mail; the seeds give none, so theirs print the address alone."""

from __future__ import annotations

import io

import docx
import pytest
from pydantic import ValidationError

from services.programs.sections.operator import Operator
from tests.helpers.documents import notice_document

ALPINE_TO = (
    "Alpine Software AG, Bahnhofstrasse 1, 8001 Zürich, Switzerland; e-mail legal@alpine.example"
)


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_a_notice_to_the_operator_prints_its_notice_e_mail() -> None:
    data, context = notice_document("alpine-distributors", "termination-notice")
    notice = context["notice"]
    assert f"{notice['addressee_name']}, {notice['addressee_address']}" == ALPINE_TO
    assert f"To: {ALPINE_TO}" in _text(data)


def test_the_seeds_print_the_address_alone() -> None:
    """Contentsquare's file gives no notice e-mail: the "To:" line is the address (CS-AGR-10
    notices unchanged)."""
    _data, context = notice_document("contentsquare", "termination-notice")
    assert "e-mail" not in context["notice"]["addressee_address"]
    assert context["notice"]["addressee_address"].endswith("France")


def test_the_notice_e_mail_is_validated() -> None:
    base = {
        "legal_name": "X AG",
        "short_name": "X",
        "address_lines": ["Street 1"],
        "country": "CH",
        "signatory": {"name": "A", "title": "B"},
    }
    assert Operator.model_validate({**base, "notice_email": "a@b.ch"}).notice_email == "a@b.ch"
    with pytest.raises(ValidationError):
        Operator.model_validate({**base, "notice_email": "not an address"})
