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


def enterprise_layer(user, region_code: str | None = None, view=None) -> dict:
    """Enterprises with assessed risk points in the view, each coloured by its highest level: one
    grouped query of the risk points by enterprise (its name and place read through the join, no
    record loaded); clustered by the enterprise's place at low zoom (maplayers)."""
    from django.db.models import Count, Min

    from yingji.core.framework import maplayers
    from yingji.core.models import Organization

    view = view or maplayers.View(None, None)
    points = (RiskPoint.objects.for_user(user).exclude(level="").exclude(organization=None)
              .filter(organization__in=Organization.objects.for_user(user)))
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        points = points.filter(region__path__startswith=region.path) if region else points.none()
    rank = maplayers.rank_of("level", scoring.LEVELS)

    def grouped(rows):  # one row per enterprise: its place, name, highest level (smallest rank), points
        return (rows.order_by().values("organization_id", "organization__name", "organization__lon", "organization__lat")
                .annotate(rank=Min(rank), n=Count("id")))

    def enterprises(rows, limit):
        return [maplayers.point(g["organization__lon"], g["organization__lat"], {
            "id": g["organization_id"], "name": g["organization__name"], "colour": colour_of(g["rank"]),
            "最高风险等级": scoring.LEVEL_LABELS[scoring.LEVELS[g["rank"]]], "风险点": g["n"],
            "url": f"/registry/organizations/{g['organization_id']}/"})
            for g in grouped(rows).order_by("organization_id")[:limit]]

    def cells(rows):  # enterprises, not risk points, are counted: grouped first, then by cell
        places = rows.order_by().values("organization_id").annotate(
            e_lon=Min("organization__lon"), e_lat=Min("organization__lat"), e_rank=Min(rank)).values(
            "organization_id", "e_lon", "e_lat", "e_rank")
        return maplayers.clusters_of_groups(places, view, lon="e_lon", lat="e_lat", key="organization_id",
                                            rank="e_rank", extent=(rows, "organization__lon", "organization__lat"))

    return maplayers.layer(points, view, enterprises, colour=colour_of, lon="organization__lon",
                           lat="organization__lat", key="organization_id", cells=cells)


def colour_of(rank: int) -> str:
    return scoring.LEVEL_COLOURS[scoring.LEVELS[min(rank, len(scoring.LEVELS) - 1)]][1]
