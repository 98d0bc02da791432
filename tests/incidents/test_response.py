"""The response module through its services: intake, grade and re-grade, clocks, reports and their
checklist, plan matching and activation, tasks, level changes, closing, scope."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from docx import Document

from yingji.core.framework import workflow
from yingji.core.framework.operations import Conflict
from yingji.core.models import Notification
from yingji.incidents import services
from yingji.incidents.models import Incident, Report, Task
from yingji.incidents.tasks import plan_revisions, reporting_clocks


def test_intake_grades_starts_the_clocks_and_writes_the_timeline_and_duty_log(make_incident, users):
    incident = make_incident()
    assert incident.number.startswith("SJ") and incident.state == "received"
    assert (incident.grade, incident.grade_label) == ("general", "一般事故")
    clocks = list(incident.deadlines.values_list("key", "due_at"))
    # 一般事故 goes up to the districted city: county within 1 h, city 2 h after that.
    assert clocks == [("county", incident.received_at + datetime.timedelta(hours=1)),
                      ("city", incident.received_at + datetime.timedelta(hours=3))]
    assert [e.kind for e in incident.timeline.all()] == ["intake", "grade"]
    assert incident.duty_logs.get().kind == "call_in"
    # The leader in scope is told at once.
    assert Notification.objects.filter(user=users["leader"], title__contains="大瑶花炮厂爆炸").exists()


def test_more_deaths_in_a_followup_raise_the_grade_and_extend_the_clocks(make_incident, duty):
    incident = make_incident(deaths=1)
    report = services.draft_report(duty, incident, "initial")
    report.unit_profile, report.scene, report.casualties_confirmed = "花炮厂", "工房垮塌", True
    report.direct_loss_cny, report.measures = Decimal("500000"), "停产疏散"
    report.save()
    workflow.apply(duty, report, "send")
    follow = services.draft_report(duty, incident, "followup")
    assert (follow.kind, follow.sequence, follow.unit_profile) == ("followup", 2, "花炮厂")  # text carried over
    follow.deaths, follow.casualties_confirmed = 3, True
    follow.save()
    workflow.apply(duty, follow, "send")
    incident.refresh_from_db()
    assert incident.grade_label == "较大事故" and incident.grade_reason == "死亡 3人 ≥ 3人"
    assert "重新定级：一般事故 → 较大事故" in incident.timeline.filter(kind="grade").last().text
    # 较大事故 is reported up to the province: a third clock appears.
    assert list(incident.deadlines.values_list("key", flat=True)) == ["county", "city", "province"]


def test_a_report_missing_a_required_item_cannot_be_sent(make_incident, duty, client):
    incident = make_incident(organization=None)  # no unit on record: its profile is not pre-filled
    report = services.draft_report(duty, incident)
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.apply(duty, report, "send")
    assert str(refused.value) == ("报告缺少必报内容：事故发生单位概况、事故现场情况、伤亡人数（包括下落不明的人数）、"
                                  "初步估计的直接经济损失、已经采取的措施")
    report.refresh_from_db()
    assert report.state == "draft" and incident.deadlines.filter(done_at__isnull=False).count() == 0
    # On the page, the refusal is shown and nothing is sent.
    client.force_login(duty)
    page = client.post(f"/registry/reports/{report.pk}/transition/", {"name": "send"}, follow=True)
    assert "报告缺少必报内容：事故发生单位概况" in page.content.decode()


def test_sending_the_initial_report_stops_the_clocks_up_to_its_addressee(make_incident, duty):
    incident = make_incident()
    report = services.draft_report(duty, incident)
    report.unit_profile, report.scene, report.casualties_confirmed = "花炮厂", "工房垮塌", True
    report.direct_loss_cny, report.measures, report.signer = Decimal("0"), "停产", "周局长"
    report.save()
    workflow.apply(duty, report, "send")
    assert set(incident.deadlines.filter(done_at__isnull=False).values_list("key", flat=True)) == {"county", "city"}


def _send(user, incident, kind, **figures):
    report = services.draft_report(user, incident, kind)
    report.scene, report.losses, report.measures, report.casualties_confirmed = "山体滑坡", "房屋受损", "转移群众", True
    for name, value in figures.items():
        setattr(report, name, value)
    report.save()
    workflow.apply(user, report, "send")
    report.refresh_from_db()
    return report


def _open_followup(incident):
    return incident.deadlines.get(key__startswith="followup", done_at__isnull=True)


def test_disaster_followups_roll_on_from_each_report_until_the_final(make_incident, duty, tree):
    from yingji.incidents.models import Plan, PlanLevel

    incident = make_incident(title="大瑶滑坡", event_type="14200", organization=None, trapped=0, relocated=30)
    county = incident.deadlines.get(key="county")
    assert county.due_at == incident.received_at + datetime.timedelta(hours=2)  # 灾情初报 within 2 hours
    assert (_open_followup(incident).key, _open_followup(incident).due_at) == (
        "followup-1", county.due_at + datetime.timedelta(days=7))
    initial = _send(duty, incident, "initial")
    # The next 续报 is due 7 days after the report actually sent.
    assert _open_followup(incident).due_at == initial.sent_at + datetime.timedelta(days=7)
    first = _send(duty, incident, "followup", relocated=45)
    assert incident.deadlines.get(key="followup-1").done_at is not None
    assert (_open_followup(incident).key, _open_followup(incident).due_at) == (
        "followup-2", first.sent_at + datetime.timedelta(days=7))
    # A plan with its own interval, once activated, sets the clock (3 days here).
    plan = Plan.objects.create(name="地质灾害应急预案", kind="special", event_types="14000", region=tree["county"],
                               approved_on=datetime.date(2024, 3, 1), followup_days=3)
    PlanLevel.objects.create(plan=plan, level="IV", conditions=[{"figure": "relocated", "op": ">=", "value": 10}])
    services.activate(duty, incident, plan, "IV")
    assert _open_followup(incident).due_at == first.sent_at + datetime.timedelta(days=3)
    # The 终报 ends the chain: no 续报 clock stays open.
    _send(duty, incident, "final")
    assert not incident.deadlines.filter(key__startswith="followup", done_at__isnull=True).exists()


def test_drought_followups_are_every_ten_days(make_incident):
    incident = make_incident(title="大瑶干旱", event_type="11400", organization=None, trapped=0)
    county = incident.deadlines.get(key="county")
    assert _open_followup(incident).due_at == county.due_at + datetime.timedelta(days=10)


def test_briefing_docx_has_the_official_sections(make_incident, duty, client):
    incident = make_incident(deaths=1, injured=2)
    report = services.draft_report(duty, incident)
    report.signer, report.measures, report.next_steps = "周局长", "企业停产，疏散员工 120 人。", "继续搜救"
    report.save()
    client.force_login(duty)
    response = client.get(f"/registry/reports/{report.pk}/documents/briefing.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    for part in ("关于大瑶花炮厂爆炸的初报", "信息专报 第1期", "一、概况", "二、经过", "三、伤亡情况", "四、损失情况",
                 "五、已采取措施", "六、下步工作", "死亡1人", "重伤2人", "企业停产，疏散员工 120 人。", "继续搜救"):
        assert part in text, part
    from tests.test_documents import assert_gb9704

    assert_gb9704(response.content)  # 信息专报 on A4 as GB/T 9704 lays it out


def test_a_report_from_below_is_merged_into_the_incident_and_the_next_draft(make_incident, duty, users):
    incident = make_incident()
    below = Report.objects.create(incident=incident, from_below=True, issuer="大瑶镇人民政府", deaths=2, trapped=0,
                                  scene="东侧工房二次坍塌")
    assert below.state == "received" and below.sequence == 1
    workflow.apply(duty, below, "merge")
    incident.refresh_from_db()
    assert incident.deaths == 2 and incident.trapped == 1  # higher figures win; ours stays where it is higher
    draft = incident.reports.get(from_below=False)
    assert draft.state == "draft" and draft.deaths == 2 and "据大瑶镇人民政府报告：东侧工房二次坍塌" in draft.scene


def test_plan_matching_and_activation_make_tasks_and_tell_the_department(make_incident, plan, duty, dept_user, dept):
    incident = make_incident()
    (matched, m), = services.plan_matches(duty, incident)
    assert matched == plan and m.level == "IV" and m.reason == "被困 1人 ≥ 1人"
    response = services.activate(duty, incident, plan, "IV", m.reason)
    incident.refresh_from_db()
    assert incident.state == "responding"
    tasks = list(response.tasks.order_by("pk"))
    assert [(t.responsible, t.title) for t in tasks] == [("浏阳市消防救援大队", "调派救援力量"),
                                                         ("县应急管理局", "派工作组赶赴现场")]
    assert tasks[0].due_at == pytest.approx(tasks[0].created_at + datetime.timedelta(minutes=20),
                                            abs=datetime.timedelta(seconds=5))
    # The department hears of its task once: from the task's to-do, not again as 新任务.
    heard = Notification.objects.filter(user=dept_user, title__contains="调派救援力量")
    assert [n.title for n in heard] == ["待办·待接收：调派救援力量"]
    # The department sees its own task only.
    assert list(Task.objects.for_user(dept_user)) == [tasks[0]]
    with pytest.raises(Conflict, match="请调整级别而不是重复启动"):
        services.activate(duty, incident, plan, "IV")


def test_only_commanders_activate(make_incident, plan, users):
    incident = make_incident()
    with pytest.raises(PermissionDenied):
        services.activate(users["staff"], incident, plan, "IV")


def test_raising_the_level_adds_that_levels_tasks_and_lowering_is_logged(make_incident, plan, duty, users):
    incident = make_incident()
    response = services.activate(duty, incident, plan, "IV")
    with pytest.raises(workflow.TransitionError, match="调整响应级别须填写响应级别、理由"):
        workflow.apply(users["leader"], response, "adjust")
    workflow.apply(users["leader"], response, "adjust", inputs={"level": "III", "reason": "又发现 2 人失踪"})
    response.refresh_from_db()
    assert response.level == "III" and response.tasks.count() == 3
    workflow.apply(users["leader"], response, "adjust", inputs={"level": "IV", "reason": "失踪人员找到"})
    texts = list(incident.timeline.filter(kind="response").values_list("text", flat=True))
    assert texts[1:] == ["提升响应级别：Ⅳ级响应 → Ⅲ级响应（又发现 2 人失踪）", "降低响应级别：Ⅲ级响应 → Ⅳ级响应（失踪人员找到）"]
    assert response.tasks.count() == 3  # lowering keeps the tasks already given


def test_task_lifecycle_with_feedback_and_blocked(make_incident, plan, duty, dept_user):
    incident = make_incident()
    services.activate(duty, incident, plan, "IV")
    task = Task.objects.for_user(dept_user).get()
    workflow.apply(dept_user, task, "accept")
    with pytest.raises(workflow.TransitionError, match="报告受阻须填写理由"):
        workflow.apply(dept_user, task, "block")
    workflow.apply(dept_user, task, "block", inputs={"reason": "道路塌方，车辆无法通行"})
    assert Notification.objects.filter(title="任务受阻：调派救援力量").exists()
    workflow.apply(dept_user, task, "start")
    workflow.apply(dept_user, task, "complete", comment="被困人员已救出")
    task.refresh_from_db()
    assert task.state == "done" and task.feedback == "被困人员已救出"
    with pytest.raises(workflow.TransitionError):
        workflow.apply(dept_user, task, "start")
    log = list(incident.timeline.filter(kind="task").values_list("text", flat=True))
    assert log[-1] == "浏阳市消防救援大队：调派救援力量 — 已完成：被困人员已救出"


def test_an_incident_closes_only_after_its_responses_end(make_incident, plan, duty, users):
    incident = make_incident()
    response = services.activate(duty, incident, plan, "IV")
    with pytest.raises(workflow.TransitionError, match="还有 1 个应急响应未终止"):
        workflow.apply(users["leader"], incident, "close", comment="处置结束")
    workflow.apply(users["leader"], response, "end", inputs={"reason": "现场处置完毕"})
    workflow.apply(users["leader"], incident, "close", comment="处置结束")
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.closed_summary == "处置结束"


def test_clock_job_reminds_before_and_escalates_after_once_each(make_incident, users):
    incident = make_incident()
    county = incident.deadlines.get(key="county")
    assert reporting_clocks(now=county.due_at - datetime.timedelta(minutes=30)) == {"reminded": 0, "escalated": 0}
    assert reporting_clocks(now=county.due_at - datetime.timedelta(minutes=10)) == {"reminded": 1, "escalated": 0}
    assert reporting_clocks(now=county.due_at - datetime.timedelta(minutes=5)) == {"reminded": 0, "escalated": 0}
    assert reporting_clocks(now=county.due_at + datetime.timedelta(minutes=1)) == {"reminded": 0, "escalated": 1}
    assert reporting_clocks(now=county.due_at + datetime.timedelta(minutes=2)) == {"reminded": 0, "escalated": 0}
    assert Notification.objects.filter(user=users["leader"], title__startswith="报告超时", level="urgent").count() == 1
    assert incident.timeline.filter(kind="deadline").count() == 2
    # Done clocks and closed incidents are left alone.
    incident.deadlines.update(done_at=timezone.now())
    assert reporting_clocks(now=county.due_at + datetime.timedelta(hours=9)) == {"reminded": 0, "escalated": 0}


def test_plan_revision_is_due_three_years_after_approval_and_reminded(plan, users):
    assert plan.revision_due == datetime.date(2027, 1, 10)
    assert plan_revisions(today=datetime.date(2026, 9, 1)) == 0
    assert plan_revisions(today=datetime.date(2026, 10, 20)) == 1  # within 90 days
    assert plan_revisions(today=datetime.date(2026, 10, 21)) == 0  # once a month
    plan.revised_on = datetime.date(2026, 5, 1)
    plan.save()
    assert plan.revision_due == datetime.date(2029, 5, 1)


def test_scope_a_township_sees_only_its_incidents(make_incident, users, tree):
    mine = make_incident()
    other = make_incident(region=tree["vb"], organization=None, title="金刚村火灾", event_type="24100")
    assert list(Incident.objects.for_user(users["township_a"])) == [mine]
    with pytest.raises(PermissionDenied):
        services.intake(users["township_a"], Incident(
            title="越界", event_type="24100", occurred_at=timezone.now(), address="金刚村", region=tree["vb"],
            description="x"))
    assert other.number != mine.number
