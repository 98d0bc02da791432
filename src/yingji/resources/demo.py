"""The demo county's resources: teams (fire stations, professional, enterprise, social and grassroots
teams), experts, equipment, warehouses at three levels with stock in the ledger, shelters, transfer
orders in several states, a pending social-force registration, and a plausible road network.

All invented (seeded, labelled 演示数据) and placed in the demo county's township and village cells;
a step of ``yingji.core.framework.demo.load`` (declared in apps.py). The road network links township seats (省道/县道 classes) and
village centres (乡道) along a Delaunay triangulation, kept connected by its minimum spanning tree,
with gentle bends — plausible travel times, not real roads.
"""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path

import numpy as np
from django.utils import timezone
from shapely.geometry import Point, shape

from yingji.core.models import Organization, Region
from yingji.resources import stock
from yingji.resources.models import (
    Equipment,
    Expert,
    Material,
    Shelter,
    SocialForceApplication,
    StockLevel,
    Team,
    TeamActivity,
    TeamMember,
    TransferLine,
    TransferOrder,
    Warehouse,
)

COUNTY_SEAT = "淮川街道"

# code, name, category, unit, spec, shelf life (days), county stock, township stock, village stock
MATERIALS = [
    ("SH-001", "救灾帐篷", "living", "顶", "12 m² 单帐篷", None, 600, 40, 5),
    ("SH-002", "折叠床", "living", "张", "单人钢制", None, 1500, 80, 10),
    ("SH-003", "棉被", "living", "床", "2 kg", None, 3000, 200, 20),
    ("SH-004", "毛毯", "living", "床", "", None, 2000, 150, 20),
    ("SH-005", "应急照明灯", "power", "台", "太阳能/充电两用", None, 400, 30, 5),
    ("SH-006", "发电机", "power", "台", "5 kW 汽油", None, 40, 3, 0),
    ("RS-001", "救生衣", "rescue", "件", "成人 GB/T 4303", None, 1200, 100, 20),
    ("RS-002", "冲锋舟", "rescue", "艘", "6 人玻璃钢", None, 20, 2, 0),
    ("RS-003", "编织袋", "rescue", "条", "防汛", None, 50000, 3000, 500),
    ("RS-004", "雨衣雨靴", "rescue", "套", "", None, 1500, 100, 20),
    ("RS-005", "排涝泵", "rescue", "台", "100 m³/h", None, 30, 2, 0),
    ("MD-001", "急救包", "medical", "个", "家庭应急", 1095, 800, 60, 10),
    ("WF-001", "饮用水", "water_food", "箱", "550 ml × 24", 540, 4000, 200, 30),
    ("WF-002", "方便食品", "water_food", "箱", "方便面 24 袋", 270, 3000, 150, 20),
]

FIRE_STATIONS = [("浏阳市消防救援大队特勤站", "集里街道"), ("淮川消防救援站", "淮川街道"), ("永安消防救援站", "永安镇"),
                 ("洞阳消防救援站", "洞阳镇"), ("大瑶专职消防站", "大瑶镇"), ("官渡专职消防站", "官渡镇"),
                 ("社港专职消防站", "社港镇"), ("文家市专职消防站", "文家市镇"), ("镇头专职消防站", "镇头镇")]
PROFESSIONAL = [
    ("浏阳市危险化学品应急救援队", "hazmat", "永安镇", "危化洗消,堵漏,侦检,灭火", 30),
    ("浏阳市烟花爆竹事故救援队", "hazmat", "大瑶镇", "烟花爆竹事故处置,排爆,灭火", 25),
    ("浏阳市矿山救护队", "mine", "镇头镇", "矿山救护,井下搜救,通风排水", 20),
    ("大围山森林消防专业队", "forest_fire", "大围山镇", "森林灭火,隔离带开设,山地搜救", 40),
    ("浏阳市防汛抢险队", "flood", "集里街道", "堤防抢险,排涝,转移群众", 60),
    ("浏阳河水上救援队", "water", "关口街道", "水域救援,潜水打捞,冲锋舟操作", 24),
    ("国网浏阳供电公司电力抢修队", "power", "荷花街道", "电力抢修,应急供电", 45),
    ("浏阳移动通信应急保障队", "telecom", "淮川街道", "应急通信,卫星电话,基站抢通", 15),
    ("浏阳市人民医院紧急医学救援队", "medical", "淮川街道", "现场急救,伤员转运,卫生防疫", 35),
]
EXPERT_FIELDS = [("危化", "高级工程师", "湖南省化工研究院"), ("烟花爆竹", "高级工程师", "浏阳市花炮产业服务中心"),
                 ("矿山", "教授级高工", "湖南省煤炭科学研究院"), ("地质", "高级工程师", "湖南省地质灾害调查监测所"),
                 ("水利", "高级工程师", "浏阳市水利局"), ("气象", "正研级高工", "浏阳市气象局"),
                 ("消防", "高级专业技术职务", "浏阳市消防救援大队"), ("医疗", "主任医师", "浏阳市人民医院"),
                 ("结构", "高级工程师", "浏阳市住房和城乡建设局"), ("森林防火", "高级工程师", "浏阳市林业局")]


