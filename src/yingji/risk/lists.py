"""一图一牌三清单: the three lists as .xlsx — 较大以上风险清单, 重大危险源清单, 脆弱性目标清单."""

from __future__ import annotations

import math

from django.db.models import Case, IntegerField, Value, When

from yingji.core.framework import tabular
from yingji.core.framework.registry import get_registry
from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget

NEAR_METRES = 1000

HIGH_RISK_FIELDS = ["organization", "name", "kind", "level", "hazard_factor", "accident_types", "engineering_measures",
                    "management_measures", "emergency_measures", "responsible_person", "responsible_phone", "review_date",
                    "region"]
SOURCE_FIELDS = ["organization", "name", "unit_kind", "grade", "r_value", "sum_ratio", "alpha", "people_within_500m",
                 "calculation", "graded_at", "region"]
TARGET_FIELDS = ["name", "kind", "people", "address", "contact", "region"]


def metres(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance (haversine), adequate at county scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def high_risks(user):
    reg = get_registry("risk-points")
    severity = Case(When(level="major", then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = reg.queryset(user).filter(level__in=["major", "high"]).order_by(severity, "organization__name", "name")
    return tabular.write_xlsx(reg, tabular.export_rows(reg, qs, HIGH_RISK_FIELDS), HIGH_RISK_FIELDS)


def major_sources(user):
    reg = get_registry("hazard-sources")
    qs = reg.queryset(user).filter(is_major=True).order_by("grade", "-r_value")
    return tabular.write_xlsx(reg, tabular.export_rows(reg, qs, SOURCE_FIELDS), SOURCE_FIELDS)


def nearby_hazards(user) -> dict[int, list[str]]:
    """For each vulnerable target in scope: the major hazard sources and 重大/较大 risk points within 1 km."""
    hazards = [(f"{s}（重大危险源{s.grade}）", s.lon, s.lat) for s in HazardSource.objects.for_user(user)
               .filter(is_major=True).exclude(lon=None).select_related("organization")]
    hazards += [(f"{p.organization or ''}·{p.name}（{p.get_level_display()}）", p.lon, p.lat) for p in
                RiskPoint.objects.for_user(user).filter(level__in=["major", "high"]).exclude(lon=None)
                .select_related("organization")]
    out = {}
    for target in VulnerableTarget.objects.for_user(user).exclude(lon=None):
        near = sorted((metres(target.lon, target.lat, lon, lat), label) for label, lon, lat in hazards
                      if metres(target.lon, target.lat, lon, lat) <= NEAR_METRES)
        out[target.pk] = [f"{label} {d:.0f} m" for d, label in near]
    return out


def vulnerable_targets(user):
    reg = get_registry("vulnerable-targets")
    near = nearby_hazards(user)
    qs = reg.queryset(user)
    fields = TARGET_FIELDS
    rows = ([*row, "；".join(near.get(pk, [])) or "1 km 内无较大以上风险"]
            for pk, row in zip(qs.values_list("pk", flat=True), tabular.export_rows(reg, qs, fields), strict=True))
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("脆弱性目标清单")
    sheet.append([reg.field_label(n) for n in fields] + [f"{NEAR_METRES} m 内的较大以上风险和重大危险源"])
    for row in rows:
        sheet.append(tabular.safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LISTS = {"high-risks": ("较大以上风险清单", high_risks), "major-sources": ("重大危险源清单", major_sources),
         "vulnerable-targets": ("脆弱性目标清单", vulnerable_targets)}
