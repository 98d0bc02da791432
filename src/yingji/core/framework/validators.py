"""Django validators: coordinates and geometry (the pure rules in geo.py), phone numbers, control characters."""

import re

from django.core.exceptions import ValidationError

from yingji.core.framework import geo


def _raise_if(message):
    if message:
        raise ValidationError(message)


def validate_lon(value: float):
    _raise_if(geo.lon_error(value))


def validate_lat(value: float):
    _raise_if(geo.lat_error(value))


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")


def validate_mobile(value: str):
    if not MOBILE_RE.match(value):
        raise ValidationError("手机号码应为以 1 开头的 11 位数字")


def validate_phone(value: str):
    if not PHONE_RE.match(value):
        raise ValidationError("电话号码只能包含数字、+、-、括号和空格（5–20 位）")


def validate_geometry(value):
    try:
        geo.parse_geometry(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


# C0 control characters and DEL: invisible, rejected by spreadsheet and XML writers. Tab, line feed
# and carriage return are kept in multi-line text (TextField) and refused in single-line fields.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def control_character_pattern(*, multiline: bool) -> re.Pattern:
    """The characters refused in multi-line (TextField) or single-line text."""
    return _CONTROL if multiline else _CONTROL_SINGLE_LINE


def control_character_error(value: str, label: str, *, multiline: bool) -> str | None:
    found = control_character_pattern(multiline=multiline).search(value)
    if not found:
        return None
    char = found.group()
    what = {"\t": "制表符", "\n": "换行", "\r": "回车"}.get(char, "不可见的控制字符")
    return f"“{label}”含有{what}（U+{ord(char):04X}），请删除后重新填写"
