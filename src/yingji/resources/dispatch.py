"""Dispatch, Django side: the road network of this installation, nearest resources, coverage checks
and material allocation turned into transfer orders. The maths is in ``yingji.logistics``.

The network file (``YINGJI_ROAD_NETWORK``) is read once per process and kept; a changed file (new
modification time) is read again on next use. Without one, times are straight-line estimates and
every answer says so (``method = "straight_line"``).
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import mapping

from yingji.core.framework import contributions, services
from yingji.core.models import Region
from yingji.logistics import allocation, coverage, network, routing
from yingji.resources.choices import Readiness, ReserveKind, ShelterStatus, TeamKind
from yingji.resources.models import Shelter, StockLevel, Team, TransferLine, TransferOrder, Warehouse

log = logging.getLogger(__name__)

METHOD_LABELS = {"road": "路网行程时间", "straight_line": "直线距离估算（未载入路网或路网不连通，按 40 km/h 计）"}


# ---- the road network ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> network.RoadNetwork:
    started = timezone.now()
    if path.endswith(".geojson") or path.endswith(".json"):
        import json

        net = network.from_geojson(json.loads(Path(path).read_text(encoding="utf-8")), source=Path(path).name)
    else:
        net = network.from_osm(path)
    log.info("road network %s: %d nodes, %d arcs, loaded in %.1fs", path, net.n_nodes, net.n_arcs,
             (timezone.now() - started).total_seconds())
    return net


def road_network() -> network.RoadNetwork | None:
    """This installation's road network, or None when no file is configured or present."""
    path = Path(settings.ROAD_NETWORK)
    if not path.is_file():
        return None
    try:
        return _load(str(path), path.stat().st_mtime)
    except network.NetworkError as exc:
        log.error("road network %s unusable: %s", path, exc)
        return None


def network_summary(net) -> dict:
    if net is None:
        return {"loaded": False, "label": "未载入路网：时间按直线距离估算"}
    return {"loaded": True, "nodes": net.n_nodes, "arcs": net.n_arcs, "source": net.source,
            "label": f"路网：{net.source}（{net.n_nodes:,} 个节点）"}


# ---- resources as candidates --------------------------------------------------------------------

RESOURCE_KINDS = {"teams": "救援队伍", "warehouses": "储备库", "shelters": "避难场所"}


def _contributed(user) -> dict:
    """The kinds other apps contribute (``nearest_sources`` on their AppConfig) that ``user``'s role may view."""
    from yingji.core.framework.access import can
    from yingji.core.framework.registry import get_registry

    return {k: src for k, src in contributions.nearest_sources().items() if can(user, "view", get_registry(src.registry).model)}


def resource_kinds(user) -> dict[str, str]:
    """key -> label of every kind the search offers ``user``: teams, warehouses, shelters and the
    kinds apps contribute (a requisition-ready list …) whose registry the role may view."""
    return {**RESOURCE_KINDS, **{k: src.label for k, src in _contributed(user).items()}}


def _available(user, kind: str, material: str = ""):
    """Located resources of ``kind`` in the user's scope that can be sent or used now (a queryset)."""
    if kind not in RESOURCE_KINDS:
        src = _contributed(user).get(kind)
        if src is None:
            raise ValidationError({"kinds": f"未知的资源类别 {kind!r}；可选：{'、'.join(resource_kinds(user))}"})
        return contributions.resolve(src.available)(user, material).exclude(lon=None).exclude(lat=None).distinct()
    if kind == "teams":
        qs = Team.objects.for_user(user).exclude(readiness=Readiness.DEPLOYED)  # out on a dispatch (Team.save)
    elif kind == "warehouses":
        qs = Warehouse.objects.for_user(user)
        if material:
            qs = qs.filter(levels__material__code=material, levels__quantity__gt=0)
    elif kind == "shelters":
        qs = Shelter.objects.for_user(user).exclude(status__in=[ShelterStatus.FULL, ShelterStatus.CLOSED])
    else:
        raise ValidationError({"kinds": f"未知的资源类别 {kind!r}；可选：{'、'.join(RESOURCE_KINDS)}"})
    return qs.exclude(lon=None).exclude(lat=None).distinct()


