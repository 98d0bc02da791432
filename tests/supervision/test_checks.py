"""Supervision, first half (issue 21): the draw through the platform (logged, re-runnable, excluding
conflicts, the last inspectors and expired certificates, at least two per check), the plan's cap,
every refusal of the plan and check workflows and of the on-site actions, a finding becoming a
hidden hazard, the enterprise page, progress by month and unit, and the public page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.operations import Conflict
from yingji.core.framework.statemachine import TransitionError

YEAR = timezone.localdate().year


def test_a_draw_is_logged_reproducible_and_excludes_conflicts_expired_and_key_enterprises(county, orgs, users):
    from yingji.supervision import draw, services

    record = services.make_draw(users["staff"], county["item"], n_objects=11, group_size=2, seed=424242)
    assert record.seed == 424242 and record.algorithm == draw.ALGORITHM
    assert orgs["a"].credit_code not in record.candidate_objects  # a key enterprise: named, not drawn
    assert len(record.candidate_objects) == 11 == len(record.result)
    assert record.candidate_objects == sorted(record.candidate_objects)
    assert record.objects_hash == draw.list_hash(record.candidate_objects)
    assert "ZF005" not in record.candidate_inspectors  # expired certificate
    assert record.exclusions[orgs["b"].credit_code] == ["ZF000"]
    by_object = {r["object"]: r["inspectors"] for r in record.result}
    assert "ZF000" not in by_object[orgs["b"].credit_code]
    inspections = list(record.inspections.prefetch_related("inspectors"))
    assert len(inspections) == 11 and all(i.inspectors.count() == 2 for i in inspections)
    assert all(i.trigger == "random" and i.state == "planned" and i.items.count() == 3 for i in inspections)
    # The same inputs give the same draw: the engine again, the service's verification, the command.
    again = draw.run(record.seed, record.candidate_objects, record.candidate_inspectors, 11, 2, record.exclusions)
    assert again.as_list() == record.result
    assert services.verify(record).ok
    out = io.StringIO()
    call_command("supervision_draw", verify=record.pk, stdout=out)
    assert "复核通过" in out.getvalue()


def test_the_draws_checks_are_written_in_bulk_with_their_history_and_to_dos(county, orgs, users):
    from auditlog.models import LogEntry

    from yingji.core.framework.models import ToDo
    from yingji.supervision import services
    from yingji.supervision.models import Inspection

    record = services.make_draw(users["staff"], county["item"], n_objects=4, group_size=2, seed=99)
    checks = list(record.inspections.all())
    assert len(checks) == 4
    for check in checks:
        entries = LogEntry.objects.get_for_object(check)
        created = entries.get(action=LogEntry.Action.CREATE)  # one creation entry each, by the user who drew
        assert created.actor == users["staff"] and created.changes["trigger"] == ["None", "random"]
        assert entries.count() == 1 and check.inspectors.count() == 2  # inspectors: not in the history, as before
        assert check.items.count() == 3
        assert ToDo.objects.filter(registry="inspections", object_id=str(check.pk), closed_at__isnull=True).exists()
    # the bulk path refuses what schedule refuses: a declared conflict of interest, a group of one
    bureau_b = county["inspectors"][0]  # related to orgs["b"]
    with pytest.raises(ValidationError, match="应当回避"):
        services.schedule_drawn(users["staff"], county["item"], record,
                                [(orgs["b"], [bureau_b, county["inspectors"][1]])])
    with pytest.raises(ValidationError, match="不少于 2 名"):
        services.schedule_drawn(users["staff"], county["item"], record, [(orgs["b"], [county["inspectors"][1]])])
    assert Inspection.objects.filter(draw=record).count() == 4


def test_verification_finds_a_changed_record(county, users):
    from django.core.management.base import CommandError

    from yingji.supervision import services
    from yingji.supervision.models import Draw

    record = services.make_draw(users["staff"], county["item"], n_objects=3, seed=7)
    result = record.result
    result[0]["inspectors"], result[1]["inspectors"] = result[1]["inspectors"], result[0]["inspectors"]
    Draw.objects.filter(pk=record.pk).update(result=result)
    record.refresh_from_db()
    if result[0]["inspectors"] != result[1]["inspectors"]:
        assert not services.verify(record).ok
        with pytest.raises(CommandError, match="结果与记录不同"):
            call_command("supervision_draw", verify=record.pk, stdout=io.StringIO())
    Draw.objects.filter(pk=record.pk).update(candidate_objects=record.candidate_objects[1:])
    record.refresh_from_db()
    assert "候选企业清单的 SHA-256 与记录不符" in services.verify(record).problems


def test_the_inspectors_of_an_enterprises_last_check_are_not_drawn_for_it_again(county, orgs, users):
    from yingji.supervision import services

    first = services.schedule(users["staff"], organization=orgs["b"], trigger="complaint", trigger_note="举报",
                              plan_item=county["item"], inspectors=county["inspectors"][1:3])
    record = services.make_draw(users["staff"], county["item"], n_objects=11, seed=1)
    assert record.exclusions[orgs["b"].credit_code] == ["ZF000", "ZF001", "ZF002"]
    sent = next(r["inspectors"] for r in record.result if r["object"] == orgs["b"].credit_code)
    assert not set(sent) & {"ZF000", "ZF001", "ZF002"}
    assert first.pk in set(orgs["b"].inspections.values_list("pk", flat=True))


def test_a_draw_asks_for_a_published_plan_two_inspectors_and_enough_candidates(county, users, api):
    from yingji.supervision import services

    item, plan = county["item"], county["plan"]
    answer = api("staff").post(f"/api/plan-items/{item.pk}/draw/", {"n_objects": 3, "group_size": 1}, format="json")
    assert answer.status_code == 400 and "group_size" in answer.json()
    answer = api("staff").post(f"/api/plan-items/{item.pk}/draw/", {"n_objects": 12}, format="json")
    assert answer.status_code == 409 and "候选企业只有 11 家" in answer.json()["detail"]
    workflow.apply(users["staff"], plan, "close", comment="年度结束")
    with pytest.raises(Conflict, match="须发布执行后"):
        services.make_draw(users["staff"], item, n_objects=1)
    assert not item.draws.exists()


def test_the_draw_operation_makes_the_checks_and_answers_what_was_drawn(county, api):
    answer = api("staff").post(f"/api/plan-items/{county['item'].pk}/draw/",
                               {"n_objects": 4, "seed": 99, "enterprise_class": ["fireworks"]}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["seed"] == 99 and len(body["result"]) == 4
    verify = api("leader").get(f"/api/supervision/draws/{body['draw']}/verify/").json()
    assert verify["ok"] and verify["objects_hash"] == body["objects_hash"]


def test_a_check_beyond_the_cap_is_refused_unless_a_complaint_or_an_accident_drives_it(county, orgs, users, api):
    from yingji.supervision import services

    staff, item, people = users["staff"], county["item"], county["inspectors"]
    for _ in range(2):
        services.schedule(staff, organization=orgs["a"], trigger="key", plan_item=item, inspectors=people[1:3])
    with pytest.raises(Conflict, match="达到年度计划上限 2 次"):
        services.schedule(staff, organization=orgs["a"], trigger="key", plan_item=item, inspectors=people[1:3])
    refused = api("staff").post("/api/inspections/schedule/", {
        "trigger": "key", "organization": orgs["a"].pk, "plan_item": item.pk,
        "inspectors": [people[1].pk, people[2].pk]}, format="json")
    assert refused.status_code == 409 and "只有投诉举报或事故引起的检查可以超出上限" in refused.json()["detail"]
    allowed = api("staff").post("/api/inspections/schedule/", {
        "trigger": "complaint", "trigger_note": "12350 举报", "organization": orgs["a"].pk, "plan_item": item.pk,
        "inspectors": [people[1].pk, people[2].pk]}, format="json")
    assert allowed.status_code == 200 and allowed.json()["beyond_cap"] is True
    assert orgs["a"].inspections.filter(beyond_cap=True, trigger="complaint").count() == 1
    # A cancelled check does not count (nor do complaint-driven ones).
    first = orgs["a"].inspections.filter(trigger="key").first()
    workflow.apply(staff, first, "cancel", inputs={"reason": "企业停产"})
    assert services.schedule(staff, organization=orgs["a"], trigger="key", plan_item=item, inspectors=people[1:3])


def test_a_frequency_rule_sets_the_cap_for_the_enterprises_it_names(county, orgs, users, tree):
    from yingji.supervision import services
    from yingji.supervision.models import FrequencyRule

    FrequencyRule.objects.create(region=tree["county"], enterprise_class="fireworks", frequency_per_year=1,
                                 cap_per_year=1, source_document="测试文件", effective_from=datetime.date(YEAR, 1, 1))
    people = county["inspectors"][1:3]
    services.schedule(users["staff"], organization=orgs["a"], trigger="key", plan_item=county["item"], inspectors=people)
    with pytest.raises(Conflict, match="上限 1 次"):
        services.schedule(users["staff"], organization=orgs["a"], trigger="key", plan_item=county["item"],
                          inspectors=people)
    # and an enterprise at its cap is no longer a candidate of the random draw
    first = services.make_draw(users["staff"], county["item"], n_objects=10, seed=5)
    assert len(first.candidate_objects) == 11 and orgs["a"].credit_code not in first.candidate_objects
    left = sorted(set(first.candidate_objects) - {r["object"] for r in first.result})
    assert services.make_draw(users["staff"], county["item"], n_objects=1, seed=6).candidate_objects == left


def test_scheduling_refuses_expired_certificates_conflicts_one_inspector_and_a_key_check_of_another(county, orgs,
                                                                                                   users):
    from yingji.supervision import services

    staff, item, people = users["staff"], county["item"], county["inspectors"]
    cases = [
        (dict(organization=orgs["a"], trigger="key", plan_item=item, inspectors=[people[1], people[5]]), "执法证已过期"),
        (dict(organization=orgs["b"], trigger="complaint", trigger_note="举报", inspectors=people[:2]), "应当回避"),
        (dict(organization=orgs["a"], trigger="key", plan_item=item, inspectors=people[1:2]), "不少于 2 名"),
        (dict(organization=orgs["b"], trigger="key", plan_item=item, inspectors=people[1:3]), "重点检查企业名单"),
        (dict(organization=orgs["b"], trigger="complaint", inspectors=people[1:3]), "须说明来由"),
        (dict(organization=orgs["b"], trigger="key", inspectors=people[1:3]), "须选择年度计划"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.schedule(staff, **kwargs)
    assert not orgs["a"].inspections.exists() and not orgs["b"].inspections.exists()


def test_every_refusal_of_the_plan_and_check_workflows(county, orgs, users, tree):
    from yingji.supervision import services
    from yingji.supervision.models import InspectionPlan

    staff = users["staff"]
    empty = InspectionPlan.objects.create(year=YEAR, title="空计划", unit=county["bureau"], region=tree["county"])
    with pytest.raises(TransitionError, match="没有检查事项"):
        workflow.apply(staff, empty, "publish")
    with pytest.raises(TransitionError):
        workflow.apply(staff, county["plan"], "publish")  # already published
    check = services.schedule(staff, organization=orgs["a"], trigger="key", plan_item=county["item"],
                              inspectors=county["inspectors"][1:3])
    item = check.items.first()
    with pytest.raises(Conflict, match="开始现场检查后才能填写"):
        services.answer(staff, item, answer="compliant")
    with pytest.raises(Conflict, match="开始现场检查后"):
        services.add_finding(staff, check, description="问题")
    with pytest.raises(TransitionError):
        workflow.apply(staff, check, "complete", comment="完成")  # not started
    with pytest.raises(TransitionError):
        workflow.apply(staff, check, "cancel")  # needs its reason
    workflow.apply(staff, check, "start")
    with pytest.raises(TransitionError, match="还有 3 项检查要点未填写结果"):
        workflow.apply(staff, check, "complete", comment="完成")
    with pytest.raises(ValidationError, match="不符合的须说明情况"):
        services.answer(staff, item, answer="noncompliant")
    for point in check.items.all():
        services.answer(staff, point, answer="compliant")
    check.inspectors.remove(county["inspectors"][1])
    with pytest.raises(TransitionError, match="不少于 2 名"):
        workflow.apply(staff, check, "complete", comment="完成")
    check.inspectors.add(county["inspectors"][1])
    workflow.apply(staff, check, "complete", comment="未发现问题")
    check.refresh_from_db()
    assert check.state == "completed" and check.finished_at and check.summary == "未发现问题"
    with pytest.raises(TransitionError):
        workflow.apply(staff, check, "cancel", inputs={"reason": "x"})
    with pytest.raises(Conflict):
        services.answer(staff, item, answer="not_applicable")


def _on_site(county, orgs, users):
    from yingji.supervision import services

    check = services.schedule(users["staff"], organization=orgs["a"], trigger="key", plan_item=county["item"],
                              inspectors=county["inspectors"][1:3])
    workflow.apply(users["staff"], check, "start")
    check.refresh_from_db()
    return check


def test_a_finding_becomes_a_hidden_hazard_that_links_back_to_the_check(county, orgs, users, api, web):
    from yingji.hazards.models import Hazard
    from yingji.supervision import services

    check = _on_site(county, orgs, users)
    finding = services.add_finding(users["staff"], check, description="药物混合工房超员作业", clause="《烟花爆竹安全管理条例》")
    refused = api("readonly").post(f"/api/findings/{finding.pk}/to-hazard/", {}, format="json")
    assert refused.status_code == 403
    major = api("staff").post(f"/api/findings/{finding.pk}/to-hazard/", {"grade": "major"}, format="json")
    assert major.status_code == 400 and "major_basis" in major.json()
    answer = api("staff").post(f"/api/findings/{finding.pk}/to-hazard/",
                               {"measures": "立即停止超员作业", "deadline": f"{YEAR}-12-31",
                                "responsible_person": "张安全"}, format="json")
    assert answer.status_code == 200, answer.json()
    hazard = Hazard.objects.get(pk=answer.json()["hazard"])
    assert (hazard.state, hazard.channel, hazard.organization, hazard.reported_by) == (
        "reported", "government_inspection", orgs["a"], users["staff"])
    assert f"检查记录编号 {check.pk}" in hazard.description and hazard.inspection_finding == finding
    again = api("staff").post(f"/api/findings/{finding.pk}/to-hazard/", {}, format="json")
    assert again.status_code == 409 and "已转为隐患" in again.json()["detail"]
    # The hazard's page names the finding (it links back); the closed loop goes on from there.
    page = web("admin").get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert "检查发现问题" in page and f"/registry/findings/{finding.pk}/" in page
    workflow.apply(users["admin"], hazard, "verify")
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"


def test_evidence_photos_keep_time_and_position(county, orgs, users, api):
    check = _on_site(county, orgs, users)
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, content_type="image/jpeg")
    answer = api("staff").post(f"/api/inspections/{check.pk}/add-evidence/", {
        "photo": photo, "taken_at": f"{YEAR}-01-02T10:30:00+08:00", "lon": "113.78", "lat": "27.98",
        "accuracy_m": "12"}, format="multipart")
    assert answer.status_code == 200, answer.json()
    evidence = check.evidence.get()
    assert (evidence.lon, evidence.lat, evidence.accuracy_m) == (113.78, 27.98, 12)
    assert timezone.localtime(evidence.taken_at).strftime("%Y-%m-%d %H:%M") == f"{YEAR}-01-02 10:30"
    assert evidence.attachment.record == check and "27.980000,113.780000" in evidence.attachment.description
    one_sided = api("staff").post(f"/api/inspections/{check.pk}/add-evidence/", {
        "photo": SimpleUploadedFile("b.jpg", b"\xff\xd8\xff\xe0", content_type="image/jpeg"), "lon": "113.7"},
        format="multipart")
    assert one_sided.status_code == 400 and "lat" in one_sided.json()
    assert check.evidence.count() == 1


def test_the_enterprise_page_lists_its_checks_and_findings_and_the_enterprise_sees_only_its_own(county, orgs,
                                                                                                   users, web, api):
    from yingji.supervision import services

    check = _on_site(county, orgs, users)
    services.add_finding(users["staff"], check, description="消防通道堵塞")
    page = web("admin").get(f"/registry/organizations/{orgs['a'].pk}/").content.decode()
    assert "监督检查记录" in page and "检查发现问题" in page and "消防通道堵塞" in page
    services.schedule(users["staff"], organization=orgs["b"], trigger="complaint", trigger_note="举报",
                      inspectors=county["inspectors"][1:3])
    mine = api("enterprise_a").get("/api/inspections/").json()
    assert [r["id"] for r in mine["results"]] == [check.pk]
    assert api("enterprise_a").post(f"/api/inspections/{check.pk}/add-finding/", {"description": "x"},
                                    format="json").status_code == 403


def test_progress_by_month_and_unit(county, orgs, users, api, web):
    from yingji.supervision import services
    from yingji.supervision.models import Inspection

    check = _on_site(county, orgs, users)
    for point in check.items.all():
        services.answer(users["staff"], point, answer="compliant")
    workflow.apply(users["staff"], check, "complete", comment="未发现问题")
    Inspection.objects.filter(pk=check.pk).update(finished_at=datetime.datetime(YEAR, 3, 5, 2, tzinfo=datetime.UTC))
    services.make_draw(users["staff"], county["item"], n_objects=2, seed=3)
    p = api("leader").get(f"/api/supervision/plans/{county['plan'].pk}/progress/").json()
    row = p["items"][0]
    assert row["planned"] == (1 + 6) * 1 and row["completed"] == 1 and row["open"] == 2
    assert row["months"][2] == 1 and sum(row["months"]) == 1
    assert p["units"] == [{"unit": "浏阳市应急管理局", "months": row["months"], "planned": 7, "completed": 1, "open": 2,
                           "percent": 14.3}]
    page = web("leader").get(f"/supervision/plans/{county['plan'].pk}/progress/")
    assert page.status_code == 200 and "1/7" in page.content.decode()


def test_the_public_page_lists_published_draws_and_results_without_login(county, orgs, users, client):
    from yingji.supervision import services

    record = services.make_draw(users["staff"], county["item"], n_objects=2, seed=11)
    listing = client.get("/public/inspections/")
    assert listing.status_code == 200 and "烟花爆竹生产企业安全检查" in listing.content.decode()
    page = client.get(f"/public/inspections/{record.pk}/").content.decode()
    assert str(record.seed) in page and record.objects_hash in page
    first = record.result[0]
    assert first["object"] in page and "执法员" in page and "待检查" in page
