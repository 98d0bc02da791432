"""Plan evaluation as the planning office uses it: series from the platform's records and entered
statistics (the entered figure wins), indicator values, path and lights against hand-computed values,
the computation on the indicator's page, the evaluation report (.docx) and its public comment period,
and a composite index per township."""

from __future__ import annotations

import datetime
import io
import time

import docx
import pytest
from django.core import signing
from django.utils import timezone

from tests.evaluation.conftest import accident, add_stats
from yingji.core.framework import workflow
from yingji.core.framework.statemachine import TransitionError
from yingji.evaluation import public, services
from yingji.evaluation.models import CompositeIndex, PublicComment


def token(seconds=10):
    return signing.dumps(time.time() - seconds, salt="tip-off")


def test_series_take_entered_statistics_first_then_the_records(plan, tree):
    county = tree["county"]
    values, origins = services.series_values(county, ["accident_deaths", "larger_accidents", "gdp"],
                                             [2020, 2021, 2022, 2023])
    assert values["accident_deaths"] == {2020: 30, 2021: 5, 2022: 3, 2023: 0}
    assert origins["accident_deaths"][2020].startswith("录入：2020年统计") and origins["accident_deaths"][2021] == "平台记录"
    assert values["larger_accidents"] == {2020: 2, 2021: 1, 2022: 0, 2023: 0}
    assert 2023 not in values["gdp"]  # not entered: missing, never zero
    add_stats(county, "accident_deaths", {2022: 4}, source="统计局核定数")
    assert services.series_values(county, ["accident_deaths"], [2022])[0]["accident_deaths"] == {2022: 4}
    town, _ = services.series_values(tree["a"], ["accident_deaths"], [2021, 2022])
    assert town["accident_deaths"] == {2021: 3, 2022: 1}  # 大瑶镇's own incidents


def test_indicator_values_path_and_lights(plan):
    results = {r.indicator.seq: r for r in services.plan_results(plan["plan"], until=2022)}
    gdp = results[1]
    # base 30/1000 = 0.03; goal 0.03 × 0.67 = 0.0201; path 2021 = 0.03 − 0.0099/5 = 0.02802
    assert gdp.base == pytest.approx(0.03) and gdp.goal == pytest.approx(0.0201)
    y2021, y2022 = gdp.rows[1], gdp.rows[2]
    assert y2021.value == pytest.approx(5 / 1100) and y2021.path == pytest.approx(0.02802) and y2021.light == "green"
    assert y2022.value == pytest.approx(3 / 1250)
    rate = results[2]
    # 4 / 200000 × 1e5 = 2.0 at the base; 2021: 3/200000 × 1e5 = 1.5, path 2.0 − 0.5/5 = 1.9 → green
    assert rate.base == pytest.approx(2.0) and rate.rows[1].value == pytest.approx(1.5)
    assert rate.rows[1].path == pytest.approx(1.9) and rate.rows[1].light == "green"
    # 2022: 1/250000 × 1e5 = 0.4
    assert rate.rows[2].value == pytest.approx(0.4) and rate.rows[2].met
    larger = results[3]
    # base 2, −50 % → 1; path 2021 = 1.8; 1 accident → green; progress (1−2)/(1−2) = 100 %
    assert larger.goal == pytest.approx(1) and larger.rows[1].progress_pct == pytest.approx(100)


def test_the_indicator_page_shows_its_computation(plan, web):
    page = web("staff").get(f"/registry/plan-indicators/{plan['rate'].pk}/").content.decode()
    assert "（工矿商贸事故死亡人数）÷（工矿商贸就业人员） × 100,000" in page
    assert "2021年：3 ÷ 200,000 × 100,000 = 1.5人/十万人" in page
    assert "2020年 4（录入：2020年统计（测试））" in page and "2021年 3（平台记录）" in page
    monitor = web("township_a").get(f"/evaluation/plans/{plan['plan'].pk}/").content.decode()
    assert "亿元GDP生产安全事故死亡率" in monitor and "较基期下降33%" in monitor


def test_formula_names_only_known_series(plan, api):
    response = api("staff").post("/api/plan-indicators/", {
        "plan": plan["plan"].pk, "name": "错", "numerator": ["no_such"], "target_kind": "at_most", "target_value": "1"},
        format="json")
    assert response.status_code == 400 and "no_such" in str(response.json()["numerator"])