def _describe(kind: str, objs) -> list[dict]:
    """What the page shows of each resource: name, one line of detail, link and phone."""
    slug = kind
    if kind not in RESOURCE_KINDS:
        src = contributions.nearest_sources()[kind]
        lines, slug = contributions.resolve(src.describe)(objs), src.registry
        detail = lambda o: lines.get(o.pk, "")  # noqa: E731
    elif kind == "teams":
        detail = lambda t: f"{t.get_kind_display()} · {t.get_readiness_display()} · {t.members} 人"  # noqa: E731
    elif kind == "warehouses":
        stock = _stock_summary([w.pk for w in objs])
        detail = lambda w: (f"{w.get_level_display()} · {w.get_reserve_kind_display()}"  # noqa: E731
                            + (f" · {stock[w.pk]}" if stock.get(w.pk) else ""))
    else:
        detail = lambda s: f"{s.get_duration_class_display()} · 可容纳 {s.capacity_people:,} 人 · {s.get_status_display()}"  # noqa: E731
    return [{"id": o.pk, "lon": o.lon, "lat": o.lat, "name": str(o), "detail": detail(o), "kind": kind,
             "url": reverse("registry_detail", args=[slug, o.pk]), "phone": getattr(o, "phone", "")} for o in objs]


def _stock_summary(warehouse_ids, top: int = 3) -> dict:
    rows = (StockLevel.objects.filter(warehouse_id__in=warehouse_ids, quantity__gt=0).select_related("material")
            .order_by("warehouse", "-quantity"))
    out: dict[int, list[str]] = {}
    for lv in rows:
        items = out.setdefault(lv.warehouse_id, [])
        if len(items) < top:
            items.append(f"{lv.material.name} {lv.quantity}{lv.material.unit}")
    return {k: "、".join(v) for k, v in out.items()}


def nearest_resources(user, lon: float, lat: float, kinds=("teams", "warehouses", "shelters"), n: int = 5,
                      material: str = "") -> dict:
    """For a place: the ``n`` soonest-arriving resources of each kind, with times and routes.

    Times are computed over every available resource from its id and position alone; names, details
    and stock are read for the ``n`` returned only, so the cost does not grow with the registry."""
    net = road_network()
    out = {"place": {"lon": lon, "lat": lat, "region": _region_name(lon, lat)}, "network": network_summary(net),
           "results": {}}
    for kind in kinds:
        available = _available(user, kind, material if kind not in ("teams", "shelters") else "")
        pool = [{"id": i, "lon": x, "lat": y} for i, x, y in available.values_list("id", "lon", "lat")]
        legs = routing.nearest(net, lon, lat, pool, n=n)
        chosen = {o.pk: o for o in available.model.objects.filter(pk__in=[leg.id for leg in legs])}
        by_id = {c["id"]: c for c in _describe(kind, [chosen[leg.id] for leg in legs])}
        out["results"][kind] = [{**by_id[leg.id],
                                 "minutes": round(leg.minutes, 1), "km": round(leg.metres / 1000, 1),
                                 "method": leg.method, "method_label": METHOD_LABELS[leg.method],
                                 "line": [[round(x, 6), round(y, 6)] for x, y in leg.line]} for leg in legs]
    return out


def _region_name(lon, lat) -> str:
    from yingji.core.directory.public_forms import Refused, locate

    try:
        region = locate(lon, lat)
    except Refused:
        return "辖区外"
    return f"{region.parent.name}{region.name}" if region.level == "village" and region.parent else region.name


# ---- coverage checks ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    key: str
    label: str
    minutes: float
    target: float | None  # the plan indicator's minimum share, if it has one
    origins: str  # what is measured from


CHECKS = {
    "fire5": Check("fire5", "消防救援 5 分钟响应覆盖率", 5, 0.75, "综合性消防救援队伍驻地"),
    "team15": Check("team15", "15 分钟快速响应圈", 15, None, "全部待命救援队伍驻地"),
    "material12": Check("material12", "12 小时物资送达", 12 * 60, None,
                        "有库存的实物储备库（协议储备计入供货时限）"),
}


