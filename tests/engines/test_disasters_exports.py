"""Exports of a 灾情 report: the .xlsx opened with openpyxl (sheet names, headers with units in the
national column order, figures in 万元, the 合计 row, blanks left blank), the .docx opened with
python-docx (A4, the 文字说明 headings in order), and the HXL CSV parsed by the same small reader as
two third-party HXL files from libhxl-python (tests/data/disasters/hxl, see SOURCES.md)."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from yingji.disasters import exports
from yingji.disasters.catalogue import national
from yingji.disasters.checks import TEXT_PARTS
from yingji.disasters.exports import ReportInfo

RULES = national()
HXL_FILES = Path(__file__).parents[1] / "data" / "disasters" / "hxl"
INFO = ReportInfo(unit="示范县应急管理局", county="示范县", disaster_type="洪涝", stage="followup", as_of="2025年7月2日 24时",
                  county_code="330100", township_codes={"青石镇": "330100101", "白水乡": "330100102"})
REPORT = {
    "青石镇": {"affected_population": 1200, "deaths": 1, "missing": 2, "direct_loss": Decimal("12345670.00"),
            "crop_affected_area": Decimal("350.5"), "direct_loss_agriculture": Decimal("5000000")},
    "白水乡": {"affected_population": 300, "deaths": 0},
    "": {"affected_population": 1500, "deaths": 1, "missing": 2, "direct_loss": Decimal("12345670.00"),
         "crop_affected_area": Decimal("350.5"), "direct_loss_agriculture": Decimal("5000000")},
}

# libhxl-python's hxl.model.Column.PATTERN (see SOURCES.md)
TOKEN = r"[A-Za-z][_0-9A-Za-z]*"
HASHTAG = re.compile(rf"^\s*(#{TOKEN})((?:\s*\+{TOKEN})*)\s*$")


def read_hxl(text: str):
    """(columns, data rows): columns as (header, tag, attributes) from the first row of the first 25
    whose non-empty cells all parse as hashtag specs, the header being the cell above."""
    rows = list(csv.reader(io.StringIO(text)))
    previous = []
    for n, row in enumerate(rows[:25]):
        cells = [c for c in row if c.strip()]
        matches = [HASHTAG.match(c) for c in row]
        if cells and all(m for m, c in zip(matches, row, strict=True) if c.strip()):
            columns = []
            for i, m in enumerate(matches):
                header = previous[i] if i < len(previous) else None
                if m:
                    attributes = [a.lower() for a in re.split(r"\s*\+", m.group(2).strip().strip("+")) if a]
                    columns.append((header, m.group(1).lower(), attributes))
                else:
                    columns.append((header, None, []))
            return columns, rows[n + 1:]
        previous = row
    raise AssertionError("no HXL hashtag row")


def test_the_reader_parses_the_third_party_files_as_libhxl_does():
    columns, data = read_hxl((HXL_FILES / "libhxl-input-valid.csv").read_text(encoding="utf-8"))
    assert [c[1] for c in columns] == [None, "#sector", "#subsector", "#org", "#targeted_num", "#targeted_num",
                                       "#country", "#adm1", "#date"]
    assert columns[4] == ("Hombres", "#targeted_num", ["f"]) and columns[8][2] == ["reported"]
    assert len(data) == 4 and data[0][3] == "ACNUR"
    columns, data = read_hxl((HXL_FILES / "libhxl-sample.csv").read_text(encoding="utf-8"))
    assert columns[0] == ("Registro", "#x_id", []) and columns[5] == ("Mujeres", "#targeted_num", ["f"])
    assert data[0][4] == "1,100"


def test_hxl_export_parses_the_same_way():
    text = exports.hxl_csv(REPORT, RULES, INFO, "2025-07-03")
    columns, data = read_hxl(text)
    assert all(tag for _, tag, _ in columns)  # every column is tagged
    by_spec = {(tag, tuple(attrs)): i for i, (_, tag, attrs) in enumerate(columns)}
    assert len(by_spec) == len(columns)  # no two columns share a hashtag spec
    killed, missing = by_spec["#affected", ("killed",)], by_spec["#affected", ("missing",)]
    assert columns[killed][0] == "因灾死亡人口（人） / Deaths"
    serious = by_spec["#affected", ("injured", "serious")]
    assert columns[serious][0] == "因灾受伤人口中的重伤（人） / Injured serious"  # reads on its own
    assert [row[by_spec["#adm3", ("name",)]] for row in data] == ["青石镇", "白水乡"]  # no total row
    assert data[0][killed] == "1" and data[0][missing] == "2" and data[1][missing] == ""  # blank stays blank
    assert data[0][by_spec["#adm3", ("code",)]] == "330100101"
    assert data[0][by_spec["#value", ("loss", "cny")]] == "1234.567"  # 万元, as the header says
    assert by_spec["#affected", ()] == 6 and data[1][6] == "300"
    assert text.split("\r\n")[1].startswith("#date +reported,#adm2 +name")


def test_xlsx_has_one_sheet_per_form_with_the_national_headers_in_order():
    rows = [{"township": "青石镇", "village": "河口村", "name": "王秀英", "gender": "女", "id_number": "11010519491231002X",
             "status": "死亡", "occurred_on": "2025-07-01", "place": "后山", "cause": "滑坡掩埋"}]
    wb = load_workbook(io.BytesIO(exports.report_xlsx(REPORT, RULES, INFO, {"deaths_missing": rows})))
    assert wb.sheetnames == ["自然灾害损失情况统计快报表", "自然灾害损失情况统计快报表附表", "因灾死亡失踪人口一览表",
                             "因灾倒塌损坏住房户一览表"]
    ws = wb["自然灾害损失情况统计快报表"]
    assert ws["A1"].value == "自然灾害损失情况统计快报表"
    assert ws["A2"].value == "填报单位：示范县应急管理局　　灾害种类：洪涝　　报送阶段：续报　　数据截至：2025年7月2日 24时"
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["乡（镇、街道）", "受灾人口（人）", "因灾死亡人口（人）", "因灾失踪人口（人）", "因灾受伤人口（人）"]
    assert headers[1:] == [i.header for i in RULES.form_columns("kuaibao")]  # totals beside their 其中 rows
    assert {"其中：重伤（人）", "紧急转移安置人口（人，累计）", "紧急转移安置人口（人，实时）"} <= set(headers)
    assert "直接经济损失（万元）" in headers and "倒塌房屋（间）" in headers and "农作物受灾面积（公顷）" in headers
    data = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=4)}
    assert list(data) == ["青石镇", "白水乡", "合计"]
    loss = headers.index("直接经济损失（万元）")
    assert data["青石镇"][loss] == 1234.567 and data["白水乡"][loss] is None  # a number in 万元, not text
    assert data["合计"][headers.index("受灾人口（人）")] == 1500
    annex = wb["自然灾害损失情况统计快报表附表"]
    assert [c.value for c in annex[3]][1] == "直接经济损失中的农业损失（万元）" and annex["B4"].value == 500  # total elsewhere
    deaths = wb["因灾死亡失踪人口一览表"]
    assert [c.value for c in deaths[2]][:4] == ["序号", "乡（镇、街道）", "行政村（社区）", "姓名"]
    assert deaths["F3"].value == "11010519491231002X"  # kept as text: no digits lost to a number format
    assert wb["因灾倒塌损坏住房户一览表"].max_row == 2  # headers only


def test_description_docx_on_a4_with_the_parts_in_order():
    parts = {part: f"{label}的内容。" for part, label in TEXT_PARTS.items()}
    parts["course"] = "7月1日14时起强降雨。\n7月2日洪峰过境。"
    doc = Document(io.BytesIO(exports.description_docx(parts, INFO)))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.5
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["灾情文字说明", "救灾工作文字说明"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["灾害发生背景", "灾害过程", "灾情特点", "趋势预测", "已采取的救灾措施", "灾区需求", "下一步工作安排"]
    with_scene = Document(io.BytesIO(exports.description_docx({**parts, "scene": "河口村沿河民房进水。"}, INFO)))
    headings = [p.text for p in with_scene.paragraphs if p.style.name == "Heading 2"]
    assert headings[2:5] == ["灾情特点", "现场情景描述", "趋势预测"]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范县洪涝灾情续报文字说明"
    course = texts.index("灾害过程")
    assert texts[course + 1:course + 3] == ["7月1日14时起强降雨。", "7月2日洪峰过境。"]


def _matches(pattern: str, tag: str, attributes: list[str]) -> bool:
    """libhxl's tag pattern: ``#indicator+num`` matches tag #indicator having attribute num; ``#*`` any."""
    name, *wanted = pattern.split("+")
    return (name == "#*" or name == tag) and set(wanted) <= set(attributes)


