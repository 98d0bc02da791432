"""粘贴文字提取 on the 灾情 report form: which 快报 indicator takes which fact of a pasted text
(extraction/filling.py), declared once here, where the form is. Houses go to the 间 or the 户 column
as the text counts them; 损坏 without 严重/一般 has no column of its own and is not proposed."""

from __future__ import annotations

from yingji.extraction import filling
from yingji.extraction.filling import FillMap, Target

REPORT = FillMap("disaster-report", "灾情报告", (
    Target("f_affected_population", filling.figure("affected_population")),
    Target("f_deaths", filling.figure("deaths")),
    Target("f_missing", filling.figure("missing")),
    Target("f_injured", filling.figure("injured")),
    Target("f_injured_serious", filling.figure("injured_serious")),
    Target("f_relocated_total", filling.figure("relocated")),
    Target("f_emergency_aid_total", filling.figure("need_emergency_relief")),
    Target("f_houses_collapsed_rooms", filling.figure("houses_collapsed", unit="间")),
    Target("f_houses_collapsed_households", filling.figure("houses_collapsed", unit="户")),
    Target("f_crop_affected_area", filling.figure("crop_affected_ha")),
    Target("f_crop_lost_area", filling.figure("crop_lost_ha")),
    Target("f_direct_loss", filling.figure("direct_loss_cny", scale=10000)),  # the form takes 万元
), notes=lambda extraction: _not_cumulative(extraction))


def _not_cumulative(extraction) -> list[str]:
    """The 快报's figures are cumulative over the disaster process; a text's new figures are not."""
    c = extraction.cumulative
    if c is None or c.value or not extraction.figures:
        return []
    return ["原文的数字不是累计数（未写“累计”“以来”）：快报填本次灾害过程的累计数，续报请与上一报的数据合计后核对"]

filling.register(REPORT)


def record(user, report, text: str, reference_date, data: dict) -> None:
    """What the unit kept of the figures filled from a pasted text (``data``: the form's cleaned
    figures, in the form's units)."""
    from yingji.disasters import services
    from yingji.extraction import services as extraction

    if not text.strip() or not any(name.startswith("f_") for name in data):
        return
    labels = {t.field: services.rules().name(t.field[2:]) for t in REPORT.targets
              if t.field[2:] in services.rules().indicators}
    extraction.record_corrections(user, REPORT.key, text, {k: v for k, v in data.items() if k in labels},
                                  region=report.region, record=str(report), reference_date=reference_date,
                                  labels=labels)