@dataclass
class CoverageReport:
    check: Check
    share: float
    reached: int
    total: int
    method: str
    origins: list[dict]
    gaps: list[dict] = field(default_factory=list)
    area: dict | None = None  # GeoJSON of the area reached (isochrone), when a network is loaded

    @property
    def meets_target(self) -> bool | None:
        return None if self.check.target is None else self.share >= self.check.target

    def as_dict(self) -> dict:
        return {"check": self.check.key, "label": self.check.label, "minutes": self.check.minutes,
                "target": self.check.target, "share": round(self.share, 4),
                "share_percent": round(self.share * 100, 1), "meets_target": self.meets_target,
                "reached_population": self.reached, "total_population": self.total, "method": self.method,
                "method_label": METHOD_LABELS[self.method], "origins": self.origins, "gaps": self.gaps,
                "area": self.area}


def _origins(user, check: Check) -> list[tuple[dict, float]]:
    """(origin, hours before leaving) for a check."""
    if check.key == "fire5":
        teams = Team.objects.for_user(user).filter(kind=TeamKind.FIRE_RESCUE)
        return [({"name": t.name, "lon": t.lon, "lat": t.lat}, 0.0) for t in teams.exclude(lon=None)]
    if check.key == "team15":
        teams = Team.objects.for_user(user).exclude(readiness=Readiness.DEPLOYED)
        return [({"name": t.name, "lon": t.lon, "lat": t.lat}, 0.0) for t in teams.exclude(lon=None)]
    stocked = (Warehouse.objects.for_user(user).exclude(lon=None).exclude(reserve_kind=ReserveKind.CAPACITY)
               .annotate(total=Sum("levels__quantity")).filter(total__gt=0))
    return [({"name": w.name, "lon": w.lon, "lat": w.lat}, w.ready_hours) for w in stocked]


def coverage_report(user, key: str, region: Region | None = None, with_area: bool = True) -> CoverageReport:
    """A check over the villages (communities) of ``region`` (default: the user's), weighted by population."""
    check = CHECKS.get(key)
    if check is None:
        raise ValidationError({"check": f"未知的分析项 {key!r}；可选：{'、'.join(CHECKS)}"})
    villages = Region.objects.for_user(user).filter(level="village").exclude(centroid_lon=None)
    if region is not None:
        villages = villages.filter(path__startswith=region.path)
    villages = list(villages.select_related("parent").order_by("code"))
    net = road_network()
    origins = _origins(user, check)
    lon = np.array([v.centroid_lon for v in villages], dtype=float)
    lat = np.array([v.centroid_lat for v in villages], dtype=float)
    pop = np.array([v.population or 0 for v in villages], dtype=float)
    secs = np.full(len(villages), np.inf)
    method = "road" if net is not None else "straight_line"
    for delay in sorted({d for _, d in origins}):  # one multi-source search per distinct lead time
        group = [(o["lon"], o["lat"]) for o, d in origins if d == delay]
        t, method = coverage.times_from_nearest(net, group, lon, lat)
        secs = np.minimum(secs, t + delay * 3600)
    ok = secs <= check.minutes * 60
    total = float(pop.sum())
    report = CoverageReport(
        check, float(pop[ok].sum() / total) if total else 0.0, int(pop[ok].sum()), int(total), method,
        [{"name": o["name"], "lon": o["lon"], "lat": o["lat"], "lead_hours": d} for o, d in origins])
    for i in np.argsort(-np.where(ok, -np.inf, secs)):
        if ok[i]:
            continue
        v = villages[i]
        report.gaps.append({"code": v.code, "name": f"{v.parent.name}{v.name}" if v.parent else v.name,
                            "population": int(pop[i]), "lon": float(lon[i]), "lat": float(lat[i]),
                            "minutes": round(float(secs[i]) / 60, 1) if np.isfinite(secs[i]) else None})
    if with_area and origins and check.minutes <= 60:
        if net is not None:
            area = coverage.isochrone(net, [(o["lon"], o["lat"]) for o, _ in origins], check.minutes)
        else:  # the straight-line estimate's reach: a circle around each origin
            from shapely.geometry import Point
            from shapely.ops import unary_union

            deg = routing.STRAIGHT_KMH / 3.6 * check.minutes * 60 / 111_320.0
            area = unary_union([Point(o["lon"], o["lat"]).buffer(deg) for o, _ in origins])
        report.area = mapping(area.simplify(0.0005))
    return report


