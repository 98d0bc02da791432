"""Rows in and out of .xlsx and .csv files for the registries.

Columns are the fields' Chinese names (field names are accepted on import too); choices travel as
their Chinese labels and related records as their natural key (a region by its code, an
organization by its credit code), so an exported file can be edited and imported back.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import python_calamine
from django.db import models
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

MAX_IMPORT_ROWS = 50_000


class FileFormatError(ValueError):
    """The file itself cannot be read (not the rows in it)."""


def tabular_fields(reg) -> list[str]:
    """Fields that travel in spreadsheets: the natural key first (the platform's 编号 for records
    without a code of their own), then the editable ones except JSON (geometry goes as GeoJSON)."""
    fields = [n for n in reg.editable_fields if not isinstance(reg.field(n), models.JSONField)]
    return [k for k in reg.natural_key if k not in fields] + fields  # the key travels even when not editable


def column_help(reg, name: str) -> str:
    f = reg.field(name)
    if name == "id":
        return "选填；留空为新增，填写已导出的编号则更新该条记录"
    parts = ["必填" if not f.blank else "选填"]
    if f.choices:
        parts.append("可选值：" + "、".join(str(label) for _, label in f.choices))
    elif f.many_to_many:
        from yingji.core.framework.registry import reference_for

        ref = reference_for(f.related_model)
        if ref is not None and ref.labels is not None:
            parts.append("可填多个，用顿号“、”分隔；可选值：" + "、".join(ref.labels().values()))
        else:
            parts.append("可填多个，用顿号“、”分隔")
    elif f.is_relation:
        key = reg.related_key(name)
        parts.append(f"填写{f.related_model._meta.get_field(key).verbose_name if key != 'pk' else '编号'}")
    if f.help_text:
        parts.append(str(f.help_text))
    return "；".join(parts)


def export_rows(reg, queryset, fields: list[str], masked=frozenset()):
    """Rows of plain values for ``fields``, read with values_list (no model instances: fast at 100k rows);
    a personal field the user may not read (``masked``) is written masked."""
    if masked:
        from yingji.core.framework.registry import MASK

        at = [i for i, name in enumerate(fields) if name in masked]
        for row in export_rows(reg, queryset, fields):
            yield [MASK if i in at else v for i, v in enumerate(row)]
        return
    queryset = queryset.prefetch_related(None)  # plain values, not records
    columns, converters = [], []
    many = {name: _many_values(reg, queryset, name) for name in fields if reg.field(name).many_to_many}
    if many:
        columns.append("pk")
    for name in fields:
        f = reg.field(name)
        if f.many_to_many:  # one cell: the values as people read them, in the order they were given
            continue
        if f.is_relation:
            key = reg.related_key(name)
            columns.append(f"{name}__{key}" if key != "pk" else name)
            converters.append(None)
        else:
            columns.append(name)
            labels = {key: str(label) for key, label in f.choices} if f.choices else None
            # A field people read in a unit of its own (kept in yuan, written in 万元) says how its cell reads.
            converters.append(labels if labels else getattr(f, "to_sheet", None))
    if not many:
        for values in queryset.values_list(*columns).iterator(chunk_size=5000):
            yield [_plain(_cell(v, convert)) for v, convert in zip(values, converters, strict=True)]
        return
    for pk, *values in queryset.values_list(*columns).iterator(chunk_size=5000):
        plain = iter([_plain(_cell(v, convert)) for v, convert in zip(values, converters, strict=True)])
        yield [("、".join(many[name].get(pk, [])) if reg.field(name).many_to_many else next(plain)) for name in fields]


def _cell(value, convert):
    if not convert:
        return value
    return convert(value) if callable(convert) else convert.get(value, value)


def _many_values(reg, queryset, name) -> dict:
    """pk -> the labels (a reference's, e.g. roles' Chinese names) or keys of a many-to-many field, for
    every record of ``queryset``, in one query."""
    from yingji.core.framework.registry import reference_for

    f = reg.field(name)
    through = f.remote_field.through
    source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
    key = reg.related_key(name)
    ref = reference_for(f.related_model)
    out: dict = {}
    rows = through.objects.filter(**{f"{source}__in": queryset.order_by().values("pk")}).order_by("pk")
    for pk, value in rows.values_list(f"{source}_id", f"{target}__{key}" if key != "pk" else f"{target}_id"):
        out.setdefault(pk, []).append(ref.label(value) if ref is not None else str(value))
    return out


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        # To the whole second: a spreadsheet keeps a time as a fraction of a day, and 15.9997 s read
        # back rounds to 16 s, which an import of the file would take for a change.
        return value.astimezone().replace(tzinfo=None, microsecond=0)
    return value


# A spreadsheet app runs a cell starting with one of these as a formula (=HYPERLINK(…), =cmd|…,
# +1+cmd…, @SUM…); exported text that starts so gets this prefix and stays text. Numbers stored
# as numbers (a negative stock movement) are not text and stay numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def safe_cell(value):
    """A value as an export cell: control characters (which Excel files cannot hold) removed, and
    text that a spreadsheet would run as a formula prefixed with ``'``."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return NEUTRALISER + value if value.startswith(FORMULA_STARTS) else value


def safe_row(row) -> list:
    return [safe_cell(v) for v in row]


def unneutralise(value: str) -> str:
    """The text as it was before safe_cell, so an exported file imports back unchanged."""
    return value[1:] if value.startswith(NEUTRALISER) and value[1:2] and value[1] in FORMULA_STARTS else value


