"""The demo county's 调查评估与复盘 (a step of ``yingji.core.framework.demo.load``):

- a 较大 accident (3 dead) at a fireworks company in 大瑶镇 a year ago, investigated by the city (提级调查
  no, 挂牌督办 yes), "四不放过" written, four responsibility findings, three measures — 已销号, 待复核,
  逾期 — and the 回头看 opened by the job, due in about three weeks;
- a 复盘 of the past flood with its timeline assembled from the 灾情 and relief records;
- the evaluation of the fireworks drill, scored from timed observations, with a corrective measure;
- the company's 现场处置方案, last drilled in March: an overdue-drill alert."""

from __future__ import annotations

import datetime
from unittest import mock

from django.utils import timezone


class _Clock:
    def __init__(self, at):
        self.now = at

    def __call__(self):
        return self.now

    def at(self, when):
        self.now = when


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.framework import todos
    from yingji.core.models import Organization, Region
    from yingji.disasters.models import DisasterEvent
    from yingji.incidents.models import Drill, Incident, Plan

    users = get_user_model().objects
    u = {name: users.get(username=name) for name in ("staff", "leader", "enterprise", "township")}
    firm = u["enterprise"].scope_organization
    county = Region.objects.filter(level="county").order_by("code").first()
    towns = {t.name: t for t in ctx.towns}
    bureau = Organization.objects.filter(name=f"{county.name}应急管理局").first()
    now = timezone.now()
    clock = _Clock(now - datetime.timedelta(days=380))
    with mock.patch("django.utils.timezone.now", clock):
        accident = Incident(title=f"{firm.name}成品仓库爆炸事故", event_type="21500", occurred_at=clock.now,
                            received_at=clock.now + datetime.timedelta(minutes=12), address=firm.address or firm.name,
                            region=firm.region, organization=firm, lon=firm.lon, lat=firm.lat, deaths=3, injured=4,
                            description="成品仓库违规超量储存烟花爆竹成品，搬运中摩擦起火引发爆炸，造成 3 人死亡、4 人受伤。",
                            measures="企业停产，周边疏散。")
        accident.full_clean()
        accident.save()
        Incident.objects.filter(pk=accident.pk).update(state="closed", closed_summary="现场处置结束，转入事故调查")
        todos.reconcile(Incident, [accident.pk], tell=False)
        inv = _investigation(ctx, u, clock, accident, firm, bureau, towns, county, now)
        ev = _drill_evaluation(u, clock, bureau, firm)
    from yingji.reviews import services

    services.mark_overdue()
    services.open_lookbacks()
    flood = DisasterEvent.objects.filter(disaster_type="flood", received_from="").order_by("onset_date").first()
    review = _flood_review(u, flood, towns) if flood else None
    plan = Plan.objects.create(name=f"{firm.name}仓库火灾爆炸现场处置方案", kind="onsite", region=firm.region,
                               organization=firm, approved_on=datetime.date(2025, 3, 1))
    Drill.objects.create(plan=plan, date=datetime.date(2026, 3, 15), kind="tabletop",
                         scenario="成品仓库起火，仓库保管员报警、初期扑救和人员撤离", participants="企业员工 18 人")
    alerts, _ = services.drill_alerts()
    figures = services.assemble(review)["figures"] if review else []
    recorded = sum(1 for x in figures if x["text"] != "未记录")
    ctx.facts.append("1 起事故调查")
    named = review.number if review else ""
    ctx.lines.append(f"调查评估：{inv.number} {accident.grade_label}调查已结案（整改措施 3 条：已销号、待复核、逾期；"
                     f"回头看期限 {inv.lookback_due:%Y-%m-%d}）；{named} 洪涝复盘（{recorded} 项数据自动汇总）；"
                     f"演练评估 {ev.number} {ev.score} 分（{ev.grade}）；演练逾期提醒 {len(alerts)} 条")