# ---- allocation → transfer orders ---------------------------------------------------------------

@dataclass
class DemandRow:
    """One line of what a place needs (from the dispatch form or the API)."""
    place: str  # "region:<code>" or "shelter:<id>"
    material: str  # material code
    quantity: int
    latest_hours: float = 12.0
    weight: float = 1.0


def resolve_place(user, place: str) -> dict:
    kind, _, key = place.partition(":")
    if kind == "region":
        region = Region.objects.for_user(user).filter(code=key).exclude(centroid_lon=None).first()
        if region:
            name = f"{region.parent.name}{region.name}" if region.level == "village" and region.parent else region.name
            return {"key": place, "name": name, "lon": region.centroid_lon, "lat": region.centroid_lat,
                    "region": region}
    elif kind == "shelter" and key.isdigit():
        shelter = Shelter.objects.for_user(user).filter(pk=int(key)).exclude(lon=None).first()
        if shelter:
            return {"key": place, "name": shelter.name, "lon": shelter.lon, "lat": shelter.lat,
                    "region": shelter.region}
    raise ValidationError(f"找不到送达地点 {place}，或不在您的管辖范围内")


def travel_hours(net, sources: list[tuple[float, float]], targets: list[tuple[float, float]]) -> tuple[np.ndarray, str]:
    """Hours from each source to each target by road (straight line where not connected)."""
    s = np.array(sources, dtype=float).reshape(-1, 2)
    t = np.array(targets, dtype=float).reshape(-1, 2)
    straight_secs, _ = routing.straight(s[:, :1], s[:, 1:], t[None, :, 0], t[None, :, 1])
    if net is None:
        return straight_secs / 3600, "straight_line"
    s_node, s_gap = net.snap(s[:, 0], s[:, 1])
    t_node, t_gap = net.snap(t[:, 0], t[:, 1])
    secs = routing.matrix(net, s_node, t_node) + (s_gap[:, None] + t_gap[None, :]) / (routing.ACCESS_KMH / 3.6)
    return np.where(np.isfinite(secs), secs, straight_secs) / 3600, "road"


@dataclass
class DispatchPlan:
    demands: list[DemandRow]
    places: dict
    shipments: list[dict]
    unmet: list[dict]
    method: str
    objective: float


