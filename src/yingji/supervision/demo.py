"""The demo county's supervision (a step of ``yingji.core.framework.demo.load``): the 两库一单, this year's
plan, a draw already done and 12 checks — some with findings, one turned into a hidden hazard — all
made through the services and the workflow, so their logs and rules are real.

It draws its own numbers from a generator of its own, so the demo's shared sequence (and every other
app's data for a given seed) stays as it was."""

from __future__ import annotations

import datetime
import random

CLASSES = [("C2672", "fireworks"), ("C26", "hazardous_chemicals"), ("C27", "hazardous_chemicals"),
           ("F5265", "hazardous_chemicals"), ("F5169", "hazardous_chemicals"), ("C31", "metallurgy"),
           ("C33", "machinery"), ("B10", "non_coal_mine"), ("C30", "building_materials"), ("F52", "commerce"),
           ("H61", "commerce")]

MATTERS = [
    ("YJ-ZF-01", "烟花爆竹生产企业安全生产监督检查",
     "《中华人民共和国安全生产法》第六十二条第二款；《烟花爆竹安全管理条例》",
     "安全生产责任制、工（库）房定员定量、防静电防雷设施、特种作业人员持证、隐患排查治理、应急预案及演练",
     ["工（库）房定员、定量标识清晰，现场不超员、不超量", "人体静电释放装置、防雷设施完好并按期检测",
      "药物混合、装药等危险工序作业人员持证上岗", "建立并落实隐患排查治理台账", "按规定组织应急预案演练"]),
    ("YJ-ZF-02", "危险化学品企业安全生产监督检查",
     "《中华人民共和国安全生产法》第六十二条第二款；《危险化学品安全管理条例》",
     "重大危险源管控、可燃有毒气体检测报警、特殊作业管理、安全风险分级管控和隐患排查治理",
     ["重大危险源包保责任落实并公示", "可燃、有毒气体检测报警装置完好并定期检定",
      "动火、受限空间等特殊作业按规定审批", "风险分级管控清单与现场一致", "隐患排查治理闭环管理"]),
    ("YJ-ZF-03", "工贸企业安全生产监督检查",
     "《中华人民共和国安全生产法》第六十二条第二款；《工贸企业重大事故隐患判定标准》",
     "重大事故隐患情况、安全生产教育培训、隐患排查治理、应急预案及演练",
     ["主要负责人、安全管理人员经考核合格", "从业人员经安全生产教育和培训合格", "有限空间作业安全管理",
      "建立并落实隐患排查治理台账"]),
]


