"""The to-do inbox (待办, issue 15): every workflow state that waits on someone gives a to-do to exactly
the users who can take the next step (role and scope), shown as a badge and on the 待办 page and in
GET /api/todos/, announced by a notification; it closes itself when the state moves on. Separation
of duties on the hidden-hazard loop: who reported cannot verify or accept; 验收人 is recorded."""

import datetime

import pytest
from django.utils import timezone

from tests.samples import make_record
from yingji.core.framework import todos
from yingji.core.framework.registry import get_registry
from yingji.core.models import Notification, ToDo
from yingji.hazards.models import Hazard

REPORT = {"title": "村道边废弃液化气罐", "description": "村口废品站堆放液化气罐十余个", "channel": "grid_worker",
          "finder": "网格员小王", "region": "430181110001"}
PLAN = {"measures": "联系废品站清运", "responsible_person": "李站长",
        "deadline": str(timezone.localdate() + datetime.timedelta(days=5))}


def holders(users, todo):
    """Who of the fixture's users has ``todo`` in their inbox (``for_user``)."""
    return {name for name, user in users.items() if todos.for_user(user).filter(pk=todo.pk).exists()}


def open_todo(record):
    from yingji.core.framework.registry import registry_for_model

    return ToDo.objects.get(object_id=str(record.pk), registry=registry_for_model(type(record)).slug,
                            closed_at__isnull=True)


def transition(client, slug, pk, name, **data):
    return client.post(f"/api/{slug}/{pk}/{name.replace('_', '-')}/", data, format="json")


def report(api, username="village_a", **extra):
    created = api(username).post("/api/hazards/", {**REPORT, **extra}, format="json")
    assert created.status_code == 201, created.json()
    return Hazard.objects.get(pk=created.json()["id"])


def test_the_right_users_get_the_to_do_and_are_told(users, api):
    hazard = report(api)
    assert hazard.reported_by == users["village_a"]
    todo = open_todo(hazard)
    assert (todo.label, todo.state, todo.url) == ("待核实", "reported", f"/registry/hazards/{hazard.pk}/")
    # 核实 is for 业务科室 and 乡镇 (and administrators) whose scope covers 大瑶村: not township B, not the
    # reporter's role (village: no change permission), not the enterprise, not the read-only user.
    expected = {"admin", "staff", "township_a", "all_in_a"}
    assert holders(users, todo) == expected
    assert {u.username for u in todos.users_for(todo)} == expected  # the same rule from the other side
    told = Notification.objects.filter(key=f"todo-{todo.pk}")
    assert set(told.values_list("user__username", flat=True)) == expected
    assert told.first().title == "待办·待核实：村道边废弃液化气罐" and told.first().url == todo.url


def test_a_to_do_closes_itself_when_the_state_moves_on(users, api):
    hazard = report(api)
    township = api("township_a")
    assert township.patch(f"/api/hazards/{hazard.pk}/", PLAN, format="json").status_code == 200
    first = open_todo(hazard)
    assert transition(township, "hazards", hazard.pk, "verify").status_code == 200
    first.refresh_from_db()
    assert first.closed_at is not None and not todos.for_user(users["township_a"]).filter(pk=first.pk).exists()
    rectify = open_todo(hazard)
    assert rectify.label == "待整改" and rectify.due_is_date
    assert timezone.localtime(rectify.due_at).date().isoformat() == PLAN["deadline"]
    assert "enterprise_a" not in holders(users, rectify)  # a public place: no organization, not the enterprise's
    assert {"township_a", "staff"} <= holders(users, rectify)
    # Overdue is still the same to-do (待整改), past its due time: nobody is told twice.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    from yingji.hazards import tasks

    notices = Notification.objects.filter(key=f"todo-{rectify.pk}").count()
    assert tasks.mark_overdue() == 1
    rectify.refresh_from_db()
    assert rectify.closed_at is None and rectify.state == "overdue" and rectify.overdue
    assert Notification.objects.filter(key=f"todo-{rectify.pk}").count() == notices
    assert transition(township, "hazards", hazard.pk, "submit", comment="已清运").status_code == 200
    rectify.refresh_from_db()
    assert rectify.closed_at is not None and open_todo(hazard).label == "待验收"
    assert transition(api("staff"), "hazards", hazard.pk, "close").status_code == 200
    assert not ToDo.objects.filter(object_id=str(hazard.pk), registry="hazards", closed_at__isnull=True).exists()
    assert ToDo.objects.filter(object_id=str(hazard.pk), registry="hazards").count() == 3


