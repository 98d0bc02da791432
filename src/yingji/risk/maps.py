"""The four-colour map (四色图): each region coloured by the highest level of the risk points under it."""

from yingji.core.api import register_region_attribute
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
