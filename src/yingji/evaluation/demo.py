"""The demo county's plan evaluation (a step of ``yingji.core.framework.demo.load``): the county's
“十四五”应急体系规划 (2021–2025, base 2020) with the indicator table local plans carry, key projects and
tasks; the yearly base statistics with their (demonstration) sources; the platform's history for the
period — closed production-safety accidents, marked as demonstration data imported from before the
platform — and the years' disaster 核报 figures entered; a mid-term evaluation (2023, final) and the
final evaluation (2025) out for public comment; and the 安全发展指数 / 防汛防台综合指数 per township.

Every figure here is demonstration data (未核实). Targets follow the national 十四五 plan's ratios as
held from memory (国发〔2021〕36号 and the 国家综合防灾减灾规划), each marked unconfirmed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

SOURCE = "浏阳市统计公报（演示数据，未核实）"
BUREAU = "浏阳市应急管理局年度统计（演示数据，未核实）"
# year: (accident deaths, of which 工矿商贸, 较大以上起数); 2020 is entered, 2021–2025 are records
ACCIDENTS = {2020: (30, 9, 3), 2021: (27, 8, 2), 2022: (25, 7, 2), 2023: (24, 8, 1), 2024: (21, 6, 1), 2025: (19, 5, 1)}
# year: (affected people, deaths, missing, direct loss 万元) of the year's flood; 2020 entered
DISASTERS = {2020: (180000, 2, 1, 45000), 2021: (36000, 0, 0, 8200), 2022: (52000, 1, 0, 32000),
             2023: (28000, 0, 0, 6100), 2024: (61000, 2, 0, 27500), 2025: (22000, 0, 0, 5400)}
COUNTY_STATS = {  # code: {year: value}
    "gdp": dict(zip(range(2020, 2026), (1561, 1702, 1781, 1862, 1948, 2041), strict=True)),
    "population": dict(zip(range(2020, 2026), (1431000, 1436000, 1440000, 1443000, 1447000, 1450000), strict=True)),
    "employees_industry": dict(zip(range(2020, 2026), (352000, 358000, 361000, 366000, 370000, 372000), strict=True)),
    "vehicles": dict(zip(range(2020, 2026), (352000, 381000, 405000, 428000, 452000, 471000), strict=True)),
    "forest_area_ha": {y: 331000 for y in range(2020, 2026)},
    "forest_fire_area_ha": dict(zip(range(2020, 2026), (420, 260, 380, 150, 90, 70), strict=True)),
    "key_firms": dict(zip(range(2020, 2026), (1200, 1215, 1230, 1238, 1246, 1250), strict=True)),
    "key_firms_insured": dict(zip(range(2020, 2026), (780, 870, 960, 1040, 1110, 1150), strict=True)),
}
BUREAU_STATS = {  # series the platform counts today, entered for the years before it
    "relief_hours": dict(zip(range(2020, 2026), (14, 12, 11, 10, 9.5, 8), strict=True)),
    "fire5_coverage": dict(zip(range(2020, 2026), (58, 61, 64, 66, 70, 72), strict=True)),
}
OFFICER_SHARE = dict(zip(range(2020, 2026), (0.80, 0.86, 0.91, 0.95, 0.98, 1.0), strict=True))
NATIONAL = "参照《“十四五”国家应急体系规划》（国发〔2021〕36号）同类指标（按记忆，未核对原文）"
DISASTER_PLAN = "参照《“十四五”国家综合防灾减灾规划》同类指标（按记忆，未核对原文）"
INDICATORS = [
    # (area, name, unit, numerator, denominator, factor, aggregate, kind, target, binding, owner, basis)
    ("安全生产", "亿元GDP生产安全事故死亡率", "人/亿元", ["accident_deaths"], ["gdp"], 1, "year", "change_pct", -33,
     "binding", "市应急管理局", NATIONAL),
    ("安全生产", "工矿商贸就业人员十万人生产安全事故死亡率", "人/十万人", ["industry_deaths"], ["employees_industry"], 100000,
     "year", "change_pct", -20, "binding", "市应急管理局", NATIONAL),
    ("安全生产", "较大以上生产安全事故起数", "起", ["larger_accidents"], [], 1, "year", "change_pct", -20, "binding",
     "市安委会各成员单位", "参照国家规划“重特大事故起数下降20%”，县级按较大以上事故（未核实）"),
    ("防灾减灾", "年均因自然灾害直接经济损失占GDP比例", "%", ["disaster_loss_wan"], ["gdp"], Decimal("0.01"), "period",
     "at_most", 1, "expected", "市减灾委各成员单位", NATIONAL + "；万元÷亿元×0.01 即为百分比"),
    ("防灾减灾", "年均每百万人口因自然灾害死亡率", "人/百万人", ["disaster_deaths_missing"], ["population"], 1000000,
     "period", "at_most", 1, "expected", "市减灾委各成员单位", NATIONAL + "；死亡含失踪"),
    ("防灾减灾", "受灾人员基本生活得到有效救助的时间", "小时", ["relief_hours"], [], 1, "year", "at_most", 10, "binding",
     "市应急管理局", DISASTER_PLAN),
    ("防灾减灾", "森林火灾受害率", "‰", ["forest_fire_area_ha"], ["forest_area_ha"], 1000, "year", "at_most",
     Decimal("0.9"), "binding", "市林业局", "参照全国森林防火规划“森林火灾受害率控制在0.9‰以内”（未核实）"),
    ("应急救援", "消防救援5分钟响应覆盖率", "%", ["fire5_coverage"], [], 1, "year", "at_least", 75, "expected",
     "市消防救援大队", "平台覆盖分析的规划指标口径（≥75%，未核实）"),
    ("基层基础", "每个城乡社区灾害信息员≥1名（覆盖率）", "%", ["villages_with_officer"], ["villages"], 100, "year",
     "at_least", 100, "binding", "市应急管理局", "应急〔2020〕11号：每个城乡社区至少1名灾害信息员（未核实）"),
    ("基层基础", "重点行业安全生产责任险投保率", "%", ["key_firms_insured"], ["key_firms"], 100, "year", "at_least",
     100, "expected", "市应急管理局、市金融办", "《安全生产责任保险实施办法》高危行业领域应投保（目标值未核实）"),
]
PROJECTS = [
    ("应急指挥能力提升工程", "市应急指挥中心及融合通信平台", "市应急管理局", 2021, 2023, 3800, "done", 100),
    ("应急物资保障工程", "市级应急物资储备库（二期）", "市发改局、市应急管理局", 2022, 2024, 5200, "done", 100),
    ("森林防灭火工程", "森林火情视频监控和防火道路", "市林业局", 2021, 2025, 4600, "building", 85),
    ("防灾减灾工程", "地质灾害隐患点专业监测预警", "市自然资源局", 2022, 2025, 2100, "building", 70),
    ("基层应急能力工程", "乡镇（街道）应急管理标准化建设", "各乡镇（街道）", 2021, 2025, 1800, "delayed", 55),
]
TASKS = [
    ("建成覆盖市、乡、村三级的应急指挥信息网", "市应急管理局", datetime.date(2023, 12, 31), "done", datetime.date(2023, 11, 20)),
    ("危险化学品和烟花爆竹企业安全风险监测预警全覆盖", "市应急管理局", datetime.date(2024, 6, 30), "done",
     datetime.date(2024, 5, 28)),
    ("每个村（社区）配备灾害信息员并完成轮训", "市应急管理局、各乡镇（街道）", datetime.date(2025, 6, 30), "done",
     datetime.date(2025, 6, 12)),
    ("完成第一次全国自然灾害综合风险普查成果应用", "市应急管理局", datetime.date(2025, 12, 31), "open", None),
    ("乡镇（街道）应急队伍标准化建设全部达标", "各乡镇（街道）", datetime.date(2025, 10, 31), "open", None),
]


def _history(ctx, county):
    """Closed accidents for 2021–2025 (demonstration data imported from before the platform). The
    years' disaster losses are entered statistics instead (a second flood event would be a second
    county 灾情事件 of the same type, which the other apps' demo expects one of)."""
    from yingji.incidents.models import Incident

    rng = ctx.rng
    made = 0
    for year in range(2021, 2026):
        deaths, industry, larger = ACCIDENTS[year]
        plan = []  # (event type, deaths, what)
        for n in range(larger):
            plan.append(("21500" if n == 0 and industry >= 3 else "22100", 3, "较大事故"))
        industry_left = industry - sum(d for t, d, _ in plan if t.startswith("21"))
        plan += [(rng.choice(("21300", "21600", "21700")), 1, "一般事故") for _ in range(industry_left)]
        left = deaths - sum(d for _, d, _ in plan)
        while left > 0:
            d = 2 if left >= 2 and rng.random() < 0.3 else 1
            plan.append(("22100", d, "道路交通事故"))
            left -= d
        for n, (kind, d, what) in enumerate(plan):
            village = rng.choice(ctx.villages)
            at = timezone.make_aware(datetime.datetime(year, 1 + (n * 7) % 12, 1 + (n * 11) % 27, 9 + n % 10, 15))
            Incident.objects.create(
                title=f"{village.parent.name}{village.name}{what}（{year}年）", event_type=kind, occurred_at=at,
                received_at=at + datetime.timedelta(minutes=25), address=f"{village.parent.name}{village.name}",
                region=village, source="phone", deaths=d, state="closed",
                description=f"{what}，造成 {d} 人死亡。（演示数据：平台启用前的历史事故，按年度统计补录）")
            made += 1
    return made


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.models import Region
    from yingji.evaluation import services
    from yingji.evaluation.models import (
        BaseStatistic,
        CompositeIndex,
        DevelopmentPlan,
        Evaluation,
        PlanIndicator,
        PlanProject,
        PlanTask,
    )

    if not ctx.towns or not ctx.villages:
        return
    staff = get_user_model().objects.get(username="staff")
    county = ctx.towns[0].parent
    accidents = _history(ctx, county)
    stats = []
    for code, by_year in COUNTY_STATS.items():
        stats += [BaseStatistic(region=county, year=y, code=code, value=Decimal(str(v)), source=SOURCE)
                  for y, v in by_year.items()]
    for code, by_year in BUREAU_STATS.items():
        stats += [BaseStatistic(region=county, year=y, code=code, value=Decimal(str(v)), source=BUREAU)
                  for y, v in by_year.items()]
    n_villages = Region.objects.filter(level="village", path__startswith=county.path).count()
    for y, share in OFFICER_SHARE.items():
        stats += [BaseStatistic(region=county, year=y, code="villages", value=n_villages, source=BUREAU),
                  BaseStatistic(region=county, year=y, code="villages_with_officer", value=round(n_villages * share),
                                source=BUREAU)]
    deaths, industry, larger = ACCIDENTS[2020]
    affected, dead, missing, loss = DISASTERS[2020]
    for code, v in (("accident_deaths", deaths), ("industry_deaths", industry), ("larger_accidents", larger)):
        stats.append(BaseStatistic(region=county, year=2020, code=code, value=v, source=BUREAU,
                                   note="基期年，平台启用前"))
    for year, (affected, dead, missing, loss) in DISASTERS.items():  # the years' 核报, before the platform
        figures = (("disaster_deaths_missing", dead + missing), ("disaster_affected", affected),
                   ("disaster_loss_wan", loss))
        stats += [BaseStatistic(region=county, year=year, code=code, value=v,
                                source="历年自然灾害核报（演示数据，未核实）") for code, v in figures]
    this_year = timezone.localdate().year
    for town in ctx.towns:  # the townships' population for the indices (the register's figure each year)
        stats += [BaseStatistic(region=town, year=y, code="population", value=town.population or 0,
                                source="乡镇（街道）常住人口（区划登记，演示数据）") for y in range(this_year - 4, this_year + 1)]
    BaseStatistic.objects.bulk_create(stats)

    plan = DevelopmentPlan.objects.create(
        title=f"{county.name}“十四五”应急体系规划", region=county, issuer=f"{county.name}人民政府",
        document_number="浏政发〔2021〕（演示）", period_start=2021, period_end=2025, base_year=2020,
        lead_office="市应急管理局规划科", created_by=staff,
        note="演示数据：规划文本、基期值和目标值为示例，目标参照国家和湖南省“十四五”规划同类指标，均未核实。")
    for seq, (area, name, unit, num, den, factor, agg, kind, target, binding, owner, basis) in enumerate(INDICATORS, 1):
        PlanIndicator.objects.create(plan=plan, seq=seq, area=area, name=name, unit=unit, numerator=num, denominator=den,
                                     factor=Decimal(str(factor)), aggregate=agg, target_kind=kind,
                                     target_value=Decimal(str(target)), binding=binding, owner=owner,
                                     target_source=basis)
    for programme, name, owner, start, end, wan, state, pct in PROJECTS:
        PlanProject.objects.create(plan=plan, programme=programme, name=name, owner=owner, start_year=start,
                                   end_year=end, investment_cny=Decimal(wan) * 10000, state=state, progress_pct=pct)
    for title, owner, due, state, done in TASKS:
        PlanTask.objects.create(plan=plan, title=title, owner=owner, due_on=due, state=state, done_on=done)
    today = timezone.localdate()
    mid = Evaluation.objects.create(
        plan=plan, kind="midterm", year=2023, title=f"{plan.title}中期评估报告", created_by=staff,
        summary="规划实施总体顺利，安全生产主要指标好于直线进度，森林火灾受害率和消防5分钟覆盖率仍需加力。",
        problems="基层应急能力标准化建设进度滞后；消防站点布局与城镇扩张不匹配。",
        next_steps="加快乡镇应急管理标准化建设；新建两座小型消防站。")
    services.generate(staff, mid)
    mid.state = "final"
    mid.save(update_fields=["state"])
    final = Evaluation.objects.create(
        plan=plan, kind="final", year=2025, title=f"{plan.title}实施情况总结评估报告（征求意见稿）", created_by=staff,
        summary="“十四五”规划确定的主要指标大部分完成，详见指标表。", comment_from=today - datetime.timedelta(days=5),
        comment_until=today + datetime.timedelta(days=25))
    services.generate(staff, final)
    final.state = "comment"
    final.save(update_fields=["state"])

    safety = [
        {"key": "deaths_rate", "label": "十万人生产安全事故死亡率", "weight": 0.3, "higher_is_better": False,
         "numerator": ["accident_deaths"], "denominator": ["population"], "factor": 100000},
        {"key": "larger", "label": "较大以上事故起数", "weight": 0.2, "higher_is_better": False,
         "numerator": ["larger_accidents"]},
        {"key": "disaster_rate", "label": "百万人因灾死亡失踪率", "weight": 0.2, "higher_is_better": False,
         "numerator": ["disaster_deaths_missing"], "denominator": ["population"], "factor": 1000000},
        {"key": "officers", "label": "灾害信息员覆盖率", "weight": 0.15, "numerator": ["villages_with_officer"],
         "denominator": ["villages"], "factor": 100, "lo": 0, "hi": 100},
        {"key": "fire5", "label": "消防5分钟覆盖率", "weight": 0.15, "numerator": ["fire5_coverage"], "lo": 0, "hi": 100},
    ]
    flood = [
        {"key": "affected", "label": "受灾人口占比（%）", "weight": 0.3, "higher_is_better": False,
         "numerator": ["disaster_affected"], "denominator": ["population"], "factor": 100},
        {"key": "loss", "label": "人均直接经济损失（元/人）", "weight": 0.3, "higher_is_better": False,
         "numerator": ["disaster_loss_wan"], "denominator": ["population"], "factor": 10000},
        {"key": "dead", "label": "因灾死亡失踪人数", "weight": 0.2, "higher_is_better": False,
         "numerator": ["disaster_deaths_missing"]},
        {"key": "officers", "label": "灾害信息员覆盖率", "weight": 0.2, "numerator": ["villages_with_officer"],
         "denominator": ["villages"], "factor": 100, "lo": 0, "hi": 100},
    ]
    CompositeIndex.objects.create(
        name="安全发展指数", region=county, components=safety,
        source="平台示例权重（未核实）：构成项参照《国家安全发展示范城市评价细则》的事故、灾害、基层和救援类指标选取，"
               "未找到可核对的县级乡镇权重方案",
        note="各项按乡镇之间最小—最大值换算（覆盖率按 0–100%），缺数据的项不计。")
    CompositeIndex.objects.create(
        name="防汛防台综合指数", region=county, components=flood,
        source="平台示例权重（未核实）：暂无公开的县级防汛防台综合指数权重方案",
        note="以灾情核报的受灾人口、直接经济损失、死亡失踪和灾害信息员覆盖率综合评价各乡镇防汛防台成效。")
    ctx.facts.append(f"1 部规划（{len(INDICATORS)} 项指标）")
    ctx.lines.append(f"规划评估：{plan.title}，{len(INDICATORS)} 项指标按直线进度亮灯；"
                     f"补录 {accidents} 起历史事故和历年灾情核报数；中期评估已定稿，"
                     f"总结评估公开征求意见至 {final.comment_until:%Y-%m-%d}")