def test_hxl_export_keeps_libhxls_default_schema():
    """The default validation schema of libhxl (numbers, dates, whitespace) holds for every cell."""
    import datetime
    import json

    schema = json.loads((HXL_FILES / "libhxl-default-schema.json").read_text(encoding="utf-8"))
    numeric = next(r["#valid_tag"] for r in schema if r.get("#valid_datatype") == "number").split(",")
    dates = next(r["#valid_tag"] for r in schema if r.get("#valid_datatype") == "date").split(",")
    columns, data = read_hxl(exports.hxl_csv(REPORT, RULES, INFO, "2025-07-03"))
    indicator_columns = columns[len(exports.HXL_PLACE):]
    assert len(indicator_columns) == len(RULES.indicators)
    for _, tag, attributes in indicator_columns:  # every figure is in a column HXL tools read as numbers
        assert any(_matches(p, tag, attributes) for p in numeric), (tag, attributes)
    for row in data:
        for (_, tag, attributes), value in zip(columns, row, strict=True):
            assert value == value.strip()
            if value and any(_matches(p, tag, attributes) for p in numeric):
                float(value)
            if value and any(_matches(p, tag, attributes) for p in dates):
                datetime.date.fromisoformat(value)


def _png(width: int, height: int) -> bytes:
    """A minimal valid PNG (grey pixels), built by hand."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_description_docx_carries_the_photos_with_captions():
    parts = {part: "……" for part in TEXT_PARTS}
    photos = [(f"图{n} 河口村受淹民房", _png(40, 30)) for n in (1, 2, 3)]
    doc = Document(io.BytesIO(exports.description_docx(parts, INFO, photos)))
    assert len(doc.inline_shapes) == 3
    assert round(doc.inline_shapes[0].width.cm, 1) == 15.0  # within the A4 text width
    texts = [p.text for p in doc.paragraphs]
    assert "现场照片" in texts and "图3 河口村受淹民房" in texts
