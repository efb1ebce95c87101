"""Authoring aid: writes the shipped DOCX templates from `contract_templates.wording`.

To change wording: add an entry with the next version to manifest.toml, then run
`python -m contract_templates.authoring`, which writes every missing file (published versions
are immutable: an existing file is never rewritten). Each template gets numbered clauses with
resolved cross-references (`<<key>>` in the wording becomes the clause number), a header with
the document's title and partner, a footer with "Page X of Y" (Word PAGE/NUMPAGES fields) and
the document id, and core properties (title, subject, author).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from contract_templates.wording import TEMPLATES, Block, Table

FILES = Path(__file__).parent / "files"
FONT = "Arial"
REF = re.compile(r"<<([a-z0-9_-]+)>>")


def number_clauses(blocks: list[Block]) -> dict[str, str]:
    """Clause numbers by key: `h` blocks are 1, 2, ...; `c` blocks under them 1.1, 1.2, ..."""
    numbers: dict[str, str] = {}
    major = minor = 0
    for block in blocks:
        if block[0] == "h":
            major, minor = major + 1, 0
            numbers[block[1]] = str(major)
        elif block[0] == "c":
            minor += 1
            numbers[block[1]] = f"{major}.{minor}"
    return numbers


def resolve(text: str, numbers: dict[str, str]) -> str:
    """`<<key>>` replaced by the clause number; an unknown key is an authoring error."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) not in numbers:
            raise KeyError(f"cross-reference to unknown clause {match.group(1)!r}")
        return numbers[match.group(1)]

    return REF.sub(one, text)


def _plain_fonts(doc: Any) -> None:
    for style in doc.styles:
        if style.type != 1:  # paragraph styles only
            continue
        style.font.name = FONT
        fonts = style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
        if fonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(5)
    for name, size in (("Title", 17), ("Heading 1", 11.5), ("Heading 2", 10.5)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = None
        style.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _header_footer(doc: Any, header: str) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    top = section.header.paragraphs[0]
    top.text = header
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top.runs[0].font.size = Pt(8)
    bottom = section.footer.paragraphs[0]
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bottom.add_run("Page ")
    _field(bottom, "PAGE")
    bottom.add_run(" of ")
    _field(bottom, "NUMPAGES")
    bottom.add_run(" · Document {{ document.id }}")
    for run in bottom.runs:
        run.font.size = Pt(8)


def _no_wrap_cell(cell: Any) -> None:
    properties = cell._tc.get_or_add_tcPr()
    no_wrap = OxmlElement("w:noWrap")
    properties.append(no_wrap)


def _table(doc: Any, table: Table) -> None:
    """A table with fixed column widths; `{%tr %}` rows repeat per item."""
    widths = [Cm(w) for w in table.widths]
    grid = doc.add_table(rows=0, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    rows: list[tuple[tuple[str, ...], bool]] = [(table.headers, True)]
    if table.loop:
        rows.append(((f"{{%tr for row in {table.loop} %}}",), False))
    rows.append((table.cells, False))
    if table.loop:
        rows.append((("{%tr endfor %}",), False))
    rows += [(extra, True) for extra in table.footer]
    for texts, bold in rows:
        cells = grid.add_row().cells
        for i, cell in enumerate(cells):
            cell.width = widths[i]
            text = texts[i] if i < len(texts) else ""
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(text)
            run.font.size = Pt(8.5)
            run.bold = bold
            if i in table.right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if i in table.no_wrap:
                _no_wrap_cell(cell)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width


def _paragraph(doc: Any, text: str, *, bold_lead: str = "", style: str | None = None) -> Any:
    paragraph = doc.add_paragraph(style=style)
    if bold_lead:
        paragraph.add_run(bold_lead).bold = True
    if text:
        paragraph.add_run(text)
    return paragraph


def build(blocks: list[Block], header: str) -> Any:
    """A python-docx document with Jinja tags in single runs, as docxtpl expects."""
    numbers = number_clauses(blocks)
    doc = Document()
    _plain_fonts(doc)
    _header_footer(doc, header)
    properties = doc.core_properties
    properties.title = "{{ document.title }}"
    properties.subject = "{{ document.subject }}"
    properties.author = "{{ document.author }}"
    properties.comments = "Generated by PartnerGraph"
    for block in blocks:
        kind = block[0]
        if kind == "title":
            doc.add_paragraph(block[1], style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "center":
            doc.add_paragraph(block[1]).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "h":
            doc.add_paragraph(f"{numbers[block[1]]}. {block[2]}", style="Heading 1")
        elif kind == "sub":
            doc.add_paragraph(block[1], style="Heading 2")
        elif kind == "c":
            lead = f"{numbers[block[1]]} " + (f"{block[2]}. " if block[2] else "")
            _paragraph(doc, resolve(block[3], numbers), bold_lead=lead)
        elif kind == "def":
            paragraph = _paragraph(doc, resolve(block[2], numbers), bold_lead=f"“{block[1]}” ")
            paragraph.paragraph_format.left_indent = Cm(0.6)
        elif kind == "li":
            paragraph = _paragraph(doc, resolve(block[2], numbers), bold_lead=f"{block[1]} ")
            paragraph.paragraph_format.left_indent = Cm(0.6)
        elif kind == "table":
            _table(doc, block[1])
        else:
            _paragraph(doc, resolve(block[1], numbers))
    return doc


def main() -> int:
    """Write each template's newest manifest version when its file is missing; keep the rest."""
    FILES.mkdir(exist_ok=True)
    entries = tomllib.loads((FILES.parent / "manifest.toml").read_text("utf-8"))["templates"]
    newest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["version"] > newest.get(entry["id"], {"version": 0})["version"]:
            newest[entry["id"]] = entry
    for template_id, (header, blocks) in TEMPLATES.items():
        if template_id not in newest:
            print(f"skipped  {template_id}: add it to manifest.toml first")
            continue
        path = FILES.parent / newest[template_id]["file"]
        if path.exists():
            print(f"kept     {path.name} (published versions are immutable)")
            continue
        build(blocks, header).save(str(path))
        print(f"wrote    {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
