"""The demo county's 灾情 (a step of ``yingji.core.framework.demo.load``): a past flood in three
townships with its full chain 初报 → 续报 ×2 → 核报 run through the real services, named lists, one
township late with its figures; and a landslide this hour with its 初报 due, clock running."""

from __future__ import annotations

import datetime

from django.utils import timezone

# Per township and round (初报, 续报1, 续报2, 核报): 受灾人口, 紧急转移安置 (集中, 分散), 倒塌房屋 (间, 户),
# 农作物受灾 / 成灾 / 绝收 (公顷), 直接经济损失 (万元). The 核报's 受灾人口 of 永安镇 falls (重复统计核减, explained).
FLOOD = {
    "大瑶镇": [(3200, 420, 300, 120, 6, 3, 180, 90, 20, 860), (5100, 680, 480, 200, 11, 5, 260, 140, 35, 1350),
            (5600, 720, 500, 220, 12, 5, 300, 160, 40, 1520), (5600, 720, 500, 220, 12, 5, 310, 165, 42, 1580)],
    "永安镇": [(1800, 210, 150, 60, 2, 1, 90, 40, 8, 310), (2600, 300, 200, 100, 4, 2, 120, 60, 12, 480),
            (2900, 330, 220, 110, 4, 2, 130, 66, 13, 520), (2750, 330, 220, 110, 4, 2, 130, 66, 13, 530)],
    "官渡镇": [(900, 80, 50, 30, 1, 1, 40, 18, 3, 120), (1500, 160, 100, 60, 2, 1, 60, 28, 5, 210),
            (1700, 170, 100, 70, 2, 1, 66, 30, 5, 230), (1700, 170, 100, 70, 2, 1, 66, 30, 5, 236)],
}
LATE = "官渡镇"  # reported its figures after the township's hour
DEAD = [("大瑶镇", "张某某", "43018119620315001", "dead"), ("大瑶镇", "李某某", "43018119781102002", "missing")]
TEXT = {"background": "受强降雨影响，浏阳河上游水位快速上涨。", "course": "6 月 18 日 20 时起普降暴雨，局地大暴雨。",
        "features": "降雨集中、洪水来势猛，山区乡镇受灾重。", "trend": "雨带东移，水位回落。",
        "relief": "启动Ⅳ级救灾应急响应，转移安置群众，下拨救灾物资。", "needs": "需帐篷、折叠床和饮用水。",
        "next_steps": "继续核查灾情，做好过渡期生活救助。"}


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.disasters import officer_demo

    officer_demo.load(ctx)  # the 灾害信息员 network first (officer_demo.py)
    staff = get_user_model().objects.get(username="staff")
    county = ctx.towns[0].parent
    flood = _flood(staff, county, {t.name: t for t in ctx.towns})
    slide = _landslide(staff, county, {t.name: t for t in ctx.towns})
    ctx.lines.append(f"灾情报送：{flood.name}（初报、续报 2 次、核报，官渡镇迟报）；{slide.name}（初报待报，时限计时中）")


def _figures(row) -> dict:
    from decimal import Decimal

    people, relocated, concentrated, dispersed, rooms, households, affected, damaged, lost, loss = row
    return {"affected_population": people, "relocated_total": relocated, "relocated_concentrated": concentrated,
            "relocated_dispersed": dispersed, "relocated_current": relocated // 3, "houses_collapsed_rooms": rooms,
            "houses_collapsed_households": households, "crop_affected_area": Decimal(affected),
            "crop_damaged_area": Decimal(damaged), "crop_lost_area": Decimal(lost),
            "direct_loss": Decimal(loss) * 10000}