def load(ctx) -> None:
    from yingji.core.framework import workflow
    from yingji.core.models import Organization, Person, Region, User
    from yingji.supervision import seeds, services
    from yingji.supervision.models import ConflictOfInterest, InspectionMatter, InspectionPlan, Inspector, PlanItem

    rng = random.Random(21)
    staff = User.objects.get(username="staff")
    county = Region.objects.filter(level="county").order_by("code").first()
    bureau = Organization.objects.get(name="浏阳市应急管理局")
    today = datetime.date.today()
    year = today.year

    def enterprise_class(org):
        return next((c for prefix, c in CLASSES if org.industry_code.startswith(prefix)), "other")

    services.enroll(staff, enterprise_class_of=enterprise_class)
    entries = list(services.InspectionObject.objects.select_related("organization").order_by("organization__name"))
    for entry in entries:
        entry.standardization = rng.choice(["level2", "level3", "level3", "none", "none"])
        entry.save(update_fields=["standardization"])
    seeds.load_rules(county)

    matters = [InspectionMatter.objects.create(code=code, name=name, basis=basis, content=content,
                                               checklist="\n".join(points), region=county)
               for code, name, basis, content, points in MATTERS]
    plan = InspectionPlan.objects.create(year=year, title=f"浏阳市应急管理局{year}年度安全生产监督检查计划", unit=bureau,
                                         region=county, approved_on=datetime.date(year, 2, 20))
    fireworks = [e for e in entries if e.enterprise_class == "fireworks"]
    chemicals = [e for e in entries if e.enterprise_class == "hazardous_chemicals"]
    key_fireworks = fireworks[:3]
    for entry in key_fireworks + chemicals[:2]:
        entry.is_key = True
        entry.save(update_fields=["is_key"])
    items = [
        PlanItem.objects.create(plan=plan, matter=matters[0], method="on_site", random_share_pct=15, random_total=8,
                                frequency_per_year=1, cap_per_year=2, start_month=2, end_month=11, unit=bureau),
        PlanItem.objects.create(plan=plan, matter=matters[1], method="on_site", random_share_pct=20, random_total=6,
                                frequency_per_year=1, cap_per_year=2, start_month=3, end_month=10, unit=bureau,
                                joint=True, joint_with="浏阳市消防救援大队"),
        PlanItem.objects.create(plan=plan, matter=matters[2], method="documents", random_share_pct=5, random_total=5,
                                frequency_per_year=1, cap_per_year=2, start_month=4, end_month=12, unit=bureau),
    ]
    items[0].key_objects.set(key_fireworks)
    items[1].key_objects.set(chemicals[:2])
    workflow.apply(staff, plan, "publish", comment="局务会审议通过")

    inspectors = []
    for n in range(10):
        person = Person.objects.create(name=_name(rng), mobile=f"139{rng.randrange(10**8):08d}",
                                       title="执法大队执法人员", contact_role="bureau_staff", region=bureau.region,
                                       organization=bureau)
        expires = datetime.date(year - 1, 12, 31) if n == 9 else datetime.date(year + 2 + n % 3, 6, 30)
        inspectors.append(Inspector.objects.create(person=person, unit=bureau, region=county,
                                                   certificate_number=f"43018{year % 100:02d}{n + 1:04d}",
                                                   certificate_expires=expires))
    ConflictOfInterest.objects.create(inspector=inspectors[0], enterprise=fireworks[5].organization,
                                      relation="relative", note="配偶在该企业任安全员")

    random_draw = services.make_draw(staff, items[0], n_objects=8, seed=20260315, criteria={"enterprise_class": ["fireworks"]},
                                     scheduled_on=max(datetime.date(year, 3, 20), min(today, datetime.date(year, 11, 30))))
    checks = list(random_draw.inspections.order_by("id"))
    for entry in key_fireworks:
        checks.append(services.schedule(staff, organization=entry.organization, trigger="key", plan_item=items[0],
                                        inspectors=inspectors[6:8]))
    checks.append(services.schedule(staff, organization=chemicals[2].organization, trigger="complaint",
                                    trigger_note="12350 举报：夜间违规动火作业", inspectors=inspectors[7:9]))
    _work(staff, checks, rng, year, today)
    ctx.facts.append(f"{len(checks)} 条监督检查记录")
    from yingji.supervision import casedemo

    casedemo.load(ctx)  # the enforcement half: 3 cases in different states


def _name(rng) -> str:
    from yingji.core.framework.demo import _name as demo_name

    return demo_name(rng)


FINDINGS = [("药物混合工房内作业人员 4 人，超过核定 2 人", "《烟花爆竹安全管理条例》第十九条", 1),
            ("装药工房门口人体静电释放器接地电阻超标", "《中华人民共和国安全生产法》第三十六条", 2),
            ("近三个月未建立隐患排查治理台账", "《中华人民共和国安全生产法》第四十一条", 4)]


def _work(staff, checks, rng, year, today) -> None:
    """Move the demo checks on: 7 completed (3 with findings, one of them made a hidden hazard), 2 on
    site, the rest still to do; finish months spread over the year so far."""
    from yingji.core.framework import workflow
    from yingji.supervision import services
    from yingji.supervision.models import Inspection

    for n, inspection in enumerate(checks[:9]):
        workflow.apply(staff, inspection, "start")
        inspection.refresh_from_db()
        items = list(inspection.items.order_by("number"))
        finding_here = FINDINGS[n] if n < len(FINDINGS) else None
        for item in items if n < 7 else items[:2]:
            bad = finding_here is not None and item.number == finding_here[2]
            services.answer(staff, item, answer="noncompliant" if bad else rng.choice(["compliant"] * 5 + ["not_applicable"]),
                            note=finding_here[0] if bad else "")
        if finding_here:
            finding = services.add_finding(staff, inspection, description=finding_here[0], clause=finding_here[1],
                                           item=next((i for i in items if i.number == finding_here[2]), None))
            if n == 0:
                services.finding_to_hazard(staff, finding, measures="立即停止超员作业，重新核定工房定员并公示",
                                           deadline=today + datetime.timedelta(days=7))
        if n < 7:
            workflow.apply(staff, inspection, "complete",
                           comment="发现问题已当场责令整改" if finding_here else "未发现问题")
            month = 1 + (n * max(today.month - 1, 0)) // 7 if today.year == year else 1 + n
            finished = datetime.datetime(year, month, 10 + n, 2, 0, tzinfo=datetime.UTC)
            Inspection.objects.filter(pk=inspection.pk).update(
                started_at=finished - datetime.timedelta(hours=2), finished_at=finished)
