"""态势图 assembly for one incident: what is around it (risk points, major hazard sources, vulnerable
targets, open alarms, warnings in force), what can reach it (teams, warehouses, shelters by road
time) and what is being done (response, tasks, transfer orders) — one JSON the page redraws.

"Near" is measured from the affected area where one is drawn (everything inside it, and within the
chosen distance around it), else from the incident's point. Every query is the user's scoped
queryset, cut first by an indexed lon/lat window and then by true distance, so the cost grows with
what is near, not with the county."""

from __future__ import annotations

import math

from django.utils import timezone
from shapely.geometry import mapping

from yingji.core.framework import geo
from yingji.core.framework.access import restrict
from yingji.logistics.network import haversine_m
from yingji.resources import dispatch

DEFAULT_RADIUS_KM = 5.0
NEAREST_PER_KIND = 5


class Vicinity:
    """Where "near" is measured from: the drawn affected area (0 km inside it) when there is one,
    else the incident's point. ``window`` cuts a queryset to an indexed lon/lat box first; ``near``
    keeps the rows truly within reach, nearest first."""

    def __init__(self, lon: float, lat: float, radius_km: float, area=None):
        self.lon, self.lat, self.radius_km = lon, lat, radius_km
        self.reach = geo.AreaReach(area) if area is not None else None
        if self.reach is not None:
            self.extent = self.reach.buffer(radius_km)
            self.box = self.extent.bounds
        else:
            self.extent = None
            dlat = radius_km / 111.0
            dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
            self.box = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)

    def window(self, qs, lon_field="lon", lat_field="lat"):
        min_lon, min_lat, max_lon, max_lat = self.box
        return qs.filter(**{f"{lon_field}__gte": min_lon, f"{lon_field}__lte": max_lon,
                            f"{lat_field}__gte": min_lat, f"{lat_field}__lte": max_lat})

    def near(self, rows, lon_key="lon", lat_key="lat") -> list[dict]:
        if not rows:
            return []
        lons, lats = [r[lon_key] for r in rows], [r[lat_key] for r in rows]
        km = self.reach.km(lons, lats) if self.reach else haversine_m(self.lon, self.lat, lons, lats) / 1000
        out = []
        for row, d in zip(rows, km.tolist(), strict=True):
            if d <= self.radius_km:
                row["km"] = round(d, 2)
                out.append(row)
        return sorted(out, key=lambda r: r["km"])


def _region_centre(region):
    """The incident's region's centre, else the nearest enclosing region's that has a boundary."""
    from yingji.core.framework.operations import Conflict

    while region is not None:
        if region.centroid_lon is not None and region.centroid_lat is not None:
            return region.centroid_lon, region.centroid_lat
        region = region.parent
    raise Conflict("事件没有事发地点，其区划也没有边界：请先在事件中标注位置")


