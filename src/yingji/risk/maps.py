"""The four-colour map (四色图): each region coloured by the highest level of the risk points under it."""

from yingji.core.directory.api import register_region_attribute
from yingji.core.models import Region
from yingji.risk import scoring
from yingji.risk.models import RiskPoint


def highest_level_by_region(user, regions) -> dict:
    levels_by_path: dict[str, set] = {}
    pairs = RiskPoint.objects.for_user(user).exclude(level="").values_list("region__path", "level").order_by().distinct()
    for path, level in pairs:  # at most (regions × 4) rows, whatever the number of risk points
        levels_by_path.setdefault(path, set()).add(level)
    out = {}
    for region in regions:
        found = set().union(*(lv for path, lv in levels_by_path.items() if path.startswith(region.path)))
        out[region.pk] = scoring.highest(found)
    return out


def counts_by_level(user, region=None) -> dict:
    qs = RiskPoint.objects.for_user(user).exclude(level="")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    from django.db.models import Count

    counts = dict.fromkeys(scoring.LEVELS, 0)
    counts.update(dict(qs.values_list("level").annotate(n=Count("id")).order_by()))
    return counts


CATEGORIES = {level: (f"{scoring.LEVEL_LABELS[level]}（{scoring.LEVEL_COLOURS[level][0]}）", scoring.LEVEL_COLOURS[level][1])
              for level in scoring.LEVELS}
register_region_attribute("risk", "风险等级（四色图）", highest_level_by_region, CATEGORIES)


def enterprise_layer(user, region_code: str | None = None) -> dict:
    """Enterprises with assessed risk points, each coloured by its highest level (one grouped query)."""
    from yingji.core.models import Organization

    points = RiskPoint.objects.for_user(user).exclude(level="").exclude(organization=None)
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        points = points.filter(region__path__startswith=region.path) if region else points.none()
    from django.db.models import Count

    levels: dict[int, set] = {}
    counts: dict[int, int] = {}
    for org_id, level, n in points.values_list("organization_id", "level").annotate(n=Count("id")).order_by():
        levels.setdefault(org_id, set()).add(level)
        counts[org_id] = counts.get(org_id, 0) + n
    features = []
    for org in Organization.objects.for_user(user).filter(pk__in=levels).exclude(lon=None):
        level = scoring.highest(levels[org.pk])
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [org.lon, org.lat]},
                         "properties": {"id": org.pk, "name": org.name, "colour": scoring.LEVEL_COLOURS[level][1],
                                        "最高风险等级": scoring.LEVEL_LABELS[level],
                                        "风险点": counts[org.pk],
                                        "url": f"/registry/organizations/{org.pk}/"}})
    return {"type": "FeatureCollection", "features": features}