def _flood(staff, county, towns):
    from yingji.core.framework import workflow
    from yingji.disasters import services
    from yingji.disasters.models import CasualtyRow, DisasterDeadline, DisasterEvent, DisasterReport, HouseholdRow

    learned = timezone.now() - datetime.timedelta(days=40)
    event = DisasterEvent.objects.create(
        name=f"{timezone.localtime(learned):%Y年%m月}浏阳市暴雨洪涝灾害", disaster_type="flood",
        onset_date=timezone.localdate(learned),
        learned_at=learned, region=county, description="持续强降雨引发山洪和内涝，大瑶镇、永安镇、官渡镇受灾。")
    event.townships.set([towns[name] for name in FLOOD])
    from yingji.core.directory.codes import id_number_check_char

    for town, name, first17, status in DEAD:
        id_number = first17 + id_number_check_char(first17)  # made-up people, valid numbers
        CasualtyRow.objects.create(event=event, region=towns[town], name=name, id_number=id_number, status=status,
                                   gender="male" if id_number[16] in "13579" else "female",
                                   occurred_on=timezone.localdate(learned), place=f"{town}山洪沟", cause="山洪冲走")
    times = [learned + datetime.timedelta(hours=h) for h in (1.5, 26, 98, 24 * 12)]
    for round_no, kind in enumerate(("initial", "followup", "followup", "final")):
        if kind == "final":
            workflow.apply(staff, event, "declare_stable", comment="雨情结束，洪水退去，灾情基本稳定")
            DisasterEvent.objects.filter(pk=event.pk).update(stable_at=times[3] - datetime.timedelta(days=2))
            event.refresh_from_db()
            for name, households in (("大瑶镇", 5), ("永安镇", 2), ("官渡镇", 1)):
                for n in range(households):
                    HouseholdRow.objects.create(event=event, region=towns[name], name=f"{name[:1]}某{n + 1}",
                                                damage="collapsed", rooms=2, address=f"{name}某村{n + 1}组")
        county_report = services.open_report(staff, event, kind)
        for town_report in county_report.entries.order_by("unit_code"):
            figures = _figures(FLOOD[town_report.unit_name][round_no])
            if town_report.unit_name == "大瑶镇":
                figures.update(deaths=1, missing=1)
            explain = {}
            if kind == "final" and town_report.unit_name == "永安镇":
                explain = {"explain_affected_population__永安镇": "核查发现 150 人重复统计，已核减"}
            services.submit(staff, town_report, figures, explanations=explain)
        services.roll_up(staff, county_report)
        # the 核报's total falls with 永安镇's correction: explained at the county too
        county_explain = {"explain_affected_population": "永安镇核减重复统计 150 人"} if kind == "final" else {}
        services.submit(staff, county_report, None, TEXT, county_explain)
        when = times[round_no]
        DisasterReport.objects.filter(pk=county_report.pk).update(submitted_at=when)
        for town_report in county_report.entries.all():
            late = town_report.unit_name == LATE and round_no == 0
            at = learned + datetime.timedelta(hours=1.6 if late else 0.8) if round_no == 0 else when
            DisasterReport.objects.filter(pk=town_report.pk).update(submitted_at=at)
            if round_no == 0:
                DisasterDeadline.objects.filter(event=event, key=f"township:{town_report.unit_name}").update(done_at=at)
    _settle(event, times)
    return event


def _settle(event, times) -> None:
    """Set the chain's clocks to when the reports were sent, weeks ago."""
    from yingji.disasters.models import DisasterDeadline

    sent = {"initial:county": times[0], "followup-1": times[1], "followup-2": times[2], "final:county": times[3]}
    for key, at in sent.items():
        DisasterDeadline.objects.filter(event=event, key=key).update(done_at=at)
    DisasterDeadline.objects.filter(event=event, done_at__isnull=True).delete()
    DisasterDeadline.objects.filter(event=event, key="followup-1").update(due_at=times[0] + datetime.timedelta(days=7))
    DisasterDeadline.objects.filter(event=event, key="followup-2").update(due_at=times[1] + datetime.timedelta(days=7))


def _landslide(staff, county, towns):
    from yingji.disasters import services
    from yingji.disasters.models import DisasterEvent

    learned = timezone.now() - datetime.timedelta(minutes=40)
    event = DisasterEvent.objects.create(
        name=f"{timezone.localtime(learned):%Y年%m月%d日}张坊镇山体滑坡", disaster_type="landslide",
        onset_date=timezone.localdate(learned),
        learned_at=learned, region=county, description="张坊镇一处山体滑坡，冲毁部分房屋和道路，正在核查。")
    town = towns.get("张坊镇") or next(iter(towns.values()))
    event.townships.set([town])
    county_report = services.open_report(staff, event, "initial")
    county_report.figures = services.to_stored({"affected_population": 46, "emergency_avoidance": 46})
    county_report.course = "今晨 5 时许山体滑坡，冲毁民房 2 栋。"
    county_report.save()
    return event
