"""Validation of the two named lists of the 快报 (pure: no Django): 因灾死亡失踪人口一览表
(``deaths_missing``) and 因灾倒塌损坏住房户一览表 (``housing``). Rows are plain dicts keyed by the field
codes of data/named_lists.json; every problem is located by row (1-based, as a sheet shows it after its
header), field code and label, and says why. Duplicates are found by ID number, and by name + birth
date + township (the birth date read from the ID number where the row gives none)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from yingji.core.directory.codes import id_number_error
from yingji.disasters.catalogue import named_list_forms


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.label}」：{self.message}"


def fields(kind: str) -> list[dict]:
    return named_list_forms()[kind]["fields"]


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def birth_date(row: dict) -> datetime.date | None:
    """The row's birth date: as given, else from a valid ID number."""
    given = _date(row.get("birth_date") or "")
    if given:
        return given
    number = str(row.get("id_number") or "").strip().upper()
    if len(number) == 18 and id_number_error(number) is None:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return None


def validate(kind: str, rows: list[dict], today: datetime.date | None = None) -> list[RowError]:
    """Every problem of ``rows`` of the named list ``kind``."""
    spec = fields(kind)
    out = []
    for number, row in enumerate(rows, start=1):
        for f in spec:
            out += _field_errors(number, row, f, today)
        out += _consistency(number, row, kind)
    return out + _duplicates(rows)


def _field_errors(number: int, row: dict, f: dict, today) -> list[RowError]:
    value = row.get(f["code"])
    text = "" if value is None else str(value).strip()
    if not text:
        return [RowError(number, f["code"], f["label"], "必填")] if f.get("required") else []
    if "choices" in f and text not in f["choices"]:
        return [RowError(number, f["code"], f["label"], f"应为 {'、'.join(f['choices'])} 之一，实际为「{text}」")]
    kind = f.get("kind")
    if kind == "id_number":
        why = id_number_error(text, today)
        return [RowError(number, f["code"], f["label"], why)] if why else []
    if kind == "date":
        day = _date(value)
        if day is None:
            return [RowError(number, f["code"], f["label"], f"「{text}」不是日期（应为 YYYY-MM-DD）")]
        if today is not None and day > today:
            return [RowError(number, f["code"], f["label"], f"{day.isoformat()} 晚于今天")]
    if kind == "count" and not (text.isdigit()):
        return [RowError(number, f["code"], f["label"], f"应为不小于 0 的整数，实际为「{text}」")]
    return []


def _consistency(number: int, row: dict, kind: str) -> list[RowError]:
    """Birth date and gender against a valid ID number (an invalid one is reported on its own)."""
    out = []
    given, id_text = _date(row.get("birth_date") or ""), str(row.get("id_number") or "").strip().upper()
    if len(id_text) != 18 or id_number_error(id_text) is not None:
        return out
    if given:
        in_id = datetime.date(int(id_text[6:10]), int(id_text[10:12]), int(id_text[12:14]))
        if in_id != given:
            out.append(RowError(number, "birth_date", "出生日期",
                                f"{given.isoformat()} 与身份证号码中的 {in_id.isoformat()} 不一致"))
    if kind == "deaths_missing" and row.get("gender") in ("男", "女"):
        in_id = "男" if int(id_text[16]) % 2 else "女"  # GB 11643: odd sequence code for men
        if in_id != row["gender"]:
            out.append(RowError(number, "gender", "性别", f"「{row['gender']}」与身份证号码（第 17 位为{in_id}性）不一致"))
    return out


def _duplicates(rows: list[dict]) -> list[RowError]:
    out, by_id, by_person = [], {}, {}
    for number, row in enumerate(rows, start=1):
        id_text = str(row.get("id_number") or "").strip().upper()
        if id_text:
            if id_text in by_id:
                out.append(RowError(number, "id_number", "身份证号码", f"与第 {by_id[id_text]} 行重复"))
            else:
                by_id[id_text] = number
        born, name = birth_date(row), str(row.get("name") or "").strip()
        person = (name, born, str(row.get("township") or "").strip())
        if name and born:
            if person in by_person and by_id.get(id_text) != by_person[person]:
                out.append(RowError(number, "name", "姓名",
                                    f"与第 {by_person[person]} 行姓名、出生日期和乡镇相同，疑为重复"))
            else:
                by_person.setdefault(person, number)
    return out


def death_missing_counts(rows: list[dict]) -> dict[str, Counter]:
    """Rows per township and status: ``{township: Counter({"死亡": 2, "失踪": 1})}``, the county under
    ``""`` — what checks.check_named_list compares with the figures."""
    out: dict[str, Counter] = {"": Counter()}
    for row in rows:
        status = row.get("status")
        out.setdefault(str(row.get("township") or ""), Counter())[status] += 1
        out[""][status] += 1
    return out