def load(ctx) -> None:
    """The resources step of the demo county; the road network is written once the data is committed."""
    ctx.lines.append(f"应急资源：{_load(ctx.rng, ctx.towns, ctx.villages, ctx.name, ctx.mobile)}")

    def roads() -> str:
        from django.conf import settings

        return write_road_network(ctx.rng, ctx.towns, ctx.villages, Path(settings.ROAD_NETWORK))

    ctx.after.append(roads)


def _load(rng, towns, villages, name, mobile) -> str:
    """Create the demo resources; returns a one-line summary. ``name``/``mobile`` draw people."""
    county = Region.objects.get(level="county")
    by_town = {t.name: t for t in towns}
    villages_of = {t.pk: [v for v in villages if v.parent_id == t.pk] for t in towns}

    def spot(region):
        geom = shape(region.geometry)
        minx, miny, maxx, maxy = geom.bounds
        while True:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if geom.contains(p):
                return round(p.x, 6), round(p.y, 6)

    def seat_village(town):  # the seat sits in the village nearest the township's seat point
        from yingji.core.directory.demo import TOWNSHIP_SEATS

        x, y = TOWNSHIP_SEATS[town.name]
        return min(villages_of[town.pk], key=lambda v: (v.centroid_lon - x) ** 2 + (v.centroid_lat - y) ** 2)

    teams = _teams(rng, by_town, seat_village, spot, name, mobile)
    experts = _experts(rng, county, name, mobile)
    materials = _materials(county)
    warehouses = _warehouses(rng, county, towns, by_town, villages_of, seat_village, spot, name, mobile)
    _stock(rng, warehouses, materials)
    equipment = _equipment(rng, teams, warehouses)
    shelters = _shelters(rng, county, towns, by_town, seat_village, spot, name, mobile)
    _orders(rng, warehouses, materials, towns, shelters)
    _application(rng, by_town, spot, name, mobile)
    return (f"{len(teams)} 支救援队伍、{experts} 名专家、{len(warehouses)} 个储备库、{equipment} 项装备、"
            f"{len(shelters)} 个避难场所")


def _teams(rng, by_town, seat_village, spot, name, mobile):
    teams = []

    def team(title, kind, town, capabilities, members, minutes, organization=None, readiness="standby"):
        lon, lat = spot(seat_village(town))
        t = Team.objects.create(name=title, kind=kind, region=town, organization=organization, lon=lon, lat=lat,
                                base_address=f"湖南省浏阳市{town.name}", leader=name(), phone=mobile(), members=members,
                                capabilities=capabilities, response_minutes=minutes, readiness=readiness,
                                notes="演示数据")
        teams.append(t)
        return t

    fire_org = Organization.objects.filter(name="浏阳市消防救援大队").first()
    for title, town in FIRE_STATIONS:
        team(title, "fire_rescue", by_town[town], "灭火,抢险救援,破拆,危化处置", rng.randint(18, 45), 5,
             organization=fire_org if "专职" not in title else None)
    for title, kind, town, caps, members in PROFESSIONAL:
        team(title, kind, by_town[town], caps, members, rng.choice([15, 20, 30]))
    from yingji.core.directory.demo import SOCIAL_FORCES

    for org_name, town in SOCIAL_FORCES:
        org = Organization.objects.filter(name=org_name).first()
        t = team(org_name, "social", by_town[town], "山地搜救,水域救援,应急救护", rng.randint(30, 80), 30,
                 organization=org)
        for kind, title, score in (("training", "水域救援技能培训", None), ("drill", "防汛抢险联合演练", None),
                                   ("mission", "山地走失人员搜救", None), ("evaluation", "年度考核评估", rng.randint(80, 96))):
            TeamActivity.objects.create(team=t, kind=kind, title=title, score=score,
                                        date=timezone.localdate() - datetime.timedelta(days=rng.randint(10, 300)))
    fireworks = Organization.objects.filter(industry_code="C2672", region__path__startswith=by_town["大瑶镇"].path).first()
    if fireworks:
        team(f"{fireworks.name}专职救援队", "enterprise", by_town["大瑶镇"], "初期火灾扑救,疏散引导", 12, 5,
             organization=fireworks)
    for town in by_town.values():
        short = town.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        team(f"{short}基层应急救援队", "grassroots", town, "先期处置,转移群众,巡查值守", rng.randint(15, 30), 30,
             readiness=rng.choice(["standby"] * 8 + ["resting"]))
    today = timezone.localdate()
    for t in teams[:len(FIRE_STATIONS) + len(PROFESSIONAL)]:
        for i in range(3):
            TeamMember.objects.create(
                team=t, name=name(), mobile=mobile(), position=["队长", "副队长", "队员"][i],
                certificate=rng.choice(["应急救援员（四级）", "消防员职业资格", "潜水员证", "急救员证", "特种作业操作证"]),
                certificate_expires=today + datetime.timedelta(days=rng.randint(-30, 900)))
    return teams


