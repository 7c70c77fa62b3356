"""Render a :class:`~crosslink.cases.summary.CaseSummary` to DOCX (python-docx) and PDF (fpdf2).

Both draw from the one structured object. In the DOCX every factual sentence is a
paragraph in the style ``Body Text`` ending with its bracketed citation(s), so a reader
(or a test) can check that each sentence is sourced; headings, offence elements and
notes use other styles. The PDF lays out the same paragraphs.
"""

from __future__ import annotations

import os
from pathlib import Path

from crosslink.cases.summary import CaseSummary, Citation, Section, Sentence

__all__ = ["SENTENCE_STYLE", "cite_text", "to_docx", "to_pdf", "unicode_font"]

SENTENCE_STYLE = "Body Text"
NOTE_STYLE = "Intense Quote"
FONT_ENV = "CROSSLINK_PDF_FONT"
#: Unicode TrueType fonts tried in the usual OS font folders, first found wins.
_FONT_NAMES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "Arial Unicode.ttf", "arial.ttf")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
              "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")


def cite_text(citations: tuple[Citation, ...]) -> str:
    return "[" + " | ".join(c.label() for c in citations) + "]"


def _heading_level(depth: int) -> int:
    return min(1 + depth, 4)


def to_docx(summary: CaseSummary, path: Path) -> Path:
    """Write the summary as a Word document."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    marking = doc.add_paragraph(summary.marking)
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(f"Case summary (MG5): {summary.title}", level=0)
    doc.add_paragraph(f"Case {summary.case} · drafted {summary.generated_at} by {summary.generated_by} · "
                      "draft for the officer in the case to check", style="Subtitle")
    doc.add_heading("Offences", level=1)
    for label in summary.offences:
        doc.add_paragraph(label, style="List Bullet")

    # A long summary (thousands of sentences) is written straight into the body XML:
    # python-docx's add_paragraph finds the section properties by scanning the body's
    # children and resolves every style assignment by scanning all styles, O(n^2) over
    # a document (40 s for 3,000 sentences). Here each paragraph goes before the kept
    # anchor and styles are set by id: O(n).
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    cite_style = doc.styles.add_style("Citation", WD_STYLE_TYPE.CHARACTER)
    cite_style.font.italic = True
    cite_style.font.size = Pt(8)
    cite_style.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    ids = {name: doc.styles[name].style_id
           for name in (SENTENCE_STYLE, NOTE_STYLE, *(f"Heading {n}" for n in range(1, 5)))}
    anchor = doc.element.body.sectPr
    assert anchor is not None

    def paragraph(style: str) -> Paragraph:
        element = OxmlElement("w:p")
        anchor.addprevious(element)
        element.get_or_add_pPr().style = ids[style]
        return Paragraph(element, doc)

    def sentence(s: Sentence) -> None:
        p = paragraph(SENTENCE_STYLE)
        p.add_run(s.text + " ")
        run = p.add_run(cite_text(s.citations))
        run._r.get_or_add_rPr().style = cite_style.style_id

    def section(sec: Section, depth: int) -> None:
        paragraph(f"Heading {_heading_level(depth)}").add_run(sec.title)
        for s in sec.sentences:
            sentence(s)
        for note in sec.notes:
            paragraph(NOTE_STYLE).add_run(note)
        for sub in sec.subsections:
            section(sub, depth + 1)

    for sec in summary.sections:
        section(sec, 0)
    doc.add_heading("Sources cited", level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, ("report", "title", "originator", "grading", "handling"), strict=True):
        cell.text = text
    for c in summary.sources:
        cells = table.add_row().cells
        for cell, value in zip(cells, (c.report_id, c.title, c.originator, c.grading, c.handling), strict=True):
            cell.text = str(value or "")
    doc.save(str(path))
    return path


def unicode_font() -> Path | None:
    """A Unicode TTF for the PDF: $CROSSLINK_PDF_FONT, else one in the OS font folders."""
    env = os.environ.get(FONT_ENV)
    if env and Path(env).is_file():
        return Path(env)
    for folder in _FONT_DIRS:
        base = Path(folder).expanduser()
        if not base.is_dir():
            continue
        for name in _FONT_NAMES:
            found = next(iter(base.rglob(name)), None)
            if found:
                return found
    return None


def to_pdf(summary: CaseSummary, path: Path) -> int:
    """Write the summary as PDF (fpdf2). Without a Unicode font on the machine, text is
    written in the core Helvetica font with characters it lacks replaced by '?'.
    Returns the number of pages."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    font = unicode_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 15, 18)
    family = "Helvetica"
    if font is not None:
        pdf.add_font("CaseFont", "", str(font))
        family = "CaseFont"

    def safe(text: str) -> str:
        return text if font is not None else text.encode("latin-1", "replace").decode("latin-1")

    marking = safe(summary.marking)

    def header() -> None:
        pdf.set_font(family, size=8)
        pdf.cell(0, 5, marking, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.header = header  # type: ignore[method-assign]
    pdf.add_page()

    widths: dict[tuple[str, float], float] = {}

    def width(word: str, size: float) -> float:
        # Word widths are cached: a case file repeats the same names, phones and
        # citations thousands of times.
        key = (word, size)
        found = widths.get(key)
        if found is None:
            found = widths[key] = pdf.get_string_width(word)
        return found

    def para(text: str, size: float, *, gap: float = 1.5, color: int = 0) -> None:
        # Greedy word wrap by hand, one cell per line: fpdf2's multi_cell measures every
        # character in Python (about 25 ms a paragraph), too slow for thousands.
        pdf.set_font(family, size=size)
        pdf.set_text_color(color)
        room = pdf.epw
        space = width(" ", size)
        line: list[str] = []
        used = 0.0
        lines: list[str] = []
        for word in safe(text).split():
            w = width(word, size)
            while w > room and len(word) > 1:  # a word wider than the page: cut it
                cut = max(1, int(len(word) * room / w) - 1)
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                lines.append(word[:cut])
                word = word[cut:]
                w = width(word, size)
            if line and used + space + w > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + w
            line.append(word)
        if line:
            lines.append(" ".join(line))
        height = size * 0.5
        for text_line in lines:
            pdf.cell(0, height, text_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    para(f"Case summary (MG5): {summary.title}", 16, gap=2)
    para(f"Case {summary.case} - drafted {summary.generated_at} by {summary.generated_by}", 9, color=80)
    para("Offences", 13)
    for label in summary.offences:
        para(f"- {label}", 10)

    def section(sec: Section, depth: int) -> None:
        para(sec.title, max(13 - 1.5 * depth, 9.5), gap=1)
        for s in sec.sentences:
            para(f"{s.text} {cite_text(s.citations)}", 9.5)
        for note in sec.notes:
            para(note, 9, color=100)
        for sub in sec.subsections:
            section(sub, depth + 1)

    for sec in summary.sections:
        section(sec, 0)
    para("Sources cited", 13)
    for c in summary.sources:
        para(f"{c.report_id}  {c.title or ''} - {c.originator or ''} - {c.grading or ''} - {c.handling or ''}", 8)
    pdf.output(str(path))
    return int(pdf.page_no())
