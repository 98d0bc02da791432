"""Money as people write it and as it is kept (pure, no Django).

An accident's direct economic loss is kept exactly, as Decimal yuan to the fen (分), and graded on
that figure (grading.accident_grade). People read and write it in 万元 — report figures such as
1234.567万元 — so the page, the import and the export speak 万元, and a figure may also say its unit:
"12345670元", "1234.567万", "1.2亿元". Nothing is rounded: a figure finer than one fen is refused,
never rounded across a grade boundary (9,999,999.99 元 is 999.999999 万元, not 1000.00).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

YUAN_PLACES = Decimal("0.01")  # kept to the fen
UNITS = (("亿元", Decimal(100_000_000)), ("亿", Decimal(100_000_000)), ("万元", Decimal(10_000)),
         ("万", Decimal(10_000)), ("元", Decimal(1)))
WAN = Decimal(10_000)
MAX_YUAN = Decimal(10) ** 14  # the column holds 16 digits, 2 after the point


def parse_yuan(value, default_unit: str = "万元") -> Decimal | None:
    """Yuan (Decimal, two places) from what a person wrote; a bare number is in ``default_unit``.
    None for an empty value; ValueError with a Chinese reason for anything else that is not a figure."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("请填写金额数字")
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    factor = dict(UNITS)[default_unit]
    for unit, unit_factor in UNITS:
        if text.endswith(unit):
            text, factor = text[: -len(unit)], unit_factor
            break
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是金额；请填写数字（单位{default_unit}，如 1234.567），"
                         f"也可注明单位，如“12345670元”“1.2亿元”") from None
    if not number.is_finite():
        raise ValueError(f"“{value}”不是金额")
    if number < 0:
        raise ValueError("金额不能为负数")
    yuan = number * factor
    if yuan >= MAX_YUAN:
        raise ValueError(f"“{value}”超出可登记的范围")
    if yuan != yuan.quantize(YUAN_PLACES):
        raise ValueError(f"“{value}”精确到了分以下（{_plain(yuan)} 元）；金额最多精确到分，万元最多 6 位小数")
    return yuan.quantize(YUAN_PLACES)


def yuan_to_wan(yuan: Decimal | None) -> Decimal | None:
    """万元, exactly (no rounding: a yuan figure to the fen is at most six places of 万元)."""
    return None if yuan is None else Decimal(yuan) / WAN


def wan_text(yuan: Decimal | None, grouped: bool = False) -> str:
    """"1234.567" (or "1,234.567") for 12,345,670.00 yuan; "" for None."""
    if yuan is None:
        return ""
    wan = yuan_to_wan(yuan)
    return f"{wan.normalize():,f}" if grouped else _plain(wan)


def yuan_text(yuan: Decimal | None) -> str:
    """"12,345,670" or "9,999,999.99"."""
    if yuan is None:
        return ""
    text = f"{Decimal(yuan).quantize(YUAN_PLACES):,f}"
    return text[:-3] if text.endswith(".00") else text


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
