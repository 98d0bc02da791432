"""The coverage check read from the database: the villages in a user's scope, the bureau's
disaster-prone list and the active officers' posts, handed to the pure engine (coverage.py).
A fixed number of queries (five with the links' codes), whatever the number of villages."""

from __future__ import annotations

from yingji.core.models import Region
from yingji.disasters import coverage
from yingji.disasters.officers import DisasterOfficer, DisasterProneVillage


def rule() -> coverage.Rule:
    from django.conf import settings

    # A jurisdiction that requires more (a B post everywhere) says so in YINGJI_OFFICER_COVERAGE (JSON).
    return coverage.load_rule(getattr(settings, "YINGJI_OFFICER_COVERAGE", None))


def for_user(user) -> list[coverage.TownshipCoverage]:
    rows = (Region.objects.for_user(user).filter(level="village", parent__level="township")
            .order_by("code").values_list("pk", "name", "parent_id", "parent__name", "path"))
    prone = set(DisasterProneVillage.objects.for_user(user).values_list("region_id", flat=True))
    villages = [coverage.Village(pk, name, town, town_name, pk in prone) for pk, name, town, town_name, _ in rows]
    posts = (DisasterOfficer.objects.for_user(user).filter(active=True, region__level="village")
             .values_list("region_id", "post").distinct())
    return coverage.by_township(villages, posts, rule())


def summary(user) -> dict:
    """What the panel and the API show: totals, and the townships with gaps (each gap's village, the
    posts it lacks, whether it is disaster-prone)."""
    towns = for_user(user)
    codes = dict(Region.objects.filter(pk__in=[t.township_id for t in towns]).values_list("pk", "code"))
    village_codes = dict(Region.objects.filter(pk__in=[g.village.id for t in towns for g in t.gaps])
                         .values_list("pk", "code"))
    r = rule()
    return {
        "villages": sum(t.villages for t in towns),
        "covered": sum(t.covered for t in towns),
        "gaps": sum(len(t.gaps) for t in towns),
        "rule": {"every_village": list(r.every_village), "disaster_prone_village": list(r.disaster_prone_village),
                 "source": r.source, "confirmed": r.confirmed},
        "townships": [{
            "id": t.township_id, "code": codes.get(t.township_id), "name": t.township_name,
            "villages": t.villages, "covered": t.covered,
            "gaps": [{"id": g.village.id, "code": village_codes.get(g.village.id), "name": g.village.name,
                      "disaster_prone": g.village.disaster_prone, "missing": list(g.missing)} for g in t.gaps],
        } for t in towns if t.gaps],
    }
