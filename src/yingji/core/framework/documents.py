"""Official papers as .docx (python-docx), in the layout bureaus exchange: a red-headed issuing
organ, a centred title in 小标宋-like bold, 仿宋 body text, a facts table, signature and date."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False, colour: RGBColor | None = None):
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # CJK text takes the East Asian font slot
    run.font.size = Pt(size)
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text) -> str:
    """Text without the control characters a .docx cannot hold (one such record would fail the paper)."""
    return _NOT_XML.sub("", str(text or ""))


class OfficialDocument:
    def __init__(self, issuer: str, title: str, number: str = ""):
        self.doc = Document()
        head = self.doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(head.add_run(_xml(issuer)), TITLE_FONT, 22, bold=True, colour=RGBColor(0xD9, 0x00, 0x1B))
        if number:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(_xml(number)), BODY_FONT, 14)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(_xml(title)), TITLE_FONT, 20, bold=True)

    def paragraph(self, text: str, *, indent: bool = True, bold: bool = False):
        p = self.doc.add_paragraph()
        _font(p.add_run(("\u3000\u3000" if indent else "") + _xml(text)), BODY_FONT, 16, bold=bold)
        return p

    def facts(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            _font(cells[0].paragraphs[0].add_run(_xml(label)), BODY_FONT, 14, bold=True)
            _font(cells[1].paragraphs[0].add_run(_xml(value) or "—"), BODY_FONT, 14)
        return table

    def signature(self, signer: str, when=None):
        when = when or timezone.localdate()
        for text in (signer, f"{when.year}年{when.month}月{when.day}日"):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(_xml(text)), BODY_FONT, 16)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def docx_response(content: bytes, filename: str):
    from yingji.core.framework.tabular import download

    return download(content, filename, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def document_response(document, record):
    """A registry's declared document (``registry.RecordDocument``) for ``record``, page and API alike."""
    from urllib.parse import quote

    from django.http import HttpResponse

    textual = document.media_type.startswith("text/") or document.media_type.endswith("xml")
    response = HttpResponse(document.build(record),
                            content_type=f"{document.media_type}; charset=utf-8" if textual else document.media_type)
    disposition = "inline" if document.inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(document.name_for(record))}"
    return response
