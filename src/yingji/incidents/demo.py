"""Demo response data for the demo county: five plans with structured levels and checklists, a
duty roster around today, one past incident run through the real services (intake → response →
tasks → 初报/续报/终报 → closed) and one incident received this morning, still open."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.models import Organization, Person, Region
from yingji.incidents import services
from yingji.incidents.models import (
    Drill,
    DutyShift,
    Incident,
    Plan,
    PlanAction,
    PlanLevel,
)

C = "浏阳市"


def rule(figure, value, op=">="):
    return {"figure": figure, "op": op, "value": value}


# Accident plans: the grades of 493号令 as response levels, and smaller county triggers for Ⅳ.
ACCIDENT_LEVELS = {
    "I": ([rule("deaths_missing", 30), rule("injured", 100), rule("direct_loss", 10000)], "特别重大事故"),
    "II": ([rule("deaths_missing", 10), rule("injured", 50), rule("direct_loss", 5000)], "重大事故"),
    "III": ([rule("deaths_missing", 3), rule("injured", 10), rule("direct_loss", 1000)], "较大事故"),
    "IV": ([rule("deaths_missing", 1), rule("injured", 1), rule("trapped", 1)], "造成人员死亡、失踪、重伤或被困的一般事故"),
}
# A county flood plan's own (smaller) thresholds.
FLOOD_LEVELS = {
    "I": ([rule("deaths_missing", 10), rule("relocated", 50000)], "死亡失踪10人以上或紧急转移安置5万人以上"),
    "II": ([rule("deaths_missing", 5), rule("relocated", 20000)], "死亡失踪5人以上或紧急转移安置2万人以上"),
    "III": ([rule("deaths_missing", 3), rule("relocated", 5000)], "死亡失踪3人以上或紧急转移安置5000人以上"),
    "IV": ([rule("deaths_missing", 1), rule("relocated", 1000), rule("houses_collapsed", 10)],
           "死亡失踪1人以上、紧急转移安置1000人以上或倒损房屋10间以上"),
}

COMMON = [  # (group, department, action, minutes) at every level
    ("综合协调组", "浏阳市应急管理局", "派出工作组赶赴现场，30 分钟内反馈现场情况", 30),
    ("抢险救援组", "浏阳市消防救援大队", "调派救援力量开展搜救和处置", 20),
    ("医疗救治组", "浏阳市卫生健康局", "组织医疗救护力量现场救治和转运伤员", 30),
    ("治安交通组", "浏阳市公安局", "设置警戒区，实施交通管制和疏导", 30),
    ("信息报送组", "浏阳市应急管理局", "按时限向长沙市应急管理局报送初报", 60),
]
SPECIAL = {
    "hazmat": [("专家组", "浏阳市应急管理局", "调集危化品专家研判泄漏扩散和爆炸风险", 60),
               ("环境监测组", "浏阳市花炮产业服务中心", "排查周边花炮企业和仓库，停止危险作业", 60),
               ("后勤保障组", "浏阳市民政局", "安置疏散群众，保障基本生活", 120)],
    "flood": [("监测预警组", "浏阳市水利局", "加密水情雨情监测，研判水库和堤防险情", 60),
              ("转移安置组", "浏阳市民政局", "组织危险区群众转移，开放避难场所", 60),
              ("物资保障组", "浏阳市应急管理局", "调拨救灾帐篷、折叠床和棉被到安置点", 120)],
    "forest": [("扑救组", "浏阳市消防救援大队", "调派森林消防力量扑救，划定扑救分区", 30),
               ("气象保障组", "浏阳市气象局", "提供火场风向风力预报", 60)],
    "geo": [("监测组", "浏阳市自然资源局", "组织地质灾害专业队伍现场调查，划定危险区", 60),
            ("转移安置组", "浏阳市民政局", "转移威胁范围内群众", 60)],
    "general": [("新闻宣传组", "浏阳市应急管理局", "发布权威信息，回应社会关切", 120)],
}
PLANS = [  # name, kind, event types, levels, special checklist, approved, command structure
    (f"{C}突发事件总体应急预案", "general", "", ACCIDENT_LEVELS, "general", datetime.date(2022, 9, 1)),
    (f"{C}防汛抗旱应急预案", "special", "11000,12200", FLOOD_LEVELS, "flood", datetime.date(2024, 5, 10)),
    (f"{C}危险化学品和烟花爆竹生产安全事故应急预案", "special", "21400,21500", ACCIDENT_LEVELS, "hazmat",
     datetime.date(2023, 12, 20)),
    (f"{C}森林火灾应急预案", "special", "17000", {
        "I": ([rule("deaths_missing", 10)], "造成10人以上死亡失踪的森林火灾"),
        "II": ([rule("deaths_missing", 3)], "造成3人以上死亡失踪"),
        "III": ([rule("deaths_missing", 1), rule("injured", 3)], "造成人员死亡失踪或3人以上重伤"),
        "IV": ([rule("trapped", 1), rule("relocated", 50)], "有人员被困或需转移群众50人以上")}, "forest",
     datetime.date(2021, 11, 15)),
    (f"{C}地质灾害应急预案", "special", "14000", {
        "I": ([rule("deaths_missing", 30), rule("direct_loss", 1000)], "特大型地质灾害险情或灾情"),
        "II": ([rule("deaths_missing", 10), rule("direct_loss", 500)], "大型"),
        "III": ([rule("deaths_missing", 3), rule("direct_loss", 100), rule("relocated", 500)], "中型"),
        "IV": ([rule("deaths_missing", 1), rule("relocated", 100), rule("houses_collapsed", 1)], "小型")}, "geo",
     datetime.date(2024, 3, 1)),
]
GROUPS = {"工作组": [{"name": g, "lead": dept, "members": []} for g, dept, *_ in COMMON]}


def load(ctx) -> None:
    """The response step of the demo county (plans, duty roster, one past and one open incident)."""
    ctx.lines.append(f"应急指挥：{_load(ctx.rng, ctx.towns)}")


def _load(rng, towns) -> str:
    county = Region.objects.get(name=C, level="county")
    orgs = {o.name: o for o in Organization.objects.filter(kind="government")}
    bureau = orgs[f"{C}应急管理局"]
    plans = [_plan(county, bureau, orgs, *p) for p in PLANS]
    Drill.objects.create(plan=plans[2], date=datetime.date(2026, 6, 12), kind="field",
                         scenario="大瑶镇某烟花厂药物混合工房发生爆炸，2 人被困，周边 300 米群众需疏散",
                         participants="市应急管理局、消防救援大队、卫健局、公安局、大瑶镇人民政府、企业专职救援队",
                         findings="企业初报晚 12 分钟；疏散广播未覆盖南侧居民点", evaluation="pass",
                         improvements="企业值班电话纳入值班表；增设南侧应急广播")
    Drill.objects.create(plan=plans[1], date=datetime.date(2026, 4, 20), kind="tabletop",
                         scenario="浏阳河上游 24 小时降雨 250 毫米，株树桥水库超汛限水位", participants="防指成员单位",
                         findings="", evaluation="good")
    shifts = _roster(county, bureau)
    past = _past_incident(towns)
    _open_incident(towns)
    return f"应急预案 {len(plans)} 部（含分级响应和任务清单）、值班表 {shifts} 班、事件 2 起（{past}）"


def _plan(county, bureau, orgs, name, kind, types, levels, special, approved):
    plan = Plan.objects.create(name=name, kind=kind, event_types=types, region=county, organization=bureau,
                               approved_on=approved, filed_on=approved + datetime.timedelta(days=20),
                               command_structure={"总指挥": "市长", "副总指挥": ["分管副市长", "市应急管理局局长"],
                                                  **GROUPS})
    for level, (conditions, text) in levels.items():
        pl = PlanLevel.objects.create(plan=plan, level=level, conditions=conditions, condition_text=text,
                                      commander={"I": "市长", "II": "市长", "III": "分管副市长"}.get(level, "市应急管理局局长"))
        actions = COMMON + SPECIAL[special]
        if level == "IV":
            actions = actions[:3] + actions[4:5] + SPECIAL[special][:1]
        for i, (group, dept, action, minutes) in enumerate(actions, 1):
            PlanAction.objects.create(plan_level=pl, group=group, department=orgs.get(dept),
                                      department_name="" if dept in orgs else dept, action=action,
                                      within_minutes=minutes, position=i)
    return plan


def _roster(county, bureau) -> int:
    leaders = list(Person.objects.filter(organization=bureau, contact_role="bureau_leader").order_by("pk"))
    staff = list(Person.objects.filter(organization=bureau, contact_role="bureau_staff").order_by("pk"))
    today = timezone.localdate()
    n = 0
    for offset in range(-7, 8):
        day = today + datetime.timedelta(days=offset)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
        DutyShift.objects.create(
            region=county, date=day, shift="all", starts_at=start, ends_at=start + datetime.timedelta(days=1),
            leader=leaders[offset % len(leaders)], officer=staff[offset % len(staff)],
            assistant=staff[(offset + 1) % len(staff)], phone="0731-83612345",
            handover_note="" if offset >= 0 else "无未办结事项；气象部门提示夜间有小雨。")
        n += 1
    return n


def _users():
    User = get_user_model()
    return User.objects.get(username="duty"), User.objects.get(username="leader")


class _DemoClock:
    """The past incident is played through the real services on a clock set back 20 days and moved
    forward step by step, so its timeline, reports, clocks and logs carry believable times."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, minutes: float):
        self.now += datetime.timedelta(minutes=minutes)


