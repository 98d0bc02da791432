"""安责险 and 三项岗位人员 as the enterprise and the office use them: the enterprise's safety manager enters its
own policy and people (not another's: scope), ID numbers checked and masked, certificates' dates from the
rules, the rules' alerts opened as to-dos and cleared when the facts change (the clock moved), the workflow's
refusals (400, 403, 404, 409), a township seeing its own enterprises, the facts others read, and the
on-site check page showing the special operators' certificates under a 持证上岗 point."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from yingji.compliance import services
from yingji.compliance.models import Alert, Certificate, Policy, Training, Worker
from yingji.core.framework import todos
from yingji.core.framework.contributions import enterprise_facts, resolve

D = datetime.date
ALERTS = "/api/compliance-alerts/"


def valid_id(n=1):
    from yingji.core.directory.codes import id_number_check_char

    first17 = f"43018119800101{n:03d}"
    return first17 + id_number_check_char(first17)


def policy(org, *, starts=None, limit="400000", headcount=None, number="P-1"):
    starts = starts or timezone.localdate() - datetime.timedelta(days=100)
    return Policy.objects.create(organization=org, region=org.region, insurer="人保财险浏阳支公司", number=number,
                                 starts_on=starts, ends_on=starts + datetime.timedelta(days=364),
                                 insured_headcount=headcount or 0, limit_cny=Decimal(limit))


def worker(org, post="special", n=1, name="张三"):
    return Worker.objects.create(organization=org, region=org.region, name=name, id_number=valid_id(n), post=post)


def open_kinds(org):
    return sorted(Alert.objects.filter(organization=org, state__in=("open", "explained")).values_list("kind", flat=True))


@pytest.fixture
def staffed(orgs):
    for o in (orgs["a"], orgs["b"]):
        o.employees = 40
        o.save()
    return orgs


def test_the_enterprise_enters_its_own_policy_not_anothers(api, staffed):
    a, b = staffed["a"], staffed["b"]
    body = {"organization": a.credit_code, "insurer": "人保财险浏阳支公司", "number": "PZAE2026-001", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "insured_headcount": 40, "limit_cny": "400000.00"}
    made = api("enterprise_a").post("/api/safety-policies/", body, format="json")
    assert made.status_code == 201, made.json()
    p = Policy.objects.get(number="PZAE2026-001")
    assert (p.region, p.limit_cny) == (a.region, Decimal("400000"))
    refused = api("enterprise_a").post("/api/safety-policies/", {**body, "organization": b.credit_code, "number": "X-2"},
                                       format="json")
    assert refused.status_code in (400, 403, 404) and not Policy.objects.filter(number="X-2").exists()
    bad = api("enterprise_a").post("/api/safety-policies/", {**body, "number": "X-3", "ends_on": "2025-12-31"},
                                   format="json")
    assert bad.status_code == 400 and "ends_on" in bad.json()


def test_alerts_from_the_rules_and_scope(api, staffed, users):
    a, b = staffed["a"], staffed["b"]  # a: 烟花爆竹, b: 危险化学品 — both must insure
    policy(a, limit="300000", headcount=39)
    services.refresh()
    assert open_kinds(a) == ["headcount_low", "limit_low"] and open_kinds(b) == ["uninsured"]
    low = Alert.objects.get(organization=a, kind="limit_low")
    assert "300000" in low.detail and "第十五条" in low.rule
    seen = {name: {row["organization"] for row in api(name).get(ALERTS).json()["results"]}
            for name in ("enterprise_a", "township_a", "township_b", "staff")}
    ca, cb = a.credit_code, b.credit_code
    assert seen == {"enterprise_a": {ca}, "township_a": {ca}, "township_b": {cb}, "staff": {ca, cb}}
    # The open alert is a to-do for the enterprise's own account and for the office, not for another township.
    assert todos.for_user(users["enterprise_a"]).filter(object_id=str(low.pk)).exists()
    assert todos.for_user(users["staff"]).filter(object_id=str(low.pk)).exists()
    assert not todos.for_user(users["township_b"]).filter(object_id=str(low.pk)).exists()
    filtered = api("staff").get(ALERTS, {"kind": "uninsured"}).json()["results"]
    assert [r["organization"] for r in filtered] == [cb]


def test_an_alert_clears_itself_when_the_policy_is_put_right(staffed, users):
    a = staffed["a"]
    p = policy(a, limit="300000", headcount=40)
    services.refresh()
    alert = Alert.objects.get(organization=a, kind="limit_low")
    p.limit_cny = Decimal("500000")
    p.save()
    assert services.refresh(orgs=[a]) == (0, 1)
    alert.refresh_from_db()
    assert alert.state == "cleared" and alert.closed_on == timezone.localdate()
    assert not todos.for_user(users["enterprise_a"]).filter(object_id=str(alert.pk)).exists()


def test_lapsing_then_lapsed_with_the_clock_moved(staffed):
    a = staffed["a"]
    p = policy(a, starts=D(2025, 7, 1), headcount=40)  # ends 2026-06-30
    services.refresh(orgs=[a], on=D(2026, 5, 30))
    assert open_kinds(a) == []
    services.refresh(orgs=[a], on=D(2026, 5, 31))
    assert open_kinds(a) == ["lapsing"]
    assert Alert.objects.get(organization=a, kind="lapsing").due_on == p.ends_on
    services.refresh(orgs=[a], on=D(2026, 7, 1))
    assert open_kinds(a) == ["lapsed"]


def test_alert_workflow_refusals(api, staffed):
    a, b = staffed["a"], staffed["b"]
    services.refresh()
    mine = Alert.objects.get(organization=a, kind="uninsured")
    theirs = Alert.objects.get(organization=b, kind="uninsured")
    ent = api("enterprise_a")
    assert ent.post(f"{ALERTS}{theirs.pk}/explain/", {"comment": "已停产"}, format="json").status_code == 404
    missing = ent.post(f"{ALERTS}{mine.pk}/explain/", {}, format="json")
    assert missing.status_code == 400 and "comment" in missing.json()
    assert ent.post(f"{ALERTS}{mine.pk}/explain/", {"comment": "已于上月停产整顿，暂停生产"}, format="json").status_code == 200
    assert ent.post(f"{ALERTS}{mine.pk}/waive/", {"reason": "自己核销"}, format="json").status_code == 403
    assert api("staff").post(f"{ALERTS}{mine.pk}/waive/", {"reason": "停产属实"}, format="json").status_code == 200
    again = api("staff").post(f"{ALERTS}{mine.pk}/waive/", {"reason": "再次"}, format="json")
    assert again.status_code == 409
    mine.refresh_from_db()
    assert mine.state == "waived" and mine.explained_by.username == "enterprise_a"
    services.refresh()  # a waived finding is not raised again
    assert not Alert.objects.filter(organization=a, kind="uninsured", state="open").exists()


def test_id_numbers_are_checked_and_masked(api, staffed):
    a = staffed["a"]
    body = {"organization": a.credit_code, "name": "王五", "post": "special", "job": "药物混合工", "active": True}
    wrong = valid_id(7)[:17] + ("0" if valid_id(7)[17] != "0" else "1")
    bad = api("enterprise_a").post("/api/post-holders/", {**body, "id_number": wrong}, format="json")
    assert bad.status_code == 400 and "校验码" in str(bad.json()["id_number"]), bad.json()
    ok = api("enterprise_a").post("/api/post-holders/", {**body, "id_number": valid_id(7).lower()}, format="json")
    assert ok.status_code == 201, ok.json()
    pk = ok.json()["id"]
    assert api("enterprise_a").get(f"/api/post-holders/{pk}/").json()["id_number"] == valid_id(7).upper()
    assert api("township_a").get(f"/api/post-holders/{pk}/").json()["id_number"] == "***"
    assert api("township_b").get(f"/api/post-holders/{pk}/").status_code == 404


def test_certificate_dates_from_the_rules_and_reminders_moving_from_60_to_30_to_expired(staffed):
    a = staffed["a"]
    w = worker(a)
    c = Certificate(worker=w, kind="special", operation="电工作业·低压电工作业", number="T1", issuer="湖南省应急管理厅",
                    issued_on=D(2024, 3, 1))
    c.full_clean()
    c.save()
    assert (c.expires_on, c.review_due) == (D(2030, 2, 28), D(2027, 2, 28))
    c.review_due = c.expires_on  # reviewed: the next date is the expiry
    c.save()
    policy(a, starts=D(2029, 6, 1), headcount=40)
    services.refresh(orgs=[a], on=D(2029, 12, 30))  # 60 days before 2030-02-28
    assert open_kinds(a) == ["cert_expiring_60"]
    first = Alert.objects.get(organization=a, kind="cert_expiring_60")
    services.refresh(orgs=[a], on=D(2030, 1, 29))  # 30 days
    assert open_kinds(a) == ["cert_expiring_30"]
    first.refresh_from_db()
    assert first.state == "cleared"
    services.refresh(orgs=[a], on=D(2030, 3, 1))
    assert open_kinds(a) == ["cert_expired"]
    c.refresh_from_db()
    assert c.status == "expired"


def test_a_certificate_must_fit_the_post(staffed):
    from django.core.exceptions import ValidationError

    c = Certificate(worker=worker(staffed["a"], post="principal"), kind="special", number="T9", issuer="省厅",
                    issued_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "kind" in exc.value.message_dict


def test_training_short_last_year_in_a_high_risk_sector(staffed):
    a = staffed["a"]
    policy(a, headcount=40)
    w = worker(a, post="safety_manager", name="李安全")
    Certificate.objects.create(worker=w, kind="management", number="M1", issuer="长沙市应急管理局",
                               issued_on=D(2024, 5, 1), expires_on=D(2027, 4, 30))
    Training.objects.create(worker=w, year=2025, kind="refresher", hours=Decimal("10"))
    Training.objects.create(worker=w, year=2025, kind="refresher", hours=Decimal("5.5"))
    services.refresh(orgs=[a], on=D(2026, 3, 1))
    alert = Alert.objects.get(organization=a, kind="training_short")
    assert "15.5 学时" in alert.detail and "16 学时" in alert.detail  # 烟花爆竹: 16 a year
    Training.objects.create(worker=w, year=2025, kind="refresher", hours=Decimal("0.5"))
    services.refresh(orgs=[a], on=D(2026, 3, 1))
    assert "training_short" not in open_kinds(a)


def test_a_local_minimum_limit_overrides_the_national(staffed, tree):
    from yingji.compliance.models import ComplianceRule

    a = staffed["a"]
    policy(a, limit="400000", headcount=40)
    services.refresh(orgs=[a])
    assert open_kinds(a) == []
    ComplianceRule.objects.create(region=tree["county"], key="insurance_min_limit_cny", value=500000,
                                  source="浏阳市安责险实施细则（示例）")
    services.refresh(orgs=[a])
    assert open_kinds(a) == ["limit_low"]


def test_facts_others_may_read(staffed):
    a, b = staffed["a"], staffed["b"]
    policy(a, headcount=40)
    w = worker(a)
    Certificate.objects.create(worker=w, kind="special", number="T5", issuer="省厅", issued_on=D(2019, 1, 1),
                               expires_on=D(2024, 12, 31), status="expired")
    services.refresh()
    facts = {key: resolve(f.provider)([a.pk, b.pk]) for key, f in enterprise_facts().items() if key.startswith("compliance")}
    assert facts["compliance.insured"] == {a.pk: True, b.pk: False}
    assert facts["compliance.insurance_adequate"] == {a.pk: True}
    assert facts["compliance.certificates_valid"] == {a.pk: False}


def test_the_on_site_page_shows_the_special_operators_under_the_certificate_point(web, staffed):
    from yingji.supervision.models import Inspection, InspectionItem

    a = staffed["a"]
    today = timezone.localdate()
    ok, old = worker(a, name="赵有证", n=2), worker(a, name="钱过期", n=3)
    Certificate.objects.create(worker=ok, kind="special", operation="烟花爆竹产品涉药作业", number="T-OK", issuer="省厅",
                               issued_on=today - datetime.timedelta(days=400),
                               expires_on=today + datetime.timedelta(days=1500), review_due=today + datetime.timedelta(days=700))
    Certificate.objects.create(worker=old, kind="special", number="T-OLD", issuer="省厅",
                               issued_on=today - datetime.timedelta(days=2200), expires_on=today - datetime.timedelta(days=1))
    worker(staffed["b"], name="孙别家", n=4)
    inspection = Inspection.objects.create(organization=a, region=a.region, year=today.year, trigger="complaint")
    InspectionItem.objects.create(inspection=inspection, number=1, text="药物混合、装药等危险工序作业人员持证上岗",
                                  region=a.region, organization=a)
    InspectionItem.objects.create(inspection=inspection, number=2, text="人体静电释放装置完好", region=a.region, organization=a)
    page = web("staff").get(f"/supervision/inspections/{inspection.pk}/onsite/").content.decode()
    assert page.count('data-testid="check-aid"') == 1
    assert "赵有证" in page and "钱过期" in page and "孙别家" not in page
    assert 'data-status="valid"' in page and 'data-status="expired"' in page and "1 人无有效证书" in page


def test_saving_a_policy_runs_the_rules_once_the_transaction_commits(staffed, django_capture_on_commit_callbacks):
    from django.db import transaction

    a = staffed["a"]
    services.refresh(orgs=[a])
    assert open_kinds(a) == ["uninsured"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        policy(a, headcount=40)
        worker(a, post="principal", n=9)
    assert len(callbacks) == 1 and open_kinds(a) == []


def test_the_enterprise_profile_shows_insurance_and_post_holders(web, staffed, tree):
    from yingji.profiles import services as profiles

    a, b = staffed["a"], staffed["b"]
    policy(a, headcount=40)
    worker(a)
    services.refresh()
    profiles.seed_rules(tree["county"])
    profiles.recompute()
    page = web("staff").get(f"/profiles/{a.credit_code}/").content.decode()
    panel = page[page.index('data-panel="safety-policies"'):]
    assert 'data-testid="panel-total">1<' in panel[:2000] and "保险期内 1" in panel[:2000]
    assert 'data-panel="post-holders"' in page and 'data-panel="compliance-alerts"' in page
    assert "安责险起保" in page  # on its time line
    assert b.credit_code not in panel[:2000]
