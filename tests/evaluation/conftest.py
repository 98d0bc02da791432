import datetime
from decimal import Decimal

import pytest
from django.utils import timezone


def add_stats(region, code, by_year, source="浏阳市统计公报（测试）"):
    from yingji.evaluation.models import BaseStatistic

    for year, value in by_year.items():
        BaseStatistic.objects.create(region=region, year=year, code=code, value=Decimal(str(value)), source=source)


def accident(region, year, deaths, event_type="22100", month=3):
    from yingji.incidents.models import Incident

    at = timezone.make_aware(datetime.datetime(year, month, 5, 10))
    return Incident.objects.create(title=f"事故{year}-{month}", event_type=event_type, occurred_at=at, received_at=at,
                                   address="测试地点", region=region, deaths=deaths, state="closed", description="测试")


@pytest.fixture
def plan(tree, users):
    """A 2021–2025 plan (base 2020) of the county: deaths per 亿元 GDP (−33 %), deaths per 100 000
    employees of 工矿商贸 (≤ 1.5), 较大以上事故起数 (−50 %); 2020 entered, later years from incidents."""
    from yingji.evaluation.models import DevelopmentPlan, Evaluation, PlanIndicator

    county = tree["county"]
    add_stats(county, "gdp", {2020: 1000, 2021: 1100, 2022: 1250})
    add_stats(county, "employees_industry", {2020: 200000, 2021: 200000, 2022: 250000})
    add_stats(county, "accident_deaths", {2020: 30}, source="2020年统计（测试）")
    add_stats(county, "industry_deaths", {2020: 4}, source="2020年统计（测试）")
    add_stats(county, "larger_accidents", {2020: 2}, source="2020年统计（测试）")
    accident(tree["va"], 2021, 3, "21500")  # 较大 (3 dead), 工矿商贸
    accident(tree["vb"], 2021, 2)
    accident(tree["va"], 2022, 1, "21300")
    accident(tree["vb"], 2022, 2, month=7)
    p = DevelopmentPlan.objects.create(title="浏阳市“十四五”应急体系规划", region=county, issuer="浏阳市人民政府",
                                       period_start=2021, period_end=2025, base_year=2020)
    gdp = PlanIndicator.objects.create(plan=p, seq=1, name="亿元GDP生产安全事故死亡率", unit="人/亿元",
                                       numerator=["accident_deaths"], denominator=["gdp"], target_kind="change_pct",
                                       target_value=Decimal("-33"), binding="binding", owner="市应急管理局")
    rate = PlanIndicator.objects.create(plan=p, seq=2, name="工矿商贸就业人员十万人生产安全事故死亡率", unit="人/十万人",
                                        numerator=["industry_deaths"], denominator=["employees_industry"],
                                        factor=Decimal("100000"), target_kind="at_most", target_value=Decimal("1.5"))
    larger = PlanIndicator.objects.create(plan=p, seq=3, name="较大以上生产安全事故起数", unit="起",
                                          numerator=["larger_accidents"], target_kind="change_pct",
                                          target_value=Decimal("-50"))
    mid = Evaluation.objects.create(plan=p, kind="midterm", year=2022, title="浏阳市“十四五”应急体系规划中期评估报告",
                                    summary="总体顺利。")
    return {"plan": p, "gdp": gdp, "rate": rate, "larger": larger, "mid": mid}
