"""调查评估与复盘 through the API as investigators and evaluators use it: a measure 待落实 → 已落实 → 复核 →
销号 with every refusal (销号 without 复核, the reporter passing its own 复核, wrong role, out of scope,
missing evidence), an investigation refused until its "四不放过" items are written, the periodic jobs with
time moved (逾期, 回头看, overdue drills), the timeline of a review, and a drill evaluated and scored."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone
from docx import Document

from yingji.core.framework.models import ToDo
from yingji.incidents.models import Drill, Incident, Plan, PlanAction, PlanLevel, Report
from yingji.reviews import services
from yingji.reviews.models import DrillAlert, DrillEvaluation, Investigation, Lookback, Measure, Review


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


@pytest.fixture
def accident(tree, orgs):
    at = timezone.now() - datetime.timedelta(days=40)
    return Incident.objects.create(title="大瑶花炮厂爆炸事故", event_type="21500", occurred_at=at, received_at=at,
                                   address="大瑶村", region=tree["va"], organization=orgs["a"], deaths=3,
                                   description="仓库爆炸")


@pytest.fixture
def inv(accident, users):
    return services.created(users["staff"], Investigation(incident=accident, led_by="长沙市人民政府", leader="刘组长",
                                                          members="刘组长", units="市应急管理局"))


def measure(users, inv, orgs, deadline=None, **kw):
    return services.created(users["staff"], Measure(investigation=inv, content="清理超量储存", organization=orgs["a"],
                                                    deadline=deadline or timezone.localdate() + datetime.timedelta(days=30),
                                                    **kw))


def test_measure_to_closed_with_every_refusal(api, users, orgs, inv):
    m = measure(users, inv, orgs)
    url = f"/api/measures/{m.pk}/"
    assert m.state == "pending" and m.region == orgs["a"].region
    assert post(api("staff"), url + "close/").status_code == 409  # 销号 without 复核
    assert post(api("enterprise_a"), url + "close/").status_code == 403  # 销号 is the supervising office's
    assert post(api("township_b"), url + "report-done/", {"evidence": "x"}).status_code == 404  # out of scope
    assert api("township_b").get(url).status_code == 404
    bad = post(api("enterprise_a"), url + "report-done/")
    assert bad.status_code == 400 and "evidence" in bad.json()  # 落实情况及佐证 required
    assert post(api("enterprise_a"), url + "report-done/", {"evidence": "已清理 12 吨"}).json()["state"] == "done"
    assert post(api("enterprise_a"), url + "pass-review/").status_code == 403  # the owner does not verify itself
    assert post(api("staff"), url + "close/").status_code == 409  # still 销号 without 复核
    back = post(api("staff"), url + "return-back/", {"reason": "佐证不足"})
    assert back.json()["state"] == "pending"
    post(api("staff"), url + "report-done/", {"evidence": "补充照片"})  # staff reports for the owner this time …
    refused = post(api("staff"), url + "pass-review/")
    assert refused.status_code == 403 and "职责分离" in refused.json()["detail"]  # … so staff may not verify it
    assert post(api("leader"), url + "pass-review/").json()["state"] == "verified"
    assert post(api("leader"), url + "close/").json()["state"] == "closed"
    m.refresh_from_db()
    assert m.evidence == "补充照片" and m.closed_at is not None
    assert post(api("village_a"), url + "close/").status_code in (403, 404)


def test_investigation_refused_until_four_items_and_a_measure(api, users, orgs, inv):
    url = f"/api/investigations/{inv.pk}/"
    r = post(api("staff"), url + "submit/")
    assert r.status_code == 409 and "事故原因查清" in r.json()["detail"] and "防范措施落实" in r.json()["detail"]
    for name in ("cause_found", "responsible_handled", "people_educated"):
        setattr(inv, name, "已写")
    services.created(users["staff"], inv)
    r = post(api("staff"), url + "submit/")
    assert r.status_code == 409 and r.json()["detail"] == "“四不放过”尚未填写：防范措施落实"
    inv.measures_taken = "见整改措施"
    services.created(users["staff"], inv)
    assert "至少一条" in post(api("staff"), url + "submit/").json()["detail"]
    measure(users, inv, orgs)
    assert post(api("staff"), url + "submit/").json()["state"] == "reported"
    assert post(api("staff"), url + "approve/").status_code == 403  # 批复 is the leader's
    assert post(api("township_b"), url + "approve/").status_code in (403, 404)
    assert post(api("leader"), url + "approve/").json()["state"] == "closed"
    inv.refresh_from_db()
    today = timezone.localdate()
    assert inv.closed_on == today
    assert (inv.lookback_from.year * 12 + inv.lookback_from.month) - (today.year * 12 + today.month) == 10
    assert inv.lookback_due.year == today.year + 1
    report = api("staff").get(url + "documents/report/")
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    assert "事故原因查清" in text and "已写" in text and "回头看" in text


def test_jobs_with_time_moved(users, orgs, inv, tree):
    today = timezone.localdate()
    m = measure(users, inv, orgs, deadline=today + datetime.timedelta(days=5))
    assert services.mark_overdue(today + datetime.timedelta(days=5)) == 0  # due that day: not yet late
    assert services.mark_overdue(today + datetime.timedelta(days=6)) == 1
    m.refresh_from_db()
    assert m.state == "overdue"
    todo = ToDo.objects.get(object_id=str(m.pk), closed_at=None, registry="measures")
    assert todo.label == "整改措施逾期未落实"
    from yingji.core.framework import todos

    assert todos.for_user(users["enterprise_a"]).filter(pk=todo.pk).exists()  # the owner
    assert todos.for_user(users["staff"]).filter(pk=todo.pk).exists()  # the supervising office
    assert not todos.for_user(users["township_b"]).filter(pk=todo.pk).exists()

    Investigation.objects.filter(pk=inv.pk).update(state="closed", closed_on=datetime.date(2025, 1, 10),
                                                   lookback_from=datetime.date(2025, 11, 10),
                                                   lookback_due=datetime.date(2026, 1, 10))
    assert services.open_lookbacks(datetime.date(2025, 11, 9)) == []
    made = services.open_lookbacks(datetime.date(2025, 11, 10))
    assert len(made) == 1 and made[0].due_on == datetime.date(2026, 1, 10)
    assert services.open_lookbacks(datetime.date(2025, 12, 1)) == []  # once
    assert ToDo.objects.filter(registry="investigation-lookbacks", object_id=str(made[0].pk), closed_at=None).exists()
    assert Lookback.objects.get().state == "due"

    plan = Plan.objects.create(name="大瑶花炮厂现场处置方案", kind="onsite", region=tree["va"], organization=orgs["a"],
                               approved_on=datetime.date(2025, 1, 1))
    Drill.objects.create(plan=plan, date=datetime.date(2026, 3, 15), kind="tabletop", scenario="s", participants="p")
    assert services.drill_alerts(datetime.date(2026, 9, 15)) == ([], 0)  # six months: due that day
    made, _ = services.drill_alerts(datetime.date(2026, 9, 16))
    assert [a.due_on for a in made] == [datetime.date(2026, 9, 15)]
    assert services.drill_alerts(datetime.date(2026, 9, 20)) == ([], 0)  # one alert at a time
    alert = DrillAlert.objects.get()
    assert todos.for_user(users["enterprise_a"]).filter(registry="drill-alerts", object_id=str(alert.pk)).exists()
    Drill.objects.create(plan=plan, date=datetime.date(2026, 9, 25), kind="field", scenario="s", participants="p")
    assert services.drill_alerts(datetime.date(2026, 9, 26)) == ([], 1)
    alert.refresh_from_db()
    assert alert.state == "resolved"


def test_review_timeline_from_the_records(api, users, accident):
    sent = accident.received_at + datetime.timedelta(minutes=47)
    Report.objects.create(incident=accident, issuer="浏阳市应急管理局", sent_at=sent, state="sent")
    review = services.created(users["staff"], Review(title="爆炸事故复盘", incident=accident))
    figures = {x["key"]: x["text"] for x in services.assemble(review)["figures"]}
    assert figures["to_report"] == "47 分钟"
    assert figures["to_respond"] == figures["to_arrive"] == figures["relief_hours"] == figures["teams"] == "未记录"
    url = f"/api/reviews/{review.pk}/"
    assert post(api("staff"), url + "finalise/").status_code == 409  # no conclusion yet
    review.conclusion = "上报及时"
    services.created(users["staff"], review)
    assert post(api("staff"), url + "finalise/").json()["state"] == "final"
    review.refresh_from_db()
    assert review.snapshot["figures"][0]["text"] == "47 分钟"
    Report.objects.filter(incident=accident).update(sent_at=sent + datetime.timedelta(hours=1))
    assert services.assemble(review)["figures"][0]["text"] == "47 分钟"  # kept as it was at 定稿
    doc = api("staff").get(url + "documents/report/")
    text = "".join(c.text for t in Document(io.BytesIO(doc.content)).tables for r in t.rows for c in r.cells)
    assert "47 分钟" in text and "未记录" in text


@pytest.fixture
def drill(tree):
    plan = Plan.objects.create(name="危化品事故专项预案", kind="special", region=tree["county"],
                               approved_on=datetime.date(2024, 1, 1),
                               command_structure={"工作组": [{"name": "抢险救援组", "lead": "消防救援大队"}]})
    level = PlanLevel.objects.create(plan=plan, level="IV")
    PlanAction.objects.create(plan_level=level, group="医疗救护组", department_name="卫健局", action="救治伤员",
                              within_minutes=30, position=1)
    return Drill.objects.create(plan=plan, date=datetime.date(2026, 6, 12), kind="field", scenario="爆炸", participants="p")


def test_drill_evaluation_built_from_the_plan_and_scored(api, users, drill):
    ev = services.created(users["staff"], DrillEvaluation(drill=drill, lead_evaluator="周局长"))
    url = f"/api/drill-evaluations/{ev.pk}/"
    assert post(api("staff"), url + "start/").status_code == 409  # no criteria yet
    assert post(api("staff"), url + "build-criteria/").status_code == 200
    sections = list(ev.criteria.values_list("section", "limit_minutes", "weight"))
    assert ("医疗救护组", 30, D("2.0")) in sections and ("抢险救援组", None, D("2.0")) in sections
    assert sections[0] == ("预警与信息报告", 15, D("10.0"))
    assert post(api("staff"), url + "observe/", {"criterion": ev.criteria.first().pk, "score": 80}).status_code == 409
    assert post(api("staff"), url + "start/").json()["state"] == "observing"
    assert post(api("staff"), url + "build-criteria/").status_code == 409  # not once started
    assert post(api("readonly"), url + "observe/", {"criterion": ev.criteria.first().pk, "score": 80}).status_code == 403
    first, medical = ev.criteria.get(position=1), ev.criteria.get(section="医疗救护组")
    assert post(api("staff"), url + "observe/", {"criterion": first.pk, "score": 101}).status_code == 400
    assert post(api("staff"), url + "observe/", {"criterion": first.pk, "score": 80}).status_code == 200
    assert post(api("staff"), url + "observe/", {"criterion": medical.pk, "score": 90}).status_code == 200
    assert post(api("staff"), url + "finish/").json()["state"] == "scored"
    ev.refresh_from_db()
    assert ev.score == D("81.7")  # (10 × 80 + 2 × 90) / 12 = 980 / 12
    assert ev.grade == "良好"
    text = "\n".join(p.text for p in Document(io.BytesIO(api("staff").get(url + "documents/report/").content)).paragraphs)
    assert "AQ/T 9009" in text
