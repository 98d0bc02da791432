"""Writers of a 灾情 report over plain data (pure: no Django):

- ``report_xlsx``: the workbook in the national forms' column order, one sheet per form and 附表
  (自然灾害损失情况统计快报表, its 附表, 因灾死亡失踪人口一览表, 因灾倒塌损坏住房户一览表), headers in Chinese with
  their units, one row per township and the 合计 row; money in 万元 (stored in yuan, decision 0012);
- ``description_docx``: the 文字说明 as a Word document on A4, one heading per part;
- ``hxl_csv``: a CSV for humanitarian partners, row 1 the headers in Chinese and English, row 2 the
  HXL hashtags, one row per township (no total row: HXL consumers sum rows themselves).

A report is ``{township: {indicator code: figure}}`` with the county total under ``""`` (as
rollup.county_report makes it); a missing figure is left blank, never written as 0."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from yingji.disasters.catalogue import FORMS, Indicator, Rules, header_with_unit, named_list_forms
from yingji.disasters.checks import OPTIONAL_TEXT_PARTS, TEXT_PARTS, TEXT_SECTIONS

TOWNSHIP_HEADER = "乡（镇、街道）"
TOTAL = "合计"
STAGES = {"initial": "初报", "followup": "续报", "final": "核报", "zero": "24小时零报告"}


@dataclass(frozen=True)
class ReportInfo:
    """What the forms print above the figures."""
    unit: str  # 填报单位: "某某县应急管理局"
    county: str  # "某某县"
    disaster_type: str  # as this level reports it: 滑坡 (county) or 地质灾害 (above)
    stage: str  # "initial" | "followup" | "final" | "zero"
    as_of: str  # 数据截至, e.g. "2025年7月2日 24时"
    onset: str = ""  # date of onset, ISO
    county_code: str = ""  # GB/T 2260
    township_codes: dict | None = None  # township name → 9-digit 统计用区划代码


def shown(ind: Indicator, value):
    """A stored figure as the form shows it: 万元 for money, exactly (0012: never rounded)."""
    if value is None:
        return None
    if ind.stored_as == "yuan":
        return Decimal(value) / 10000
    return value


def header(ind: Indicator, rules: Rules, beside: set[str]) -> str:
    """A column header: the form's own (其中：重伤（人）) where the total stands ``beside`` it, else
    named with its total (直接经济损失中的农业损失（万元）) so the column reads on its own."""
    if not ind.parent or ind.parent in beside:
        return ind.header
    return header_with_unit(rules.name(ind.code), ind.unit)


def _townships(report: dict) -> list[str]:
    return [t for t in report if t != ""]


def _figures_sheet(ws, title: str, columns: list[Indicator], report: dict, info: ReportInfo, rules: Rules):
    width = len(columns) + 1
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"填报单位：{info.unit}　　灾害种类：{info.disaster_type}　　"
               f"报送阶段：{STAGES.get(info.stage, info.stage)}　　数据截至：{info.as_of}"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    codes = {c.code for c in columns}
    ws.append([TOWNSHIP_HEADER] + [header(c, rules, codes) for c in columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for township in _townships(report):
        ws.append([township] + [shown(c, report[township].get(c.code)) for c in columns])
    if "" in report:
        ws.append([TOTAL] + [shown(c, report[""].get(c.code)) for c in columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.freeze_panes = "B4"
    ws.column_dimensions["A"].width = 16
    for n in range(2, width + 1):
        ws.column_dimensions[get_column_letter(n)].width = 12


def _list_sheet(ws, kind: str, rows: list[dict]):
    spec = named_list_forms()[kind]
    ws.append([spec["title"]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec["fields"]) + 1)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["序号"] + [f["label"] for f in spec["fields"]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.column_dimensions["A"].width = 6
    for n, f in enumerate(spec["fields"], start=2):
        ws.column_dimensions[get_column_letter(n)].width = 22 if f.get("kind") == "id_number" else 14
    for number, row in enumerate(rows, start=1):
        ws.append([number] + [_cell(row.get(f["code"])) for f in spec["fields"]])
    ws.freeze_panes = "B3"


def _cell(value):
    return "" if value is None else str(value) if not isinstance(value, (int, Decimal)) else value


def report_xlsx(report: dict, rules: Rules, info: ReportInfo, named_lists: dict[str, list[dict]] | None = None) -> bytes:
    """The workbook of one report: the 快报表, its 附表 and both named lists (empty when not given)."""
    wb = Workbook()
    first = True
    for form, title in FORMS.items():
        ws = wb.active if first else wb.create_sheet()
        ws.title, first = title, False
        _figures_sheet(ws, title, rules.form_columns(form), report, info, rules)
    for kind, spec in named_list_forms().items():
        _list_sheet(wb.create_sheet(spec["title"]), kind, (named_lists or {}).get(kind, []))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def description_docx(parts: dict[str, str], info: ReportInfo, photos: list[tuple[str, bytes]] | None = None) -> bytes:
    """The 文字说明: title, the report's facts, the 灾情 and the 救灾工作 texts with one heading per part
    in the 制度's order (optional parts only when written), then any photos with their captions. A4
    portrait, 2.5 cm margins."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word takes Chinese text's font from eastAsia
    doc.add_heading(f"{info.county}{info.disaster_type}灾情{STAGES.get(info.stage, info.stage)}文字说明", level=0)
    doc.add_paragraph(f"填报单位：{info.unit}　　数据截至：{info.as_of}")
    labels = {**TEXT_PARTS, **OPTIONAL_TEXT_PARTS}
    for section_title, section_parts in TEXT_SECTIONS:
        doc.add_heading(section_title, level=1)
        for part in section_parts:
            text = (parts.get(part) or "").strip()
            if not text and part in OPTIONAL_TEXT_PARTS:
                continue
            doc.add_heading(labels[part], level=2)
            for paragraph in text.split("\n"):
                doc.add_paragraph(paragraph.strip())
    if photos:
        doc.add_heading("现场照片", level=1)
        for caption, data in photos:
            doc.add_picture(io.BytesIO(data), width=Cm(15))
            doc.add_paragraph(caption)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


HXL_PLACE = [("填报日期 / Date reported", "#date +reported"), ("县 / County", "#adm2 +name"),
             ("县代码 / County code", "#adm2 +code"), ("乡（镇、街道） / Township", "#adm3 +name"),
             ("乡镇代码 / Township code", "#adm3 +code"), ("灾害种类 / Disaster type", "#crisis +type")]


def english(ind: Indicator) -> str:
    return ind.code.replace("_", " ").capitalize()


def hxl_csv(report: dict, rules: Rules, info: ReportInfo, date_reported: str) -> str:
    """The report as HXL-tagged CSV (UTF-8 text; the caller adds a BOM where spreadsheets need one)."""
    indicators = [i for form in FORMS for i in rules.form_columns(form)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([h for h, _ in HXL_PLACE] + [f"{header(i, rules, set())} / {english(i)}" for i in indicators])
    writer.writerow([t for _, t in HXL_PLACE] + [i.hxl for i in indicators])
    codes = info.township_codes or {}
    for township in _townships(report):
        figures = report[township]
        place = [date_reported, info.county, info.county_code, township, codes.get(township, ""), info.disaster_type]
        writer.writerow(place + [_csv_number(shown(i, figures.get(i.code))) for i in indicators])
    return out.getvalue()


def _csv_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