def _investigation(ctx, u, clock, accident, firm, bureau, towns, county, now):
    from yingji.core.framework import workflow
    from yingji.reviews import services
    from yingji.reviews.models import Investigation, Responsibility

    start = clock.now
    clock.at(start + datetime.timedelta(days=2))
    inv = Investigation(incident=accident, led_by="长沙市人民政府", leader="长沙市应急管理局副局长 刘建国",
                        members="刘建国（长沙市应急管理局）\n陈志强（长沙市公安局）\n王芳（长沙市总工会）\n"
                                f"{ctx.name()}（{county.name}应急管理局）",
                        units="长沙市应急管理局、长沙市公安局、长沙市总工会、长沙市纪委监委（同步开展问责调查）、"
                              f"{county.name}人民政府",
                        supervised=True, supervised_by="湖南省安全生产委员会", started_on=clock.now.date())
    services.created(u["staff"], inv)
    for subject, kind, position, liability, finding in (
            ("企业法定代表人 张某", "person", f"{firm.name}法定代表人", "criminal",
             "违规组织超量储存，涉嫌重大责任事故罪，移送司法机关"),
            (firm.name, "unit", "事故发生单位", "administrative", "对事故发生负有责任，建议处以罚款并吊销安全生产许可证"),
            ("大瑶镇安监站站长 李某", "person", "大瑶镇人民政府", "discipline", "日常监管不力，建议给予政务记过处分"),
            (f"{county.name}应急管理局", "unit", "行业监管部门", "suggestion", "建议向市人民政府作出书面检查")):
        Responsibility.objects.create(investigation=inv, subject=subject, subject_kind=kind, position=position,
                                      kind=liability, finding=finding)
    clock.at(start + datetime.timedelta(days=20))
    dayao = towns.get("大瑶镇", firm.region)
    m1 = _measure(u["staff"], inv, "成品仓库超量储存", "清理超量储存成品，按核定药量设置仓库并安装视频监控", org=firm,
                  deadline=(start + datetime.timedelta(days=60)).date())
    m2 = _measure(u["staff"], inv, "镇级监管力量不足", "大瑶镇配齐烟花爆竹专职监管人员，开展全镇仓储专项整治",
                  name="大瑶镇人民政府", region=dayao, deadline=(now + datetime.timedelta(days=20)).date())
    m3 = _measure(u["staff"], inv, "行业监管检查流于形式", "市应急管理局修订花炮企业检查计划，对仓储环节每季度抽查",
                  org=bureau, region=county, deadline=(now - datetime.timedelta(days=15)).date())
    clock.at(start + datetime.timedelta(days=30))
    inv.cause_found = ("直接原因：搬运过程中成品包装摩擦起火引燃仓内超量储存的成品。间接原因：企业安全生产主体责任不落实，"
                       "违规超量储存；镇、市两级日常监管不到位。")
    inv.responsible_handled = "依法追究企业法定代表人刑事责任，对企业行政处罚，对监管人员给予政务处分（见责任认定）。"
    inv.people_educated = "召开全市花炮行业警示教育大会，事故调查报告向社会公开，企业全员复训。"
    inv.measures_taken = "提出防范和整改措施 3 条，逐条明确责任单位和期限（见整改措施）。"
    inv.nature = "一起较大生产安全责任事故"
    services.created(u["staff"], inv)
    workflow.apply(u["staff"], inv, "submit", comment="调查报告已经调查组全体成员签字")
    clock.at(start + datetime.timedelta(days=35))
    workflow.apply(u["leader"], inv, "approve", comment="同意调查报告，按期落实整改")
    clock.at(start + datetime.timedelta(days=55))
    workflow.apply(u["enterprise"], m1, "report_done",
                   inputs={"evidence": "已清理超量成品 12 吨，视频监控已接入市平台（附照片）"})
    clock.at(start + datetime.timedelta(days=62))
    workflow.apply(u["staff"], m1, "pass_review", comment="现场复核属实")
    workflow.apply(u["leader"], m1, "close", comment="同意销号")
    clock.at(now - datetime.timedelta(days=3))
    workflow.apply(u["township"], m2, "report_done", inputs={"evidence": "已配备专职监管人员 3 名，整治仓储点 27 处"})
    inv.refresh_from_db()
    assert m3.state == "pending"
    return inv