def _experts(rng, county, name, mobile) -> int:
    n = 0
    for field, title, org_name in EXPERT_FIELDS:
        org = Organization.objects.filter(name=org_name).first()
        for _ in range(2):
            extra = rng.choice([f for f, _, _ in EXPERT_FIELDS if f != field])
            Expert.objects.create(name=name(), specialties=f"{field},{extra}" if rng.random() < 0.4 else field,
                                  title=title, organization=org, region=org.region if org else county,
                                  mobile=mobile(), available=rng.random() < 0.85, notes="演示数据")
            n += 1
    return n


def _materials(county) -> dict:
    return {code: Material.objects.create(code=code, name=name, category=cat, unit=unit, spec=spec,
                                          shelf_life_days=life, region=county)
            for code, name, cat, unit, spec, life, *_ in MATERIALS}


def _warehouses(rng, county, towns, by_town, villages_of, seat_village, spot, name, mobile) -> list:
    out = []

    def warehouse(title, level, region, seat, **extra):
        lon, lat = spot(seat)
        w = Warehouse.objects.create(name=title, level=level, region=region, lon=lon, lat=lat, manager=name(),
                                     phone=mobile(), address=f"湖南省浏阳市{seat.parent.name}{seat.name}", **extra)
        out.append(w)
        return w

    warehouse("浏阳市救灾物资储备库", "county", county, seat_village(by_town["集里街道"]), capacity_m3=12000)
    warehouse("浏阳市防汛抗旱物资仓库", "county", county, seat_village(by_town["关口街道"]), capacity_m3=6000)
    warehouse("浏阳市东部片区物资储备库", "county", county, seat_village(by_town["永和镇"]), capacity_m3=3000)
    supermarket = Organization.objects.filter(industry_code="F5212").first()
    warehouse("生活物资协议储备（商超）", "county", county, seat_village(by_town["荷花街道"]),
              reserve_kind="agreement", delivery_hours=4, organization=supermarket)
    warehouse("帐篷棉被产能储备（协议企业）", "county", county, seat_village(by_town["洞阳镇"]),
              reserve_kind="capacity", daily_capacity="帐篷 300 顶/日，棉被 2000 床/日")
    for town in towns:
        warehouse(f"{town.name}应急物资储备点", "township", town, seat_village(town))
    for town in rng.sample(towns, 12):
        village = rng.choice(villages_of[town.pk])
        warehouse(f"{town.name}{village.name}应急物资储备点", "village", village, village)
    return out


