"""The demo county's hidden hazards: hazards at demo enterprises in every state of the closed loop,
moved through the real workflow so their logs are real (a step of ``yingji.core.framework.demo.load``)."""

from __future__ import annotations

from decimal import Decimal

from yingji.core.models import User


def load(ctx) -> None:
    ctx.facts.append(f"{_hazards(ctx.rng, ctx.orgs)} 条隐患")


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

    from yingji.core.framework import workflow
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
