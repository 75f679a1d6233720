"""2021 reports made the way real ones are: the official template DOCX filled in and printed by LibreOffice.

The template (``../shared/data/real/files/template-2021.docx`` or any copy of it) is read at generation
time and never copied into the project. Its three tables are filled from a ``ReportSample`` with
python-docx; each document gets its own habits: a Song/Ming or Kai face for the tables (AR PL UMing,
Noto Serif CJK, AR PL UKai), digits in Liberation Serif or in the CJK face, header rows and 第二十条
bands shaded light blue or grey (as Word and WPS print them) or left white, label spellings varied
(half-width brackets, 、 for the number mark, plain quotes), narrative of varying length so table 三
breaks across pages at different rows, with its header repeated on the next page or not. LibreOffice
(``soffice --headless``, Debian ``libreoffice-writer-nogui``) converts it to PDF.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from samplegen.narrative import closing, opening
from samplegen.values import ReportSample

TEMPLATE_2021 = Path(__file__).resolve().parents[2] / "shared/data/real/files/template-2021.docx"
FACES = ("AR PL UMing CN", "Noto Serif CJK SC", "AR PL UKai CN")
DIGIT_FACE = "Liberation Serif"
FILLS = ("DEEAF6", "D9E2F3", "D9D9D9", "E7E6E6", "F2F2F2", "BDD7EE")
# Template rows holding values, per table: docx row index -> (section index, template row index).
_TABLE2_ROWS = {2: (0, 0), 3: (0, 1), 6: (1, 0), 9: (2, 0), 10: (2, 1), 13: (3, 0)}
_TABLE2_HEADERS = (0, 1, 4, 5, 7, 8, 11, 12)
_FIRST_VALUE_ROW = {"三": 3, "四": 3}
_FIRST_VALUE_COL = {"二": 1, "三": 3, "四": 0}
_HEADER_ROWS = {"三": (0, 1, 2), "四": (0, 1, 2)}


class LibreOfficeMissingError(RuntimeError):
    """soffice is not installed; the message names the Debian package."""


@dataclass(frozen=True)
class DocxStyle:
    """One publisher's habits in filling the template."""

    face: str
    latin_digits: bool
    fill: str | None
    half_width: bool
    number_mark: str
    ascii_quotes: bool
    repeat_header: bool
    paragraphs: int
    centre_values: bool


def random_docx_style(rng: random.Random) -> DocxStyle:
    return DocxStyle(
        face=rng.choice(FACES),
        latin_digits=rng.random() < 0.5,
        fill=rng.choice(FILLS) if rng.random() < 0.7 else None,
        half_width=rng.random() < 0.3,
        number_mark=rng.choice((".", ".", "、")),
        ascii_quotes=rng.random() < 0.3,
        repeat_header=rng.random() < 0.5,
        paragraphs=rng.randint(0, 6),
        centre_values=rng.random() < 0.6,
    )


def render_docx(
    sample: ReportSample, target: Path, rng: random.Random, template: Path = TEMPLATE_2021
) -> DocxStyle:
    """Fill ``template`` with ``sample`` (a 2021 report) and print it to the PDF ``target``."""
    if sample.template.version != "2021":
        raise ValueError(f"the DOCX template is the 2021 form, not {sample.template.version}")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise LibreOfficeMissingError(
            "soffice not found: install it with `apt-get install libreoffice-writer-nogui`"
        )
    style = random_docx_style(rng)
    document = docx.Document(str(template))
    _fill_text(document, sample, style, rng)
    tables = {table.table.id: table for table in sample.tables}
    for table_id, table in zip(("二", "三", "四"), document.tables, strict=True):
        _fill_table(table, table_id, tables[table_id], style)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"{target.stem}.docx"
        document.save(str(source))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{scratch}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                scratch,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.move(str(source.with_suffix(".pdf")), target)
    return style