def _past_incident(towns) -> str:
    """Twenty days ago: an explosion at a fireworks company in 大瑶镇, run through every step."""
    from unittest import mock

    clock = _DemoClock(timezone.now() - datetime.timedelta(days=20, hours=9))
    with mock.patch("django.utils.timezone.now", clock):
        return _play_past_incident(towns, clock)


def _play_past_incident(towns, clock) -> str:
    duty, leader = _users()
    dayao = next(t for t in towns if t.name == "大瑶镇")
    firm = Organization.objects.filter(region__parent=dayao, industry_code="C2672").order_by("name")[1]
    incident = Incident(
        title=f"{firm.name}药物混合工房爆炸事故", event_type="21500", occurred_at=clock.now - datetime.timedelta(minutes=15),
        received_at=clock.now, address=firm.address or f"{firm.region.name}{firm.name}",
        region=firm.region, organization=firm, lon=firm.lon, lat=firm.lat, source="phone", reporter="企业安全员",
        reporter_phone="13807310001", deaths=0, injured=2, trapped=1,
        description="药物混合工房发生爆炸，工房屋顶部分垮塌，1 人被困，2 人受伤。", measures="企业已停产并疏散员工。")
    services.intake(duty, incident)
    clock.advance(9)
    plan = Plan.objects.get(name__startswith=f"{C}危险化学品")
    response = services.activate(duty, incident, plan, "IV", "被困 1 人 ≥ 1 人")
    team = _nearest_team(incident)
    sent = services.dispatch_team(duty, incident, team, minutes=14)
    clock.advance(13)
    workflow.apply(duty, sent, "arrive")
    clock.advance(14)
    report = services.draft_report(duty, incident, "initial")
    report.signer, report.casualties_confirmed, report.direct_loss_cny = "周局长", True, Decimal("800000")
    report.scene = "工房屋顶部分垮塌，周边 100 米内无其他工房受损。"
    report.save()
    clock.advance(18)
    workflow.apply(duty, report, "send")
    services.add_message(leader, incident, "decision", "指挥部决定：周边 300 米内花炮企业全部停产，疏散群众")
    for i, task in enumerate(response.tasks.order_by("due_at")):
        for step, comment, gap in (("accept", "", 3), ("start", "", 4), ("complete", "已按要求完成", 35 + 10 * i)):
            clock.advance(gap)
            workflow.apply(duty, task, step, comment=comment)
    clock.advance(40)
    incident.refresh_from_db()
    incident.deaths, incident.trapped = 1, 0
    incident.save()
    follow = services.draft_report(duty, incident, "followup")
    follow.course += "\n被困人员经搜救找到，已无生命体征。"
    follow.casualties_confirmed = True
    follow.save()
    clock.advance(20)
    workflow.apply(duty, follow, "send")
    clock.advance(60 * 20)
    final = services.draft_report(duty, incident, "final")
    final.next_steps = "配合事故调查组开展调查，督促企业落实整改。"
    final.casualties_confirmed = True
    final.save()
    clock.advance(45)
    workflow.apply(duty, final, "send")
    workflow.apply(duty, sent, "withdraw")
    team.readiness = "standby"  # rested since, twenty days on
    team.save(update_fields=["readiness"])
    clock.advance(30)
    workflow.apply(leader, response, "end", inputs={"reason": "现场处置完毕，伤员救治平稳"})
    clock.advance(10)
    workflow.apply(leader, incident, "close", comment="现场处置结束，转入事故调查")
    return f"{incident.number} 已结束"