def _stock(rng, warehouses, materials):
    today = timezone.localdate()
    for w in warehouses:
        if w.reserve_kind == "capacity":
            continue
        column = {"county": 6, "township": 7, "village": 8}[w.level]
        for row in MATERIALS:
            code, life, base = row[0], row[5], row[column]
            if not base or (w.reserve_kind == "agreement" and row[2] not in ("living", "water_food")):
                continue
            qty = max(1, int(base * rng.uniform(0.6, 1.3)))
            material = materials[code]
            batch = f"{today:%Y}{rng.randint(1, 12):02d}-{code[-3:]}"
            expires = None
            if life:  # some batches come due for rotation (收储轮换) in the demo
                expires = today + datetime.timedelta(days=rng.choice([20, 45, 120, 300, life]))
            stock.move(None, w, material, "receive", qty, batch=batch if life else "", expires=expires,
                       reference=f"RK{today:%Y}{rng.randint(1000, 9999)}", note="年度储备入库（演示数据）")
            if rng.random() < 0.25 and w.reserve_kind == "physical":
                stock.move(None, w, material, "issue", max(1, qty // 5), batch=batch if life else "",
                           reference=f"CK{today:%Y}{rng.randint(1000, 9999)}", note="防汛演练领用（演示数据）")
            minimum = int(base * 0.8)
            StockLevel.objects.filter(warehouse=w, material=material).update(minimum=minimum)


def _equipment(rng, teams, warehouses) -> int:
    kinds = [("冲锋舟", "6 人玻璃钢冲锋舟"), ("排涝泵车", "300 m³/h"), ("生命探测仪", "雷达式"), ("发电机", "10 kW 柴油"),
             ("无人机", "多旋翼 巡查型"), ("卫星电话", "天通一号"), ("破拆工具组", "液压"), ("照明车", "移动照明"),
             ("森林灭火风力灭火机", "背负式"), ("气体检测仪", "四合一")]
    n = 0
    today = timezone.localdate()
    for t in teams:
        if t.kind == "grassroots" and rng.random() < 0.6:
            continue
        for kind, model in rng.sample(kinds, 2):
            Equipment.objects.create(name=f"{t.name.removesuffix('队')}{kind}", kind=kind, model_no=model,
                                     quantity=rng.randint(1, 6), team=t, region=t.region,
                                     status=rng.choice(["ready"] * 6 + ["repair"]),
                                     maintenance_due=today + datetime.timedelta(days=rng.randint(-20, 240)))
            n += 1
    for w in warehouses[:3]:
        for kind, model in kinds[:4]:
            Equipment.objects.create(name=f"{kind}（库存装备）", kind=kind, model_no=model, quantity=rng.randint(2, 10),
                                     warehouse=w, region=w.region,
                                     maintenance_due=today + datetime.timedelta(days=rng.randint(30, 365)))
            n += 1
    return n


def _shelters(rng, county, towns, by_town, seat_village, spot, name, mobile) -> list:
    out = []

    def shelter(title, duration, space, level, region, seat, area, facilities, status="idle"):
        lon, lat = spot(seat)
        side = math.sqrt(area) / 111_320  # a square of the effective area, for the map
        ring = [(lon - side / 2, lat - side / 2), (lon + side / 2, lat - side / 2), (lon + side / 2, lat + side / 2),
                (lon - side / 2, lat + side / 2), (lon - side / 2, lat - side / 2)]
        s = Shelter(name=title, duration_class=duration, space=space, level=level, region=region, lon=lon, lat=lat,
                    geometry={"type": "Polygon", "coordinates": [ring]}, geometry_note="演示数据（示意范围）",
                    address=f"湖南省浏阳市{seat.parent.name}{seat.name}", effective_area_m2=area,
                    facilities=facilities, zones="宿住区,医疗救护区,物资发放区,指挥管理区", manager=name(),
                    phone=mobile(), status=status)
        s.save()
        out.append(s)

    full = "应急供水,应急供电,应急厕所,医疗救护,物资储备,应急广播,消防设施,指挥管理,标识标牌,无障碍设施"
    shelter("浏阳市体育中心应急避难场所", "long", "mixed", "county", county, seat_village(by_town["集里街道"]), 42000, full)
    shelter("浏阳河风光带应急避难场所", "medium", "outdoor", "county", county, seat_village(by_town["淮川街道"]), 30000,
            "应急供水,应急供电,应急厕所,应急广播,标识标牌")
    shelter("浏阳市第一中学应急避难场所", "short", "mixed", "county", county, seat_village(by_town["荷花街道"]), 12000, full)
    for town in towns:
        short = town.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        shelter(f"{short}中学应急避难场所", "short", "mixed", "township", town, seat_village(town),
                rng.randint(3000, 9000), "应急供水,应急供电,应急厕所,医疗救护,物资储备,标识标牌")
        shelter(f"{short}文化广场紧急避难场所", "emergency", "outdoor", "township", town, seat_village(town),
                rng.randint(1500, 5000), "应急厕所,应急广播,标识标牌")
    return out


def _orders(rng, warehouses, materials, towns, shelters):
    """Two past transfers (one signed for) and one awaiting approval — all through the real workflow."""
    from yingji.core.framework import workflow
    from yingji.core.models import User

    admin = User.objects.filter(is_superuser=True).first()
    county_store, township_store = warehouses[0], next(w for w in warehouses if w.level == "township")
    done = TransferOrder.objects.create(
        source=county_store, destination_warehouse=township_store, destination=township_store.name,
        purpose="汛前补充乡镇储备（演示数据）", receiver=township_store.manager, region=township_store.region)
    TransferLine.objects.create(order=done, material=materials["SH-001"], quantity=20)
    TransferLine.objects.create(order=done, material=materials["RS-001"], quantity=50)
    for step in ("approve", "issue", "depart", "receive"):
        workflow.apply(admin, done, step, comment="演示数据", system=admin is None)
    shelter = shelters[3]
    pending = TransferOrder.objects.create(
        source=county_store, destination=shelter.name, region=shelter.region, lon=shelter.lon, lat=shelter.lat,
        purpose="强降雨转移安置（演示数据）", needed_by=timezone.now() + datetime.timedelta(hours=6))
    TransferLine.objects.create(order=pending, material=materials["SH-003"], quantity=200)
    TransferLine.objects.create(order=pending, material=materials["WF-001"], quantity=100)


def _application(rng, by_town, spot, name, mobile):
    town = by_town["沿溪镇"]
    village = town.children.order_by("code").first()
    lon, lat = spot(village)
    SocialForceApplication.objects.create(
        name="沿溪镇志愿应急救援队", sponsor="浏阳市沿溪镇社会工作服务站", leader=name(), mobile=mobile(), members=26,
        capabilities="水域救援,应急救护,物资转运", equipment_summary="冲锋舟 1 艘，救生衣 30 件，对讲机 10 部",
        base_address=f"湖南省浏阳市沿溪镇{village.name}", region=village, lon=lon, lat=lat,
        tracking_code="DEMO2026SF", client_hash="demo")


# ---- the demo road network ----------------------------------------------------------------------

def road_network(rng, towns, villages) -> dict:
    """GeoJSON roads joining township seats and village centres (see the module docstring)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay

    from yingji.core.directory.demo import TOWNSHIP_SEATS

    points = [(TOWNSHIP_SEATS[t.name], "seat", t.name) for t in towns]
    points += [((v.centroid_lon, v.centroid_lat), "village", v.name) for v in villages if v.centroid_lon is not None]
    xy = np.array([p[0] for p in points], dtype=float)
    km = xy * [111.32 * math.cos(math.radians(28.2)), 110.57]
    tri = Delaunay(km)
    edges = set()
    for a, b, c in tri.simplices:
        edges |= {tuple(sorted(e)) for e in ((a, b), (b, c), (a, c))}
    edges = np.array(sorted(edges))
    length = np.linalg.norm(km[edges[:, 0]] - km[edges[:, 1]], axis=1)
    graph = coo_matrix((length, (edges[:, 0], edges[:, 1])), shape=(len(points), len(points)))
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = {tuple(sorted(e)) for e in zip(tree.row.tolist(), tree.col.tolist(), strict=True)}
    features = []
    for (a, b), d in zip(edges.tolist(), length.tolist(), strict=True):
        kinds = {points[a][1], points[b][1]}
        seats = kinds == {"seat"}
        if (a, b) not in in_tree and d > (22 if seats else 7):
            continue
        if seats:
            highway = "primary" if COUNTY_SEAT in (points[a][2], points[b][2]) or d > 15 else "secondary"
        else:
            highway = "tertiary" if "seat" in kinds else "unclassified"
        features.append({"type": "Feature", "properties": {"highway": highway, "name": f"{points[a][2]}—{points[b][2]}"},
                         "geometry": {"type": "LineString", "coordinates": _bend(rng, xy[a], xy[b])}})
    return {"type": "FeatureCollection", "name": "浏阳市演示路网（生成，非真实道路）", "features": features}


def _bend(rng, a, b, parts: int = 4) -> list:
    """A straight link with gentle, seeded bends (roads follow valleys, not rulers)."""
    (x0, y0), (x1, y1) = a, b
    nx, ny = -(y1 - y0), x1 - x0
    line = [[round(x0, 6), round(y0, 6)]]
    for k in range(1, parts):
        t = k / parts
        off = rng.uniform(-0.08, 0.08) * math.sin(math.pi * t)
        line.append([round(x0 + (x1 - x0) * t + nx * off, 6), round(y0 + (y1 - y0) * t + ny * off, 6)])
    line.append([round(x1, 6), round(y1, 6)])
    return line


def write_road_network(rng, towns, villages, path: Path) -> str:
    """Write the demo network where YINGJI_ROAD_NETWORK points, unless a file is already there."""
    if path.exists():
        return f"路网文件已存在，未覆盖：{path}"
    if path.suffix not in (".geojson", ".json"):
        return f"YINGJI_ROAD_NETWORK 指向 {path.suffix} 文件，演示路网未写入"
    doc = road_network(rng, towns, villages)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return f"演示路网：{len(doc['features'])} 条道路，已写入 {path}"