def assemble(user, incident, radius_km: float = DEFAULT_RADIUS_KM) -> dict:
    from yingji.monitoring.models import Alarm
    from yingji.resources.models import TransferOrder
    from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget
    from yingji.warnings.models import Warning

    area = incident.area_shape()
    lon, lat = incident.lon, incident.lat
    if lon is None or lat is None:
        centre = area.representative_point() if area is not None else None
        lon, lat = (centre.x, centre.y) if centre is not None else _region_centre(incident.region)
    place = Vicinity(lon, lat, radius_km, area)
    out = {"incident": {"id": incident.pk, "number": incident.number, "title": incident.title, "lon": lon,
                        "lat": lat, "located": incident.lon is not None or area is not None,
                        "grade": incident.grade_label, "state": incident.get_state_display(), "radius_km": radius_km,
                        "area": mapping(area) if area is not None else None,
                        "reach": mapping(place.extent) if place.extent is not None else None},
           "generated_at": timezone.now().isoformat()}

    def near(model, fields, **extra):
        qs = place.window(restrict(model.objects.exclude(lon=None), user))
        return place.near(list(qs.values("id", "lon", "lat", *fields, **extra)))

    levels = dict(RiskPoint._meta.get_field("level").flatchoices)  # low → 低风险: people read the label
    out["risk_points"] = [{**r, "level_label": str(levels.get(r["level"], "")) if r["level"] else ""}
                          for r in near(RiskPoint, ("name", "level", "kind"))]
    out["hazard_sources"] = near(HazardSource, ("name", "grade", "organization__name"))
    out["vulnerable_targets"] = near(VulnerableTarget, ("name", "kind", "people"))
    alarms = place.window(restrict(Alarm.objects.exclude(state="cleared"), user), "sensor__point__lon",
                          "sensor__point__lat")
    out["alarms"] = place.near([{"id": a["id"], "lon": a["sensor__point__lon"], "lat": a["sensor__point__lat"],
                            "name": f"{a['sensor__point__name']} {a['sensor__name']}", "level": a["level"],
                            "state": a["state"]}
                           for a in alarms.values("id", "level", "state", "sensor__name", "sensor__point__name",
                                                  "sensor__point__lon", "sensor__point__lat")])
    now = timezone.now()
    from yingji.core.models import Region

    in_force = list(restrict(Warning.objects.filter(state__in=("published", "updated"), expires__gt=now), user))
    codes = {c for w in in_force for c in w.region_codes()}
    paths = dict(Region.objects.filter(code__in=codes).values_list("code", "path"))
    here = incident.region.path
    warnings = [{"id": w.pk, "title": w.title, "level": w.get_level_display(), "expires": w.expires.isoformat()}
                for w in in_force
                if any(here.startswith(paths[c]) for c in w.region_codes() if c in paths)
                or (area is not None and w.area.strip() and w.shape().intersects(area))]
    out["warnings"] = warnings

    nearest = dispatch.nearest_resources(user, lon, lat, kinds=("teams", "warehouses", "shelters"),
                                         n=NEAREST_PER_KIND)
    out["network"] = nearest["network"]
    out["teams"] = nearest["results"]["teams"]
    out["warehouses"] = nearest["results"]["warehouses"]
    out["shelters"] = nearest["results"]["shelters"]

    out["dispatched"] = dispatched(incident, lon, lat, now)
    out["responses"] = [{"plan": r.plan.name, "level": r.get_level_display(), "state": r.get_state_display()}
                        for r in incident.responses.select_related("plan")]
    out["tasks"] = [{"id": t.pk, "title": t.title, "responsible": t.responsible, "state": t.state,
                     "state_label": t.get_state_display(), "due_at": t.due_at.isoformat(),
                     "overdue": t.state != "done" and t.due_at < now}
                    for t in incident.tasks.select_related("department")]
    orders = restrict(TransferOrder.objects.filter(purpose__contains=incident.number), user)
    out["transfer_orders"] = [{"id": o.pk, "number": o.number, "state": o.get_state_display(),
                               "destination": o.destination} for o in orders.select_related(None)]
    out["counts"] = {k: len(out[k]) for k in ("risk_points", "hazard_sources", "vulnerable_targets", "alarms",
                                              "warnings", "teams", "warehouses", "shelters", "tasks",
                                              "dispatched")}
    return out


def dispatched(incident, lon, lat, now) -> list[dict]:
    """Teams sent to the incident with their status. Teams carry no trackers here: one en route is
    drawn at its base with its expected arrival, one on scene at the incident."""
    out = []
    for d in incident.dispatches.select_related("team").order_by("dispatched_at"):
        team, expected = d.team, d.expected_at
        at_scene = d.state == "on_scene"
        out.append({
            "id": d.pk, "team_id": team.pk, "name": team.name, "kind": team.get_kind_display(),
            "members": team.members, "phone": team.phone, "state": d.state, "state_label": d.get_state_display(),
            "lon": lon if at_scene or team.lon is None else team.lon,
            "lat": lat if at_scene or team.lat is None else team.lat,
            "dispatched_at": d.dispatched_at.isoformat(), "eta_minutes": d.eta_minutes,
            "expected_at": expected.isoformat() if expected else None,
            "late": d.state == "en_route" and expected is not None and now > expected,
            "arrived_at": d.arrived_at.isoformat() if d.arrived_at else None,
        })
    return out