def _label(text: str, style: DocxStyle) -> str:
    if style.half_width:
        text = text.translate(str.maketrans({"（": "(", "）": ")", "：": ":"}))
    if style.ascii_quotes:
        text = text.translate(str.maketrans({"“": '"', "”": '"'}))
    if style.number_mark != ".":
        text = "".join(
            style.number_mark if ch == "." and i and text[i - 1].isdigit() else ch
            for i, ch in enumerate(text)
        )
    return text


def _set_text(cell_or_paragraph, text: str, style: DocxStyle, *, bold: bool = False) -> None:
    """Replace the text of a paragraph (keeping its formatting) in the document's faces."""
    paragraph = cell_or_paragraph
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    run = paragraph.runs[0] if paragraph.runs else paragraph.add_run()
    run.text = text
    _face(run, style)
    if bold:
        run.bold = True


def _face(run, style: DocxStyle) -> None:
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    latin = DIGIT_FACE if style.latin_digits else style.face
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), style.face)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _fill_text(document, sample: ReportSample, style: DocxStyle, rng: random.Random) -> None:
    """Title, the narrative in place of the template's （文字描述） and paragraphs to vary the breaks."""
    paragraphs = document.paragraphs
    _set_text(paragraphs[1], sample.title, style, bold=True)
    first, *rest = [p for p in opening(sample, rng) if not p.startswith("一、")]
    placeholders = [p for p in paragraphs if p.text.strip().startswith("（文字描述")]
    body = [first, *rest, *[rest[i % len(rest)] for i in range(style.paragraphs)]]
    _set_text(placeholders[0], "　　" + body[0], style)
    anchor = placeholders[0]
    for text in body[1:]:
        anchor = _paragraph_after(anchor, "　　" + text, style)
    tail = closing(sample, rng)
    for placeholder, text in zip(placeholders[1:], (tail[1], tail[3]), strict=True):
        _set_text(placeholder, "　　" + text, style)
    for run in (r for p in paragraphs for r in p.runs):
        _face(run, style)


def _paragraph_after(paragraph, text: str, style: DocxStyle):
    element = OxmlElement("w:p")
    paragraph._p.addnext(element)
    new = docx.text.paragraph.Paragraph(element, paragraph._parent)
    if paragraph._p.pPr is not None:
        element.insert(0, paragraph._p.pPr.__deepcopy__({}))
    _set_text(new, text, style)
    return new


def _fill_table(table: Table, table_id: str, sample, style: DocxStyle) -> None:
    sections = sample.table.sections
    if table_id == "二":
        header_rows = _TABLE2_HEADERS
        targets = {
            docx_row: [(row_key, c.key) for c in sections[s].columns]
            for docx_row, (s, r) in _TABLE2_ROWS.items()
            for row_key in [sections[s].rows[r].key]
        }
    else:
        header_rows = _HEADER_ROWS[table_id]
        rows = [row for section in sections for row in section.rows]
        columns = sections[0].columns
        targets = {
            _FIRST_VALUE_ROW[table_id] + i: [(row.key, c.key) for c in columns] for i, row in enumerate(rows)
        }
    seen: set[int] = set()
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            if r in targets and c >= _FIRST_VALUE_COL[table_id]:
                continue
            for paragraph in cell.paragraphs:
                if paragraph.text.strip():
                    _set_text(paragraph, _label(paragraph.text, style), style)
            if style.fill and r in header_rows:
                _shade(cell, style.fill)
    for r, keys in targets.items():
        cells = _distinct(table.rows[r].cells[_FIRST_VALUE_COL[table_id] :])
        for cell, key in zip(cells, keys, strict=True):
            _set_text(cell.paragraphs[0], sample.printed[key], style)
            if style.centre_values:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if style.repeat_header and table_id == "三":
        for r in header_rows:
            properties = table.rows[r]._tr.get_or_add_trPr()
            flag = OxmlElement("w:tblHeader")
            properties.append(flag)


def _distinct(cells: list) -> list:
    """Row cells with a merged cell counted once (python-docx repeats it for every grid column)."""
    out, seen = [], set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)