def _open_incident(towns) -> None:
    """Received 40 minutes ago: a landslide after rain, not yet responded to — the 初报 clock runs."""
    duty, _ = _users()
    town = next(t for t in towns if t.name == "大围山镇")
    village = Region.objects.filter(parent=town).order_by("code")[2]
    now = timezone.now()
    incident = Incident(
        title=f"{village.name}山体滑坡", event_type="14200", occurred_at=now - datetime.timedelta(minutes=55),
        received_at=now - datetime.timedelta(minutes=40), address=f"{town.name}{village.name}后山",
        region=village, lon=village.centroid_lon, lat=village.centroid_lat, source="public", reporter="村民刘某",
        reporter_phone="13974100002", relocated=36, houses_collapsed=2,
        affected_area=json.dumps({"circle": [round(village.centroid_lon, 6), round(village.centroid_lat, 6), 0.6]}),
        description="连续降雨后后山约 2000 立方米土体滑塌，冲毁 2 间民房，已自行转移群众 36 人，暂无人员伤亡报告。")
    services.intake(duty, incident)
    services.dispatch_team(duty, incident, _nearest_team(incident), minutes=25)  # on its way now


def _nearest_team(incident):
    """The nearest standing-by team, as the crow flies (the map ranks by road; this is only demo data)."""
    from yingji.logistics.network import haversine_m
    from yingji.resources.models import Team

    teams = list(Team.objects.filter(readiness="standby").exclude(lon=None).order_by("pk"))
    km = haversine_m(incident.lon, incident.lat, [t.lon for t in teams], [t.lat for t in teams])
    return teams[int(km.argmin())]
