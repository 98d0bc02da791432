"""The event's papers, from its latest county report: the national forms (.xlsx, one sheet per form,
附表 and named list), the 文字说明 (.docx) and the HXL CSV for humanitarian partners — dis-engine's
writers (exports.py) over the report's figures. Personal data in the named lists follows the
registry's rule: masked for a reader without a personal role (the papers are built per request)."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.framework.registry import MASK, RecordDocument, get_registry
from yingji.disasters import exports, services
from yingji.disasters.catalogue import reported_type

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _latest(event):
    return services.latest_county_report(event, done_only=True) or services.latest_county_report(event)


def _report(event) -> dict:
    """{township: figures} with the county total under "" — the writers' shape."""
    county = _latest(event)
    out = {row["name"]: services.to_numbers(row["figures"]) for row in (county.breakdown or [])}
    out[""] = services.to_numbers(county.figures)
    return out


def _info(event) -> exports.ReportInfo:
    county = _latest(event)
    level = "city" if event.received_from else "county"
    at = timezone.localtime(county.submitted_at or county.updated_at)
    return exports.ReportInfo(
        unit=f"{event.region.name}应急管理局", county=event.county_name,
        disaster_type=reported_type(services.rules(), event.disaster_type, level)[1], stage=county.kind,
        as_of=f"{at:%Y年%-m月%-d日 %H时}", onset=event.onset_date.isoformat(), county_code=event.county_code,
        township_codes={row["name"]: row["code"] for row in (county.breakdown or [])})


def _named_lists(event, user) -> dict:
    casualties = [{"township": r.region.parent.name if r.region.level == "village" else r.region.name,
                   "village": r.region.name if r.region.level == "village" else "", "name": r.name,
                   "gender": r.get_gender_display(), "id_number": r.id_number, "status": r.get_status_display(),
                   "occurred_on": r.occurred_on, "place": r.place, "cause": r.cause}
                  for r in event.casualties.select_related("region__parent")]
    houses = [{"township": r.region.parent.name if r.region.level == "village" else r.region.name,
               "village": r.region.name if r.region.level == "village" else "", "name": r.name,
               "id_number": r.id_number, "damage": r.get_damage_display(), "rooms": r.rooms}
              for r in event.households.select_related("region__parent")]
    for rows, slug in ((casualties, "disaster-casualties"), (houses, "disaster-households")):
        for name in get_registry(slug).masked_fields(user):  # the registry's rule on personal data
            for row in rows:
                if row.get(name):
                    row[name] = MASK
    return {"deaths_missing": casualties, "housing": houses}


def national_forms(event, user) -> bytes:
    return exports.report_xlsx(_report(event), services.rules(), _info(event), _named_lists(event, user))


def description(event) -> bytes:
    return exports.description_docx(_latest(event).text_parts(), _info(event))


def hxl(event) -> bytes:
    today = timezone.localdate().isoformat()
    return ("\ufeff" + exports.hxl_csv(_report(event), services.rules(), _info(event), today)).encode()


def has_report(event) -> bool:
    return services.latest_county_report(event) is not None


DOCUMENTS = {
    "forms": RecordDocument("自然灾害损失情况统计快报表", national_forms, has_report, media_type=XLSX, extension="xlsx",
                            for_reader=True, filename=lambda e: f"灾情快报表-{e.county_name}-{e.onset_date}.xlsx"),
    "description": ("灾情文字说明", description, has_report),
    "hxl": RecordDocument("HXL 数据（人道合作伙伴）", hxl, has_report, media_type="text/csv", extension="csv",
                          filename=lambda e: f"disaster-{e.county_code}-{e.onset_date}-hxl.csv"),
}