def test_mid_term_report_public_comment_and_final(plan, users, api, client, monkeypatch):
    mid = plan["mid"]
    assert api("staff").post(f"/api/plan-evaluations/{mid.pk}/open-comment/", {}, format="json").status_code in (400, 409)
    response = api("staff").post(f"/api/plan-evaluations/{mid.pk}/compute/", {}, format="json")
    assert response.status_code == 200 and response.json()["indicators"] == 3
    mid.refresh_from_db()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(
        api("staff").get(f"/api/plan-evaluations/{mid.pk}/documents/report/").content)).paragraphs)
    assert "中期评估（数据截至2022年）" in text and "规划共设指标3项" in text
    assert "亿元GDP生产安全事故死亡率（人/亿元）= （生产安全事故死亡人数）÷（地区生产总值）" in text
    assert api("township_a").post(f"/api/plan-evaluations/{mid.pk}/compute/", {}, format="json").status_code == 403
    today = timezone.localdate()
    mid.comment_from, mid.comment_until = today - datetime.timedelta(days=1), today + datetime.timedelta(days=10)
    mid.save()
    workflow.apply(users["staff"], mid, "open_comment")
    with pytest.raises(TransitionError):
        services.generate(users["staff"], mid)  # the figures are frozen once published
    listed = client.get("/public/plan-evaluations/").content.decode()
    assert mid.title in listed
    url = f"/public/plan-evaluations/{mid.pk}/"
    assert client.post(url, {"token": public.form_token(), "website": "", "text": "建议增加社区演练"}).status_code == 400
    ok = client.post(url, {"token": token(), "website": "", "text": "建议增加社区演练", "contact": "13800000000"})
    assert ok.status_code == 302 and PublicComment.objects.get().text == "建议增加社区演练"
    monkeypatch.setattr(public, "PER_CLIENT_PER_HOUR", 1)
    assert client.post(url, {"token": token(), "website": "", "text": "再提一条意见"}).status_code == 429
    with pytest.raises(TransitionError, match="期满后才能定稿"):
        workflow.apply(users["staff"], mid, "finalise")
    # comments' contacts are the planning office's only
    assert api("readonly").get("/api/plan-comments/").json()["results"][0]["contact"] == "***"


def test_composite_index_per_township(plan, tree, users):
    year = timezone.localdate().year
    add_stats(tree["a"], "population", {year: 80000})
    add_stats(tree["b"], "population", {year: 50000})
    accident(tree["va"], year, 4)
    accident(tree["vb"], year, 1)
    index = CompositeIndex.objects.create(name="安全发展指数", region=tree["county"], source="测试权重", components=[
        {"key": "rate", "label": "十万人死亡率", "weight": 0.6, "higher_is_better": False,
         "numerator": ["accident_deaths"], "denominator": ["population"], "factor": 100000},
        {"key": "larger", "label": "较大事故起数", "weight": 0.4, "higher_is_better": False,
         "numerator": ["larger_accidents"]}])
    index.full_clean()
    towns, scores, inputs = services.index_scores(index, [year])
    # 大瑶镇: 4/80000 × 1e5 = 5 and 1 larger; 金刚镇: 2 and 0 → 金刚镇 best (100), 大瑶镇 0
    assert inputs[year]["430181110"] == {"rate": pytest.approx(5.0), "larger": 1}
    assert [(s.unit, round(s.index, 6), s.rank) for s in scores[year]] == [("430181111", 100, 1), ("430181110", 0, 2)]
    from yingji.core.directory.api import RegionRef

    refs = [RegionRef(t.pk, t.path) for t in towns]
    assert services.region_attribute(users["staff"], refs, index=str(index.pk)) == {tree["b"].pk: 100.0,
                                                                                     tree["a"].pk: 0.0}
    bad = CompositeIndex(name="x", region=tree["county"], source="s", components=[{"key": "k", "label": "l", "weight": 0,
                                                                                     "numerator": ["gdp"]}])
    with pytest.raises(Exception, match="权重应为正数"):
        bad.full_clean()
