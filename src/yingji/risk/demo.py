"""The demo county's risk registers: typical risk points (assessed by LEC) and hazardous-chemical
units at demo enterprises by industry, and vulnerable targets in every township (a step of
``yingji.core.framework.demo.load``)."""

from __future__ import annotations

from decimal import Decimal

from shapely.geometry import shape

from yingji.core.directory.demo import _inside
from yingji.core.framework.demo import _mobile, _name


def load(ctx) -> None:
    points = _risk_points(ctx.rng, ctx.orgs)
    sources = _hazard_sources(ctx.rng, ctx.orgs)
    targets = _vulnerable_targets(ctx.rng, ctx.towns)
    ctx.facts += [f"{points} 个风险点", f"{sources} 个危险化学品单元", f"{targets} 个脆弱性目标"]


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