def write_xlsx(reg, rows, fields: list[str], *, with_help: bool = False) -> bytes:
    """A workbook with a header row of Chinese names and the given rows (from export_rows), or an
    empty import template with column notes when ``with_help``."""
    book = Workbook(write_only=not with_help)
    sheet = book.create_sheet(str(reg.label)) if not with_help else book.active
    if with_help:
        sheet.title = str(reg.label)[:31]
        for col, name in enumerate(fields, start=1):
            cell = sheet.cell(row=1, column=col, value=reg.field_label(name))
            cell.font = Font(bold=True, color="FFFFFF" if not reg.field(name).blank else "000000")
            cell.fill = PatternFill("solid", fgColor="D9001B" if not reg.field(name).blank else "DDDDDD")
            cell.comment = Comment(column_help(reg, name), "yingji")
            sheet.column_dimensions[cell.column_letter].width = max(12, len(reg.field_label(name)) * 2 + 4)
        guide = book.create_sheet("填写说明")
        guide.append(["列名", "字段", "说明"])
        for name in fields:
            guide.append([reg.field_label(name), name, column_help(reg, name)])
        guide.append([])
        guide.append(["红色列为必填。以" + "、".join(reg.field_label(k) for k in reg.natural_key)
                      + "识别记录：已存在的记录将被更新，重复导入同一文件不会产生重复数据。"])
    else:
        sheet.append([reg.field_label(n) for n in fields])
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Column:
    """A column of a file that is not one registry's rows (a household list: rows → households and their
    people): its field name, the Chinese title of the template, what to write in it, and other titles
    that lists in use give it (身份证号 for 身份证号码)."""

    name: str
    label: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()


def write_template(title: str, columns: list[Column], notes: list[str] = (), examples: list[list] = ()) -> bytes:
    """An import template for ``columns`` as write_xlsx(with_help=True) makes one for a registry: the
    header row (required columns red) with each column's help as a note, optional example rows, and
    a 填写说明 sheet listing every column and the ``notes``."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for col, c in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=c.label)
        cell.font = Font(bold=True, color="FFFFFF" if c.required else "000000")
        cell.fill = PatternFill("solid", fgColor="D9001B" if c.required else "DDDDDD")
        cell.comment = Comment(("必填；" if c.required else "选填；") + c.help, "yingji")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(c.label) * 2 + 4)
    for row in examples:
        sheet.append(safe_row(row))
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "字段", "说明", "也可用的列名"])
    for c in columns:
        guide.append([c.label, c.name, ("必填；" if c.required else "选填；") + c.help, "、".join(c.aliases)])
    guide.append([])
    for note in notes:
        guide.append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def map_columns(header: list[str], columns: list[Column], ignored: tuple[str, ...] = ()) -> tuple[dict[str, int], list[str]]:
    """{column name: its index in ``header``} for a file of ``columns`` (titles or aliases or field
    names), and the located errors of the header: an unknown title (``ignored`` ones excepted, e.g.
    序号), a column given twice, a required one missing — the messages of a registry import's header."""
    by_title = {}
    for c in columns:
        for title in (c.label, c.name, *c.aliases):
            by_title[title] = c
    index, errors = {}, []
    for col, title in enumerate(header, start=1):
        title = (title or "").strip()
        if not title or title in ignored:
            continue
        c = by_title.get(title)
        if c is None:
            errors.append(f"第 1 行, 第 {col} 列: 未知列“{title}”（请使用导入模板中的列名）")
        elif c.name in index:
            errors.append(f"第 1 行, 第 {col} 列: “{title}”与第 {index[c.name] + 1} 列重复")
        else:
            index[c.name] = col - 1
    missing = [c.label for c in columns if c.required and c.name not in index]
    if missing:
        errors.append(f"第 1 行: 缺少必填列 {'、'.join(missing)}")
    return index, errors


def _text(value) -> str:
    if type(value) is str:  # most cells: checked first
        return unneutralise(value.strip())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unneutralise(str(value).strip())


def _first_sheet(content: bytes):
    """The first worksheet of an .xlsx file, read with calamine (Rust; ~10x faster than openpyxl,
    which still writes the files). Cells come as str, int/float, bool, date/datetime/time/timedelta
    (a date-time at midnight as a date), "" when empty; formulas as their last computed value."""
    try:
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(content))
        names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if not names:
            raise FileFormatError("文件为空")
        return book.get_sheet_by_name(names[0])
    except FileFormatError:
        raise
    except Exception as exc:
        raise FileFormatError(f"无法读取 Excel 文件：{exc}") from exc


def read_rows(filename: str, content: bytes) -> list[list[str]]:
    """All rows of the first sheet (xlsx) or the file (csv, UTF-8 or GB18030) as text."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = [[_text(v) for v in row] for row in _first_sheet(content).to_python(skip_empty_area=False)]
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileFormatError("CSV 文件编码无法识别（请保存为 UTF-8 或 GBK）")
        rows = [[unneutralise(c.strip()) for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise FileFormatError("只支持 .xlsx 和 .csv 文件")
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise FileFormatError("文件为空")
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise FileFormatError(f"一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分文件")
    return rows


def count_rows(filename: str, content: bytes) -> int:
    """About how many data rows a file has (an upper bound: blank rows count), without reading the
    cells: the sheet's recorded dimension for .xlsx, the number of records for .csv. Decides whether
    an import runs inside the request or as a background job."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        end = _first_sheet(content).end  # (row, column) of the last cell, from 0
        return end[0] if end else 0
    if name.endswith(".csv"):
        return max(0, content.count(b"\n") - 1 + (0 if content.endswith(b"\n") else 1))
    raise FileFormatError("只支持 .xlsx 和 .csv 文件")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE):
    """An HTTP attachment with a Chinese file name that every browser keeps."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