def test_the_reporter_gets_no_to_do_to_verify_and_is_refused_with_the_reason(users, api, web):
    hazard = report(api, "township_a", **PLAN)  # the township's own inspection finds it
    todo = open_todo(hazard)
    assert "township_a" not in holders(users, todo) and "staff" in holders(users, todo)
    assert todo.barred == f",{users['township_a'].pk},"
    refused = transition(api("township_a"), "hazards", hazard.pk, "verify")
    assert refused.status_code == 403 and refused.json()["detail"] == "职责分离：上报此隐患的人不能核实"
    assert transition(api("township_a"), "hazards", hazard.pk, "reject", reason="x").status_code == 403
    client = web("township_a")
    page = client.get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert 'data-transition="verify"' not in page and 'data-transition="reject"' not in page
    answer = client.post(f"/registry/hazards/{hazard.pk}/transition/", {"name": "verify"})
    assert answer.status_code == 403 and "职责分离：上报此隐患的人不能核实" in answer.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).state == "reported"

    assert transition(api("staff"), "hazards", hazard.pk, "verify").status_code == 200
    assert transition(api("township_a"), "hazards", hazard.pk, "submit", comment="已整改").status_code == 200
    accept = open_todo(hazard)
    assert accept.label == "待验收" and "township_a" not in holders(users, accept)
    refused = transition(api("township_a"), "hazards", hazard.pk, "close")
    assert refused.status_code == 403 and refused.json()["detail"] == "职责分离：上报此隐患的人不能验收合格，销号"
    assert transition(api("staff"), "hazards", hazard.pk, "close").status_code == 200
    closed = Hazard.objects.get(pk=hazard.pk)
    assert closed.state == "closed" and closed.verifier == "staff"  # 验收人 recorded: who accepted it
    page = client.get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert "验收人</dt>" in page and ">staff</dd>" in page and ">township_a</dd>" in page  # and who reported it


def test_a_hazard_without_a_reporter_account_bars_nobody(orgs, tree, users):
    """Public tip-offs (and records made by the system) have no creator: separation has nobody to keep out."""
    hazard = Hazard.objects.create(title="群众举报", region=tree["va"], description="d", channel="public_tip_off",
                                   finder="匿名群众")
    assert hazard.reported_by is None and open_todo(hazard).barred == ""


@pytest.fixture
def incident(tree, users):
    from yingji.incidents.models import Incident
    from yingji.incidents.services import intake

    return intake(users["admin"], Incident(event_type="21400", title="大瑶花炮厂爆炸", address="大瑶镇大瑶村",
                                           region=tree["va"], occurred_at="2026-12-01T08:00+08:00", deaths=1,
                                           description="仓库爆炸，1 人死亡"))


def test_a_task_waits_on_its_assignee_and_moves_when_reassigned(incident, users, api, orgs):
    from yingji.incidents.models import Task

    due = timezone.now() + datetime.timedelta(hours=2)
    task = Task.objects.create(incident=incident, title="疏散周边群众", assignee=users["township_a"], due_at=due)
    todo = open_todo(task)
    assert (todo.label, todo.due_at, todo.due_is_date) == ("待接收", due, False)
    assert holders(users, todo) == {"township_a"}
    assert transition(api("staff"), "tasks", task.pk, "accept").status_code == 200  # anyone may act for them
    todo = open_todo(task)
    assert todo.label == "待完成" and holders(users, todo) == {"township_a"}
    # Reassigned (an edit through the API): the to-do moves to the new 责任人, who is told.
    moved = api("staff").patch(f"/api/tasks/{task.pk}/", {"assignee": users["staff"].pk}, format="json")
    assert moved.status_code == 200, moved.json()
    todo.refresh_from_db()
    assert todo.closed_at is None and holders(users, todo) == {"staff"}
    assert Notification.objects.filter(key=f"todo-{todo.pk}", user=users["staff"]).exists()
    # Started, it is still the same 待完成; completed, it is gone.
    assert transition(api("staff"), "tasks", task.pk, "start").status_code == 200
    assert open_todo(task).pk == todo.pk
    assert transition(api("staff"), "tasks", task.pk, "complete", comment="已疏散 120 人").status_code == 200
    assert todos.for_user(users["staff"]).filter(registry="tasks").count() == 0


def test_other_workflows_wait_on_their_reviewers(tree, orgs, users):
    from yingji.resources.models import TransferOrder
    from yingji.warnings.models import Warning

    warning = make_record(get_registry("warnings"), tree["county"])
    Warning.objects.filter(pk=warning.pk).update(state="review")
    order = make_record(get_registry("transfer-orders"), tree["a"])
    assert order.state == "drafted"
    todos.reconcile()  # the state was set behind the workflow's back: the periodic job catches up
    warning.refresh_from_db()
    review = open_todo(warning)
    assert review.label == "待审核" and review.due_at == warning.effective
    assert {"leader", "admin"} <= holders(users, review) and "staff" not in holders(users, review)
    approve = open_todo(TransferOrder.objects.get(pk=order.pk))
    assert approve.label == "待审批" and "leader" in holders(users, approve) and "township_a" not in holders(users, approve)
    Warning.objects.filter(pk=warning.pk).update(state="published")
    assert todos.reconcile() == 1
    review.refresh_from_db()
    assert review.closed_at is not None


