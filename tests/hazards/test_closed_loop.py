"""The hidden-hazard closed loop through the API and pages: roles, scope, 409s, overdue escalation."""

import datetime

import pytest
from django.utils import timezone

from yingji.core.framework import todos
from yingji.core.models import TransitionLog
from yingji.hazards import tasks
from yingji.hazards.models import Hazard
from yingji.hazards.workflow import HAZARD_LOOP

REPORT = {"title": "烟花仓库消防通道堵塞", "description": "成品仓库东侧消防通道堆放纸箱", "channel": "self_inspection",
          "finder": "王安全", "region": "430181110001"}
PLAN = {"measures": "清理堆放物，划线管理", "responsible_person": "王安全",
        "deadline": str(timezone.localdate() + datetime.timedelta(days=7))}


def transition(client, pk, name, **data):
    return client.post(f"/api/hazards/{pk}/transitions/", {"name": name, **data}, format="json")


def test_the_whole_loop(orgs, users, api):
    enterprise, township = api("enterprise_a"), api("township_a")
    created = enterprise.post("/api/hazards/", {**REPORT, "organization": orgs["a"].credit_code}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert Hazard.objects.get(pk=pk).state == "reported"

    refused = transition(township, pk, "verify")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "核实前须登记整改措施、整改期限、整改责任人（五落实）"
    assert township.patch(f"/api/hazards/{pk}/", PLAN, format="json").status_code == 200
    assert transition(township, pk, "verify", comment="情况属实").json()["state"] == "rectifying"

    assert transition(enterprise, pk, "close").status_code == 403
    missing = transition(enterprise, pk, "submit")  # a missing input: 400 on the field, in the machine's words
    assert missing.status_code == 400 and missing.json() == {"comment": ["整改完成，申请验收须填写意见"]}
    assert transition(enterprise, pk, "submit", comment="已清理").json()["state"] == "awaiting_acceptance"
    assert transition(township, pk, "send_back").json() == {"reason": ["验收不合格，退回整改须填写理由"]}
    assert transition(township, pk, "send_back", reason="仍有杂物").json()["state"] == "rectifying"

    Hazard.objects.filter(pk=pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))  # time passes
    assert tasks.mark_overdue.delay().get() == 1
    hazard = Hazard.objects.get(pk=pk)
    assert hazard.state == "overdue" and hazard.escalated_at is not None
    assert tasks.mark_overdue.delay().get() == 0  # escalated once, not again

    assert transition(enterprise, pk, "submit", comment="彻底清理").json()["state"] == "awaiting_acceptance"
    body = transition(township, pk, "close", comment="验收合格").json()
    assert body["state"] == "closed" and body["available"] == []
    assert Hazard.objects.get(pk=pk).closed_at is not None
    log = [(e["transition"], e["actor"]) for e in reversed(body["log"])]
    assert log == [("verify", "township_a"), ("submit", "enterprise_a"), ("send_back", "township_a"),
                   ("mark_overdue", "系统"), ("submit", "enterprise_a"), ("close", "township_a")]
    assert transition(township, pk, "verify").status_code == 409  # closed stays closed


def make_hazard(orgs, tree, state):
    hazard = Hazard.objects.create(title="隐患", organization=orgs["a"], region=tree["va"], description="d",
                                   channel="self_inspection", finder="f", **{**PLAN, "deadline": timezone.localdate()})
    Hazard.objects.filter(pk=hazard.pk).update(state=state)
    hazard.refresh_from_db()
    todos.sync(hazard)  # its to-do follows the state set behind the workflow's back
    return hazard


ROLE_USERS = {"township": "township_a", "staff": "staff", "enterprise": "enterprise_a", "village": "village_a",
              "readonly": "readonly"}