def plan_dispatch(user, rows: list[DemandRow]) -> DispatchPlan:
    """The shipment plan for ``rows`` from the stock the user can see (minimum total weighted arrival time)."""
    from yingji.resources.models import Material

    if not rows:
        raise ValidationError("请至少填写一行需求")
    errors = []
    places, materials = {}, {}
    for i, row in enumerate(rows, start=1):
        try:
            places.setdefault(row.place, resolve_place(user, row.place))
        except ValidationError as exc:
            errors.append(f"第 {i} 行, 送达地点: {exc.messages[0]}")
        material = Material.objects.for_user(user).filter(code=row.material).first()
        if material is None:
            errors.append(f"第 {i} 行, 物资: 物资目录中没有编码为 {row.material} 的物资")
        materials[row.material] = material
        if row.quantity <= 0:
            errors.append(f"第 {i} 行, 数量: 应为正整数")
        if row.latest_hours <= 0:
            errors.append(f"第 {i} 行, 最迟送达: 应大于 0 小时")
    if errors:
        raise ValidationError(errors)
    levels = list(StockLevel.objects.for_user(user).filter(material__code__in=materials, quantity__gt=0)
                  .exclude(warehouse__lon=None).exclude(warehouse__reserve_kind=ReserveKind.CAPACITY)
                  .select_related("warehouse", "material"))
    supplies = [allocation.Supply(lv.pk, lv.material.code, lv.quantity, lv.warehouse.ready_hours) for lv in levels]
    # Stock other apps contribute (``supply_sources``: requisitioned equipment and goods …), as lots
    # keyed (source, its key) beside the stock levels' ids.
    extra = [(src, lot) for src in contributions.supply_sources().values()
             for lot in contributions.resolve(src.supplies)(user, sorted(materials)) if lot.quantity > 0]
    supplies += [allocation.Supply((src.key, lot.key), lot.material, lot.quantity, lot.ready_hours) for src, lot in extra]
    origins = [(lv.warehouse.lon, lv.warehouse.lat) for lv in levels] + [(lot.lon, lot.lat) for _, lot in extra]
    demands = [allocation.Demand(i, r.material, r.quantity, r.latest_hours, r.weight) for i, r in enumerate(rows)]
    net = road_network()
    if origins:
        hours, method = travel_hours(net, origins, [(places[r.place]["lon"], places[r.place]["lat"]) for r in rows])
    else:
        hours, method = np.zeros((0, len(rows))), ("road" if net else "straight_line")
    result = allocation.allocate(supplies, demands, hours)
    by_level = {lv.pk: lv for lv in levels}
    by_lot = {(src.key, lot.key): (src, lot) for src, lot in extra}
    shipments = []
    for s in result.shipments:
        row = rows[s.demand]
        common = {"quantity": s.quantity, "place": places[row.place], "arrival_hours": round(s.arrival_hours, 2),
                  "row": s.demand}
        if s.supply in by_lot:
            src, lot = by_lot[s.supply]
            shipments.append({**common, "warehouse": None, "material": materials[lot.material], "ready_hours": lot.ready_hours,
                              "source": src.key, "source_label": src.label, "source_name": lot.name, "key": lot.key,
                              "url": lot.url})
            continue
        lv = by_level[s.supply]
        shipments.append({**common, "warehouse": lv.warehouse, "material": lv.material, "ready_hours": lv.warehouse.ready_hours,
                          "source": "warehouses", "source_label": "储备库", "source_name": lv.warehouse.name})
    unmet = [{"row": d, "place": places[rows[d].place], "material": materials[m], "quantity": q, "why": why}
             for d, m, q, why in result.unmet]
    return DispatchPlan(rows, places, shipments, unmet, method, result.objective)


def create_orders(user, plan: DispatchPlan, purpose: str) -> list:
    """One draft 调拨单 per (warehouse, place), its lines the plan's shipments; nothing moves yet.
    Shipments from a contributed source are booked by that source (``commit``), whose records follow
    the orders in the list."""
    if not plan.shipments:
        raise ValidationError("方案中没有可调拨的物资")
    groups: dict[tuple, list[dict]] = {}
    contributed: dict[str, list[dict]] = {}
    for s in plan.shipments:
        if s["warehouse"] is None:
            contributed.setdefault(s["source"], []).append(s)
            continue
        groups.setdefault((s["warehouse"].pk, s["place"]["key"]), []).append(s)
    now = timezone.now()
    orders = []
    with transaction.atomic():
        for items in groups.values():
            first = items[0]
            latest = min(plan.demands[s["row"]].latest_hours for s in items)
            order = TransferOrder(
                source=first["warehouse"], destination=first["place"]["name"], region=first["place"]["region"],
                lon=first["place"]["lon"], lat=first["place"]["lat"], purpose=purpose,
                needed_by=now + datetime.timedelta(hours=latest),
                travel_minutes=round(max(s["arrival_hours"] - s["ready_hours"] for s in items) * 60),
                plan_note=f"物资调度方案 {timezone.localtime(now):%Y-%m-%d %H:%M}（{METHOD_LABELS[plan.method][:6]}）")
            services.save_instance(user, order)
            for s in items:
                services.save_instance(user, TransferLine(order=order, material=s["material"], quantity=s["quantity"]))
            orders.append(order)
        sources = contributions.supply_sources()
        for key, items in contributed.items():
            orders += list(contributions.resolve(sources[key].commit)(user, items, purpose))
    return orders