def _measure(user, source, problem, content, *, org=None, name="", region=None, deadline, field="investigation"):
    from yingji.reviews import services
    from yingji.reviews.models import Measure

    m = Measure(problem=problem, content=content, organization=org, department_name=name,
                region=region or (org.region if org else None), deadline=deadline, supervisor="浏阳市应急管理局",
                **{field: source})
    return services.created(user, m)


def _drill_evaluation(u, clock, bureau, firm):
    from yingji.core.framework import workflow
    from yingji.incidents.models import Drill
    from yingji.reviews import services
    from yingji.reviews.models import DrillEvaluation, SelfAssessment

    drill = Drill.objects.filter(plan__name__contains="烟花爆竹", kind="field").order_by("date").first()
    begin = timezone.make_aware(datetime.datetime.combine(drill.date, datetime.time(9, 0)))
    clock.at(begin - datetime.timedelta(days=3))
    ev = services.created(u["staff"], DrillEvaluation(drill=drill, lead_evaluator="周局长",
                                                      evaluators="安全生产基础科 2 人、消防救援大队 1 人、外聘专家 1 人"))
    services.build_criteria(u["staff"], ev)
    clock.at(begin)
    workflow.apply(u["staff"], ev, "start")
    ev.refresh_from_db()
    crit = {c.section: c for c in ev.criteria.all()}
    for minutes, section, score, note in (
            (4, "预警与信息报告", 70, "企业初报晚 12 分钟才到市值班室"), (11, "紧急响应", 85, "按 IV 级启动响应"),
            (18, "指挥与协调", 88, "现场指挥部 18 分钟成立，分工明确"), (26, "现场处置", 90, "2 名被困人员 26 分钟救出"),
            (33, "人员疏散与安置", 68, "南侧居民点未听到疏散广播"), (41, "应急资源保障", 85, "消防车和救护车按时到位"),
            (55, "后期处置", 80, "信息发布及时")):
        clock.at(begin + datetime.timedelta(minutes=minutes))
        services.observe(u["staff"], ev, criterion=crit[section], score=score, note=note)
    for unit, rating, good, bad in (("消防救援大队", "good", "出动迅速", ""),
                                    (firm.name, "pass", "员工撤离有序", "值班电话未纳入值班表，初报延误")):
        SelfAssessment.objects.create(evaluation=ev, unit=unit, rating=rating, strengths=good, problems=bad)
    clock.at(begin + datetime.timedelta(minutes=70))
    workflow.apply(u["staff"], ev, "finish")
    ev.refresh_from_db()
    ev.conclusion = "演练达到预期目的，信息报告和疏散广播覆盖存在不足，需限期整改。"
    services.created(u["staff"], ev)
    _measure(u["staff"], ev, "疏散广播未覆盖南侧居民点", "大瑶镇在南侧居民点增设应急广播 2 处", name="大瑶镇人民政府",
             region=firm.region.parent if firm.region.level == "village" else firm.region,
             deadline=(timezone.now() + datetime.timedelta(days=200)).date(), field="evaluation")
    workflow.apply(u["staff"], ev, "close")
    ev.refresh_from_db()
    return ev


def _flood_review(u, flood, towns):
    from yingji.reviews import services
    from yingji.reviews.models import Review

    review = services.created(u["staff"], Review(
        kind="post_event", title=f"{flood.name}复盘", event=flood, team="市应急管理局、水利局、民政局、受灾乡镇",
        findings="官渡镇灾情初报迟报；大瑶镇部分安置户基本生活救助超过时限。",
        conclusion="响应总体及时，乡镇报灾和救助时效需加强。"))
    town = towns.get("官渡镇")
    _measure(u["staff"], review, "官渡镇灾情初报迟报", "官渡镇落实灾害信息员 A、B 岗，汛期 24 小时值守",
             name="官渡镇人民政府", region=town or flood.region,
             deadline=(timezone.now() + datetime.timedelta(days=45)).date(), field="review")
    return review
