"""Contract templates: v1 templates still render (the current ones: tests/test_documents.py);
unsafe or broken uploads are refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from contract_templates.probe import trial_render
from contract_templates.renderer import MAX_BYTES, TemplateError, analyze, render
from services.documents.templates import CONTEXT_VARIABLES, MANIFEST, read_manifest

FILES = MANIFEST.parent
NAMES = ['Müller & Fils <SARL> "Q"', "株式会社テスト", "شركة الاختبار", "O'Brien; DROP {{ x }}"]


def sample_context(name: str) -> dict[str, Any]:
    return {
        "partner": {
            "legal_name": name,
            "display_name": name,
            "country": "FR",
            "notice_address": "7 rue de l'Exemple, Paris",
            "website_domain": "x.fr",
        },
        "program": {
            "name": "Example Program",
            "slug": "example",
            "governing_law": "France",
            "venue": "Paris",
        },
        "agreement": {
            "name": "Example Agreement",
            "kind": "k",
            "status_text": "in effect",
            "effective_date": "1 March 2025",
            "applied_date": "20 February 2025",
            "decision_date": "1 March 2025",
        },
        "terms": {
            "initial_term_months": 12,
            "renewal_term_months": 12,
            "non_renewal_notice_days": 30,
            "convenience_days": 60,
            "cure_days": 30,
            "immediate_causes": ["insolvency"],
            "confidentiality_days": 90,
            "engagement_plan_days": 90,
            "liability_cap_text": "USD 10,000.00",
        },
        "signer": {
            "name": name,
            "title": "CEO",
            "email": "ceo@x.fr",
            "accepted_at": "2025-03-01 10:00:00",
        },
        "template": {"id": "t", "version": 3},
        "document": {"generated_at": "2025-03-01 10:00:00"},
        "commission": {
            "version": "v1",
            "effective_from": "1 August 2023",
            "currency": "USD",
            "brackets": [{"range_text": "up to 300,000", "rate_text": "10%"}],
            "decision_window_business_days": 7,
            "undecided_outcome_text": "refused",
            "payment_due_days": 30,
        },
        "statement": {
            "year": 2025,
            "currency": "USD",
            "notes": ["a note"],
            "rows": [
                {
                    "client": name,
                    "signed": "1 March 2025",
                    "slice": "0.00 to 300,000.00",
                    "rate": "10%",
                    "amount": "USD 30,000.00",
                    "rule": "CS-REF-15 (2023-08)",
                    "status": "paid",
                }
            ],
            "total_ncr": "USD 300,000.00",
            "total_commission": "USD 30,000.00",
            "total_paid": "USD 30,000.00",
            "total_payable": "USD 0.00",
        },
        "termination": {
            "given_by": name,
            "reason_text": "convenience",
            "cause": "",
            "notice_date": "1 April 2025",
            "effective_date": "31 May 2025",
        },
    }


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if n.endswith(".xml")
        )


LEGACY = [e for e in read_manifest() if e.version == 1 and "operator" not in e.variables]
LEGACY = [e for e in LEGACY if e.context != "notice"]


@pytest.mark.parametrize("entry", LEGACY, ids=lambda e: f"{e.id}-v{e.version}")
@pytest.mark.parametrize("name", NAMES)
def test_every_legacy_template_renders(entry: Any, name: str) -> None:
    data = (FILES / entry.file).read_bytes()
    info = analyze(data)
    assert sorted(info.variables) == sorted(entry.variables)
    assert info.variables <= CONTEXT_VARIABLES[entry.context]
    rendered = render(data, sample_context(name), info)
    text = text_of(rendered)
    assert name in text  # data is shown as it is, braces included
    assert "Example Program" in text
    xml = all_xml(rendered)
    for marker in ("{{", "}}", "{%", "%}"):
        assert marker not in xml


def test_missing_variable_is_a_coded_error() -> None:
    data = (FILES / "files/termination-notice.v1.docx").read_bytes()
    context = sample_context("Acme")
    del context["termination"]
    with pytest.raises(TemplateError) as caught:
        render(data, context)
    assert caught.value.code == "MISSING_VARIABLE"
    assert "termination" in str(caught.value)


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (make_docx("{{ ''.__class__.__mro__ }}"), "SANDBOX_VIOLATION"),
        (make_docx("{{ partner['__class__'] }}"), "SANDBOX_VIOLATION"),
        # issue 13: both were published, then every render of the template failed
        (make_docx("{{ ''|attr('__class__') }}"), "SANDBOX_VIOLATION"),
        (make_docx("{{ ''['_' ~ '_class__'] }}"), "SANDBOX_VIOLATION"),
        (make_docx("{{ [partner]|map(attribute='__class__')|list }}"), "SANDBOX_VIOLATION"),
        (make_docx("{% include 'x' %}"), "SANDBOX_VIOLATION"),
        (make_docx("{% macro m() %}x{% endmacro %}"), "SANDBOX_VIOLATION"),
        (make_docx("{{ partner.legal_name "), "TEMPLATE_SYNTAX"),
        (make_docx("{% for x in y %}"), "TEMPLATE_SYNTAX"),
        (b"PK\x03\x04 not really a zip", "NOT_DOCX"),
        (b"%PDF-1.7", "NOT_DOCX"),
        (b"x" * (MAX_BYTES + 1), "TOO_LARGE"),
    ],
)
def test_bad_templates_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(TemplateError) as caught:
        analyze(data)
    assert caught.value.code == code


def test_zip_bomb_and_entry_limits() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("word/media/pad.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(TemplateError) as caught:
        analyze(bomb.getvalue())
    assert caught.value.code == "ZIP_BOMB"
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(400):
            archive.writestr(f"part{i}.xml", "<x/>")
    with pytest.raises(TemplateError) as caught:
        analyze(many.getvalue())
    assert caught.value.code == "TOO_MANY_ENTRIES"
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError) as caught:
        analyze(not_word.getvalue())
    assert caught.value.code == "NOT_DOCX"


def test_sandbox_also_holds_at_render_time() -> None:
    data = make_docx("{{ partner.legal_name.__class__ }}")
    with pytest.raises(TemplateError) as caught:
        render(data, {"partner": {"legal_name": "x"}})
    assert caught.value.code == "SANDBOX_VIOLATION"


def test_manifest_files_exist_and_versions_are_unique() -> None:
    entries = read_manifest()
    assert len({(e.id, e.version) for e in entries}) == len(entries)
    for entry in entries:
        assert (FILES / entry.file).is_file(), entry.file
    assert Path(FILES / "files").is_dir()


@pytest.mark.parametrize(
    "text",
    [
        "{{ range(200000)|length }}",  # over the sandbox's range limit whatever the data
        "{% for p in partner %}{% for i in range(10 ** 6) %}{{ p }}{% endfor %}{% endfor %}",
    ],
)
def test_a_trial_render_refuses_what_fails_whatever_the_data(text: str) -> None:
    """Issue 13: a template is rendered once on stand-in values before it is published."""
    data = make_docx(text)
    info = analyze(data)  # passes the static check
    with pytest.raises(TemplateError) as caught:
        trial_render(data, info)
    assert caught.value.code == "SANDBOX_VIOLATION"


def test_every_shipped_template_passes_the_trial_render() -> None:
    for entry in read_manifest():
        data = (MANIFEST.parent / entry.file).read_bytes()
        trial_render(data, analyze(data))
    filtered = make_docx("{{ partner.signed_on|default('n/a') }} {{ partner.total + 1 }}")
    trial_render(filtered, analyze(filtered))  # a stand-in the filter cannot use is no refusal


def test_markup_left_after_rendering_is_a_coded_error() -> None:
    """A raw block writes template markup into the document: refused, not sent (issue 14's
    faster check must still see it)."""
    data = make_docx("{% raw %}Dear {{ partner }}{% endraw %}")
    info = analyze(data)
    with pytest.raises(TemplateError) as caught:
        render(data, {"partner": {"legal_name": "x"}}, info)
    assert caught.value.code == "UNRENDERED_MARKUP"
    assert "word/document.xml" in str(caught.value)


def test_braces_of_values_are_not_markup() -> None:
    """Values write their braces as character references, so `{{` in a name is text."""
    data = make_docx("Partner: {{ partner.legal_name }}")
    out = render(data, {"partner": {"legal_name": "{{ 7*7 }} {% x %}"}}, analyze(data))
    assert "{{ 7*7 }} {% x %}" in text_of(out)
    assert "{{" not in all_xml(out).split("<w:body>")[1]
