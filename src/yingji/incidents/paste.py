"""粘贴文字提取 on the response pages: which field of 接报登记 and of 值班日志 takes which fact of a
pasted text (extraction/filling.py), declared once here, where the forms are."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from yingji.extraction import filling
from yingji.extraction.filling import FillMap, Target

# The engine's event types (the national classification) → GB/T 35561 codes of the intake form; a
# finer type the text states narrows it (滑坡, 山洪, 煤矿 …).
EVENT_CODES = {"暴雨洪涝": "11100", "台风": "12100", "地质灾害": "14000", "地震": "13000", "森林火灾": "17100",
               "干旱": "11400", "风雹": "12A00", "低温冷冻和雪灾": "12700", "火灾": "24000", "爆炸": "21000",
               "坍塌": "21300", "矿山事故": "21200", "道路交通事故": "22100", "危化品泄漏": "21400"}
FINER_CODES = (("滑坡", "14200"), ("崩塌", "14100"), ("泥石流", "14300"), ("地面塌陷", "14400"), ("山洪", "11300"),
               ("内涝", "11200"), ("煤", "21100"), ("燃气", "23200"), ("烟花", "21500"), ("草原", "17200"),
               ("暴雪", "12300"), ("冰雹", "12A00"))


def event_type(extraction, text):
    base = filling.event_code(EVENT_CODES)(extraction, text)
    if base is None:
        return None
    finer = extraction.event_subtype.value if extraction.event_subtype else ""
    narrower = next((code for word, code in FINER_CODES if word in (finer or "")), None)
    if narrower is not None and narrower[:2] == base.value[:2]:
        return replace(base, value=narrower)
    return base


def _wan(yuan):
    return Decimal(yuan) / 10000


INTAKE = FillMap("incidents-intake", "接报登记", (
    Target("event_type", event_type),
    Target("occurred_at", filling.occurred_at, misses=False),
    Target("address", filling.place_names),
    Target("region", filling.place_code(("village", "township", "county"))),
    Target("reporter_phone", filling.phone_number),
    Target("deaths", filling.figure("deaths")),
    Target("missing", filling.figure("missing")),
    # the intake's 受伤 counts serious injuries (the accident grade's); a text's bare 受伤 is proposed
    # only as a fallback, said so beside the field
    Target("injured", filling.first_of(filling.figure("injured_serious"), filling.figure("injured"),
                                       note="原文未区分重伤，请核对")),
    Target("trapped", filling.figure("trapped")),
    Target("direct_loss_wan", filling.figure("direct_loss_cny", scale=10000), read=_wan),  # cleaned to yuan
    Target("description", filling.whole_text, misses=False),
))

DUTY_LOG = FillMap("duty-log", "值班日志", (
    Target("phone", filling.phone_number),
    Target("summary", filling.digest, misses=False),
))

filling.register(INTAKE, DUTY_LOG)


def record_duty_log(user, log, form) -> None:
    """The duty log's page form saved: what was kept of the values filled from a pasted text."""
    from yingji.extraction import services

    services.record_form(user, DUTY_LOG.key, form, region=log.region, record=str(log))
