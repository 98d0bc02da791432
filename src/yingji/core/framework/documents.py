"""Official papers as .docx (python-docx), laid out as GB/T 9704-2012 《党政机关公文格式》 says
(docs/documents.md quotes the clauses): A4 paper; 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm (so
right 26 mm, bottom 35 mm); 22 lines a page; body in 3号仿宋 (16 pt), the title in 2号小标宋 (22 pt),
first-level headings in 3号黑体; page numbers in 4号 (14 pt) 半角宋体 as "— 1 —" below the 版心, odd
pages right and even pages left, one character in. A red issuing-organ line heads the paper."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT = "仿宋"  # 3号仿宋: 仿宋_GB2312 on older systems, 仿宋 on newer ones; Word substitutes
TITLE_FONT = "方正小标宋简体"  # 2号小标宋
HEADING_FONT = "黑体"  # first-level headings (一、二、…)
PAGE_NUMBER_FONT = "宋体"
BODY_PT, TITLE_PT, PAGE_NUMBER_PT, TABLE_PT = 16, 22, 14, 14  # 3号, 2号, 4号, 4号
PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(37), "left": Mm(28), "right": Mm(210 - 28 - 156),
        "bottom": Mm(297 - 37 - 225)}
LINE_PT = 28.9  # 225 mm / 22 lines, fixed


def _font(run, name: str, size: float, bold: bool = False, colour: RGBColor | None = None):
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # CJK text takes the East Asian slot
    run.font.size = Pt(size)
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text) -> str:
    """Text without the control characters a .docx cannot hold (one such record would fail the paper)."""
    return _NOT_XML.sub("", str(text or ""))


def _page_field(paragraph, size: float):
    """The PAGE field between one-character dashes: — 1 —."""
    _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, size)
    run = paragraph.add_run()
    _font(run, PAGE_NUMBER_FONT, size)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, size)


def _gb9704(doc) -> None:
    """Page size, margins, the body's default style and the page numbers (GB/T 9704-2012 4.1, 4.2, 7.5)."""
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    # The number's top line 7 mm below the 版心: 35 − 7 mm from the page's bottom, less its own height.
    section.footer_distance = Mm(297 - 37 - 225 - 7 - 5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, alignment, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = alignment
        setattr(p.paragraph_format, side, Pt(PAGE_NUMBER_PT))  # 单页码居右空一字，双页码居左空一字
        _page_field(p, PAGE_NUMBER_PT)


class OfficialDocument:
    def __init__(self, issuer: str, title: str, number: str = ""):
        self.doc = Document()
        _gb9704(self.doc)
        head = self.doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.paragraph_format.line_spacing = None  # the red issuing organ is larger than one line
        _font(head.add_run(_xml(issuer)), TITLE_FONT, TITLE_PT + 4, colour=RGBColor(0xD9, 0x00, 0x1B))
        if number:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(_xml(number)), BODY_FONT, BODY_PT)
        self.doc.add_paragraph()  # 标题 two lines below the issuing organ's line
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing = None
        _font(p.add_run(_xml(title)), TITLE_FONT, TITLE_PT)
        self.doc.add_paragraph()  # one empty line before the body

    def paragraph(self, text: str, *, indent: bool = True, bold: bool = False):
        p = self.doc.add_paragraph()
        _font(p.add_run(("\u3000\u3000" if indent else "") + _xml(text)), BODY_FONT, BODY_PT, bold=bold)
        return p

    def heading(self, text: str):
        """A first-level heading (一、概况): 3号黑体, two characters in."""
        p = self.doc.add_paragraph()
        _font(p.add_run("\u3000\u3000" + _xml(text)), HEADING_FONT, BODY_PT)
        return p

    def facts(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            _font(cells[0].paragraphs[0].add_run(_xml(label)), BODY_FONT, TABLE_PT, bold=True)
            _font(cells[1].paragraphs[0].add_run(_xml(value) or "—"), BODY_FONT, TABLE_PT)
        return table

    def table(self, headers: list[str], rows: list[list], *, size: float = 10.5):
        """A ruled table with a bold header row (a register's columns: 登记表, 清单); ``size`` in points
        (五号 10.5 by default, so that a register's many columns fit the 版心)."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].paragraph_format.line_spacing = None
            _font(cell.paragraphs[0].add_run(_xml(text)), BODY_FONT, size, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.paragraphs[0].paragraph_format.line_spacing = None
                _font(cell.paragraphs[0].add_run(_xml(value)), BODY_FONT, size)
        return table

    def signature(self, signer: str, when=None):
        when = when or timezone.localdate()
        for text in (signer, f"{when.year}年{when.month}月{when.day}日"):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 成文日期右空四字
            _font(p.add_run(_xml(text)), BODY_FONT, BODY_PT)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def docx_response(content: bytes, filename: str):
    from yingji.core.framework.tabular import download

    return download(content, filename, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def document_response(document, record, user=None):
    """A registry's declared document (``registry.RecordDocument``) for ``record``, page and API alike;
    a document built for its reader (``for_reader``: personal data masked by role) is given the user."""
    from urllib.parse import quote

    from django.http import HttpResponse

    textual = document.media_type.startswith("text/") or document.media_type.endswith("xml")
    content = document.build(record, user) if document.for_reader else document.build(record)
    response = HttpResponse(content,
                            content_type=f"{document.media_type}; charset=utf-8" if textual else document.media_type)
    disposition = "inline" if document.inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(document.name_for(record))}"
    return response