def test_a_draft_report_is_due_by_its_reporting_clock(incident, users):
    from yingji.incidents.models import Report

    report = Report.objects.create(incident=incident, issuer="浏阳市应急管理局", sent_to="city")
    todo = open_todo(report)
    clocks = incident.deadlines.filter(done_at__isnull=True, key__in=["county", "city"])
    assert todo.label == "待报送" and todo.due_at == min(d.due_at for d in clocks)
    assert holders(users, todo) == {"admin", "leader", "staff", "township_a", "all_in_a"}


def test_the_badge_the_page_and_the_api(users, api, web, client):
    soon = report(api)
    later = report(api, title="后报的隐患")
    Hazard.objects.filter(pk=later.pk).update(state="rectifying", deadline=timezone.localdate() - datetime.timedelta(days=2))
    todos.reconcile()
    staff = web("staff")
    home = staff.get("/").content.decode()
    assert '<span class="badge text-bg-warning" data-testid="todo-count">2</span>' in home
    assert staff.get("/todos/badge/").content.decode() == '<span class="badge text-bg-warning" data-testid="todo-count">2</span>'
    page = staff.get("/todos/").content.decode()
    # By due time: the overdue rectification first (highlighted), the verification without a due time last.
    assert page.index("后报的隐患") < page.index(soon.title)
    assert "list-group-item-danger" in page and "已超期" in page
    assert f'href="/registry/hazards/{soon.pk}/"' in page

    client.logout()
    unauthenticated = client.get("/api/todos/")
    assert unauthenticated.status_code == 401 and unauthenticated["Content-Type"].startswith("application/json")
    body = api("staff").get("/api/todos/").json()
    assert body["count"] == 2 and [t["label"] for t in body["results"]] == ["待整改", "待核实"]
    assert body["results"][0]["overdue"] is True and body["results"][1]["due_at"] is None
    assert api("village_a").get("/api/todos/").json()["count"] == 0
    schema = api("staff").get("/api/schema/?format=json").json()
    assert "/api/todos/" in schema["paths"]
    empty = web("readonly").get("/todos/").content.decode()
    assert 'data-testid="no-todos"' in empty and 'data-testid="todo-count"' not in empty


def test_the_inbox_is_one_query_however_many_to_dos(users, api, django_assert_num_queries):
    user = users["staff"]
    user.get_all_permissions()  # Django keeps the user's permissions (the menu reads them anyway)
    _ = user.scope_region
    report(api)
    with django_assert_num_queries(1):
        assert len(list(todos.for_user(user))) == 1
    for n in range(6):
        report(api, title=f"隐患{n}")
    with django_assert_num_queries(1):
        assert len(list(todos.for_user(user))) == 7
    with django_assert_num_queries(1):
        assert todos.count_for(user) == 7


def test_a_bulk_import_opens_its_to_dos(users, web):
    from yingji.core.framework import services

    content = ("隐患名称,所属区划,隐患描述,发现渠道,隐患类别,隐患等级,发现人,发现时间\n"
               "导入隐患一,430181110001,描述一,网格员上报,现场管理类,一般事故隐患,甲,2026-12-01 09:00\n"
               "导入隐患二,430181110001,描述二,网格员上报,现场管理类,一般事故隐患,乙,2026-12-01 10:00\n").encode()
    assert services._plain_saving(Hazard)  # the to-do receiver does not keep hazards from the bulk path
    result = services.import_file(users["staff"], get_registry("hazards"), "hazards.csv", content)
    assert result.ok, result.errors
    imported = Hazard.objects.filter(title__startswith="导入隐患")
    assert {h.reported_by_id for h in imported} == {users["staff"].pk}
    assert ToDo.objects.filter(registry="hazards", closed_at__isnull=True).count() == 2
    assert todos.count_for(users["township_a"]) == 2 and todos.count_for(users["staff"]) == 0  # staff imported them


def test_to_dos_go_out_through_the_configured_channels(users, api, monkeypatch, django_capture_on_commit_callbacks,
                                                       caplog):
    from yingji.core.models import User

    User.objects.filter(pk=users["township_a"].pk).update(phone="13800000001")  # the shared object stays as it is
    monkeypatch.setenv("YINGJI_NOTIFY_CHANNELS", "sms")
    with caplog.at_level("INFO", logger="yingji.warnings.channels"), \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        hazard = report(api)
    assert callbacks  # sent once the report is committed
    sent = [r.getMessage() for r in caplog.records if r.name == "yingji.warnings.channels"]
    assert len(sent) == 1 and "13800000001" in sent[0] and "待办·待核实" in sent[0]
    assert f"/registry/hazards/{hazard.pk}/" in sent[0]


def test_the_first_reconcile_fills_the_inbox_quietly(users, api):
    from yingji.core.framework.tasks import reconcile_todos

    report(api)
    ToDo.objects.all().delete()
    Notification.objects.all().delete()
    assert reconcile_todos() == 1  # an upgrade: every waiting record gets its to-do, nobody a notice each
    assert ToDo.objects.filter(closed_at__isnull=True).count() == 1 and not Notification.objects.exists()
    assert reconcile_todos() == 0