@pytest.mark.parametrize("t", [t for t in HAZARD_LOOP.transitions if not t.automatic], ids=lambda t: t.name)
@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_who_may_take_each_transition(t, role, orgs, tree, users, api):
    hazard = make_hazard(orgs, tree, t.sources[0])
    response = transition(api(ROLE_USERS[role]), hazard.pk, t.name, comment="意见", reason="理由")
    if role in t.roles:
        assert response.status_code == 200 and response.json()["state"] == t.target
    else:
        assert response.status_code == 403
        assert Hazard.objects.get(pk=hazard.pk).state == t.sources[0]


def test_out_of_scope_is_not_found_and_state_is_not_editable(orgs, tree, users, api):
    hazard = make_hazard(orgs, tree, "reported")
    assert transition(api("township_b"), hazard.pk, "verify").status_code == 404
    staff = api("staff")
    assert staff.patch(f"/api/hazards/{hazard.pk}/", {"state": "closed"}, format="json").status_code == 200
    assert Hazard.objects.get(pk=hazard.pk).state == "reported"  # only transitions change state


def test_major_hazard_needs_its_judging_basis(orgs, users, api):
    response = api("staff").post("/api/hazards/", {**REPORT, "grade": "major"}, format="json")
    assert response.status_code == 400
    assert response.json()["major_basis"] == ["重大事故隐患须填写判定依据"]


def test_record_page_offers_the_users_transitions(orgs, tree, users, web):
    hazard = make_hazard(orgs, tree, "reported")
    client = web("township_a")
    page = client.get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert 'data-transition="verify"' in page and 'data-transition="reject"' in page
    assert 'data-transition="close"' not in page
    response = client.post(f"/registry/hazards/{hazard.pk}/transition/", {"name": "reject"}, follow=True)
    assert "驳回须填写理由" in response.content.decode()
    client.post(f"/registry/hazards/{hazard.pk}/transition/", {"name": "reject", "reason": "不属于隐患"})
    assert Hazard.objects.get(pk=hazard.pk).state == "rejected"
    entry = TransitionLog.objects.get(object_id=str(hazard.pk))
    assert entry.actor == users["township_a"] and entry.inputs == {"reason": "不属于隐患"}


def test_due_soon_reminders_and_escalation_notices(orgs, tree, users, web):
    from yingji.core.models import Notification

    hazard = make_hazard(orgs, tree, "rectifying")
    Notification.objects.filter(key__startswith="todo-").delete()  # its to-do's notices (test_todos.py)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() + datetime.timedelta(days=2))
    assert tasks.remind_due_soon() == 2  # the enterprise (its organization) and township A (its region)
    assert tasks.remind_due_soon() == 0  # once a day
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"enterprise_a", "township_a"}
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    tasks.mark_overdue()
    urgent = Notification.objects.filter(level="urgent")
    assert set(urgent.values_list("user__username", flat=True)) == {"enterprise_a", "township_a", "staff"}
    client = web("staff")
    assert '<span class="badge text-bg-danger" data-testid="unread">1</span>' in client.get("/").content.decode()
    note = urgent.get(user__username="staff")
    response = client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/registry/hazards/{hazard.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get("/notifications/badge/").content == b""


def test_a_refused_step_keeps_none_of_its_photos(orgs, tree, users, web):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core.models import Attachment

    hazard = make_hazard(orgs, tree, "rectifying")
    client = web("enterprise_a")
    photo = SimpleUploadedFile("after.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    response = client.post(f"/registry/hazards/{hazard.pk}/transition/", {"name": "submit", "photos": photo},
                           follow=True)  # no comment: refused
    assert "须填写意见" in response.content.decode()
    assert not Attachment.objects.exists() and Hazard.objects.get(pk=hazard.pk).state == "rectifying"
    photo.seek(0)
    client.post(f"/registry/hazards/{hazard.pk}/transition/", {"name": "submit", "comment": "已整改", "photos": photo})
    attachment = Attachment.objects.get()
    assert attachment.description == "整改完成，申请验收时上传的照片"
    assert TransitionLog.objects.get(object_id=str(hazard.pk)).inputs == {"photos": [attachment.pk]}
