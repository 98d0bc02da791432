"""Enforcement cases on their declared workflow: the whole way, every refusal (wrong state, missing
paper, missing review or discussion above the threshold), separation of duties, local thresholds,
the clocks and the papers' numbers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.operations import Conflict
from yingji.core.framework.statemachine import TransitionError
from yingji.supervision import caseservices
from yingji.supervision.casechoices import DocKind
from yingji.supervision.casemodels import CaseDocument, CaseRule


def kinds(case):
    return list(case.documents.order_by("issued_at", "id").values_list("kind", flat=True))


def serve(case, kind=DocKind.DECISION, user=None):
    doc = case.document(kind)
    return caseservices.record_service(user, doc, method="direct", served_at=timezone.now(), served_to="王五（法定代表人）",
                                       served_by="张三、赵六", receipt="王五当场签收")


def test_opening_numbers_the_case_and_its_filing_form(open_case, tree):
    case = open_case()
    year = timezone.localdate().year
    assert case.number == f"AJ{year}0001" and case.state == "filed"
    assert case.party_name == "大瑶花炮厂" and case.party_code  # taken from the enterprise
    filing = case.document(DocKind.FILING)
    assert filing.number == f"浏阳市应急立〔{year}〕1号"
    assert open_case().document(DocKind.FILING).number == f"浏阳市应急立〔{year}〕2号"


def test_a_small_fine_goes_the_whole_way_without_review(users, notified_case):
    staff, leader = users["staff"], users["leader"]
    case = notified_case(fine="10000")
    assert kinds(case) == [DocKind.FILING, DocKind.INTERVIEW, DocKind.PENALTY_NOTICE]  # no hearing below 5万
    caseservices.record_statement(staff, case, statement="我单位已组织补训，请求从轻处罚。")
    workflow.apply(leader, case, "decide")
    serve(case)
    workflow.apply(staff, case, "execute", comment="当事人已于当日缴纳罚款，缴款书号 0012345")
    workflow.apply(leader, case, "close")
    case.refresh_from_db()
    assert case.state == "closed" and case.decided_on and case.closed_on
    assert kinds(case) == [DocKind.FILING, DocKind.INTERVIEW, DocKind.PENALTY_NOTICE, DocKind.STATEMENT,
                           DocKind.DECISION, DocKind.CLOSING]
    steps = list(workflow.log_of(case).order_by("at").values_list("transition", flat=True))
    assert steps == ["investigate", "notify", "decide", "execute", "close"]  # the full-process record
    assert case.document(DocKind.CLOSING).content["execution"].startswith("当事人已于当日缴纳罚款")


def test_a_step_from_the_wrong_state_is_refused(users, open_case):
    case = open_case()
    with pytest.raises(TransitionError, match="当前状态为“已立案”，不能作出处罚决定"):
        workflow.apply(users["leader"], case, "decide")
    with pytest.raises(TransitionError, match="不能执行完毕"):
        workflow.apply(users["staff"], case, "execute", comment="x")


def test_notice_needs_the_discretion_and_an_interview(users, open_case):
    staff = users["staff"]
    case = open_case()
    workflow.apply(staff, case, "investigate")
    with pytest.raises(TransitionError, match="告知前须完成裁量"):
        workflow.apply(staff, case, "notify")
    caseservices.set_discretion(staff, case, entry="AQSCF-97-3", answers={"overdue": False}, fine_cny=Decimal("8000"))
    with pytest.raises(TransitionError, match="告知前须有询问笔录"):
        workflow.apply(staff, case, "notify")


def test_the_fine_must_lie_in_the_tiers_range_and_is_fixed_once_told(users, open_case, notified_case):
    staff = users["staff"]
    case = open_case()
    workflow.apply(staff, case, "investigate")
    with pytest.raises(ValidationError) as bad:
        caseservices.set_discretion(staff, case, entry="AQSCF-97-3", answers={"overdue": True},
                                    fine_cny=Decimal("99999.99"))
    assert "不在“逾期未改正”阶次的幅度内（10万元以上20万元以下）" in bad.value.message_dict["fine_cny"][0]
    with pytest.raises(ValidationError) as unanswered:
        caseservices.set_discretion(staff, case, entry="AQSCF-97-3", answers={}, fine_cny=Decimal("1"))
    assert "请回答" in unanswered.value.message_dict["answers"][0]
    told = notified_case()
    with pytest.raises(Conflict, match="告知当事人后不能再改变裁量结果"):
        caseservices.set_discretion(staff, told, entry="AQSCF-97-3", answers={"overdue": False}, fine_cny=Decimal("1"))


def test_no_decision_before_the_party_is_heard_or_the_time_is_over(users, notified_case):
    case = notified_case(fine="10000")
    with pytest.raises(TransitionError, match="须先听取当事人的陈述、申辩"):
        workflow.apply(users["leader"], case, "decide")
    type(case).objects.filter(pk=case.pk).update(notified_on=timezone.localdate() - datetime.timedelta(days=4))
    case.refresh_from_db()
    workflow.apply(users["leader"], case, "decide")  # 3 days for 陈述申辩 have passed


def test_above_the_threshold_review_and_discussion_are_required(users, notified_case, legal):
    staff, leader = users["staff"], users["leader"]
    case = notified_case(fine="150000", overdue=True)  # a unit, 15万元 ≥ 5万元
    assert kinds(case)[-2:] == [DocKind.PENALTY_NOTICE, DocKind.HEARING_NOTICE]  # the right to a hearing
    caseservices.record_statement(staff, case, statement="无异议。")
    with pytest.raises(TransitionError, match="达到须法制审核的罚款（单位）.*未经法制审核不得作出决定"):
        workflow.apply(leader, case, "decide")
    workflow.apply(staff, case, "submit_review")
    with pytest.raises(PermissionDenied, match="您的角色不能执行“法制审核通过”"):
        workflow.apply(staff, case, "review_pass", comment="同意")
    workflow.apply(legal, case, "review_pass", comment="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当")
    with pytest.raises(TransitionError, match="须经负责人集体讨论后决定"):
        workflow.apply(leader, case, "decide")
    workflow.apply(leader, case, "discuss", comment="同意按拟处罚意见作出决定")
    workflow.apply(leader, case, "decide")
    assert case.state == "decided"


def test_who_filed_the_case_may_not_review_it(users, orgs):
    admin = users["admin"]  # holds every role, so only separation of duties stands in the way
    case = caseservices.open_case(admin, cause="未如实记录安全生产教育和培训情况案", facts="培训记录空白。",
                                  region=orgs["b"].region, organization=orgs["b"])
    workflow.apply(admin, case, "investigate")
    caseservices.set_discretion(admin, case, entry="AQSCF-97-3", answers={"overdue": True}, fine_cny=Decimal("120000"))
    caseservices.record_interview(admin, case, person="周七", position="厂长", place="厂部", record="问：……\n答：……")
    workflow.apply(admin, case, "notify")
    caseservices.record_statement(admin, case, statement="无异议。")
    workflow.apply(admin, case, "submit_review")
    with pytest.raises(PermissionDenied, match="职责分离：本案承办人不能法制审核通过"):
        workflow.apply(admin, case, "review_pass", comment="同意")


def test_the_review_may_send_the_case_back_for_more_evidence(users, notified_case, legal):
    case = notified_case(fine="150000", overdue=True)
    caseservices.record_statement(users["staff"], case, statement="无异议。")
    workflow.apply(users["staff"], case, "submit_review")
    with pytest.raises(TransitionError, match="须填写理由"):
        workflow.apply(legal, case, "review_return")
    workflow.apply(legal, case, "review_return", inputs={"reason": "缺少培训档案的书证"})
    assert case.state == "investigating"


def test_the_wrong_role_may_not_take_a_step(users, notified_case):
    case = notified_case()
    caseservices.record_statement(users["staff"], case, statement="无异议。")
    with pytest.raises(PermissionDenied):
        workflow.apply(users["staff"], case, "decide")  # the head of the organ decides
    with pytest.raises(PermissionDenied):
        workflow.apply(users["township_a"], case, "investigate")


def test_execution_needs_the_decision_served_and_service_is_recorded_once(users, notified_case):
    case = notified_case()
    caseservices.record_statement(users["staff"], case, statement="无异议。")
    workflow.apply(users["leader"], case, "decide")
    with pytest.raises(TransitionError, match="行政处罚决定书尚未送达"):
        workflow.apply(users["staff"], case, "execute", comment="已缴纳")
    doc = serve(case)
    assert doc.served_method == "direct" and doc.served_to.startswith("王五")
    with pytest.raises(Conflict, match="送达记录不能改写"):
        serve(case)
    with pytest.raises(Conflict, match="不向当事人送达"):
        serve(case, DocKind.INTERVIEW)


def test_a_local_threshold_overrides_the_national_default(users, notified_case, tree):
    CaseRule.objects.create(key="legal_review_unit", value=Decimal("200000"), region=tree["province"],
                            source="某省重大执法决定法制审核目录清单", confirmed=True)
    CaseRule.objects.create(key="collective_unit", value=Decimal("300000"), region=tree["county"],
                            source="某县规定", confirmed=True)
    CaseRule.objects.create(key="collective_unit", value=Decimal("100000"), region=tree["province"],
                            source="某省规定", confirmed=True)
    rules = caseservices.rules_for(tree["a"])
    assert rules["legal_review_unit"].value == 200000 and rules["collective_unit"].value == 300000  # nearest wins
    assert rules["decision_days"].value == 90 and rules["decision_days"].confirmed  # untouched default
    case = notified_case(fine="150000", overdue=True)
    caseservices.record_statement(users["staff"], case, statement="无异议。")
    workflow.apply(users["leader"], case, "decide")  # under both local thresholds
    assert case.state == "decided"


def test_the_clocks_run_from_filing_and_from_service(users, notified_case):
    case = notified_case()
    assert caseservices.decision_due(case) == case.filed_on + datetime.timedelta(days=90)
    caseservices.record_statement(users["staff"], case, statement="无异议。")
    workflow.apply(users["leader"], case, "decide")
    assert caseservices.decision_due(case) is None
    assert caseservices.payment_due(case) == case.decided_on + datetime.timedelta(days=7)  # to be served first
    doc = serve(case)
    assert caseservices.payment_due(case) == timezone.localdate(doc.served_at) + datetime.timedelta(days=15)


def test_the_to_do_carries_the_decision_clock(users, notified_case):
    from yingji.core.framework.models import ToDo

    case = notified_case()
    todo = ToDo.objects.get(registry="enforcement-cases", object_id=str(case.pk), closed_at__isnull=True)
    assert todo.label == "待法制审核或决定" and "leader" in todo.roles
    assert timezone.localdate(todo.due_at) == case.filed_on + datetime.timedelta(days=90)


def test_revoking_is_only_before_the_notice(users, open_case, notified_case):
    case = open_case()
    workflow.apply(users["leader"], case, "revoke", inputs={"reason": "经调查不属于本机关管辖"})
    assert case.state == "revoked"
    with pytest.raises(TransitionError, match="不能撤销立案"):
        workflow.apply(users["leader"], notified_case(), "revoke", inputs={"reason": "x"})


def test_papers_are_an_append_only_record(users, open_case):
    from yingji.core.framework.registry import get_registry

    case = open_case()
    reg = get_registry("case-documents")
    assert reg.locked(case.document(DocKind.FILING))  # no edit, no delete by hand
    assert not reg.allow_create
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_a_finding_opens_a_case_once(users, orgs):
    from yingji.supervision.models import Finding, Inspection

    inspection = Inspection.objects.create(organization=orgs["b"], region=orgs["b"].region,
                                           year=timezone.localdate().year, trigger="complaint")
    finding = Finding.objects.create(inspection=inspection, description="二车间 3 名操作工未经安全培训上岗",
                                     clause="《安全生产法》第二十八条")
    case = caseservices.open_case_from_finding(finding, users["staff"])
    assert case.finding == finding and case.organization == orgs["b"] and case.region == orgs["b"].region
    assert case.facts == finding.description and case.cause.endswith("案")
    assert "监督检查发现" in case.document(DocKind.FILING).content["source"]
    with pytest.raises(Conflict, match="该问题已经立案"):
        caseservices.open_case_from_finding(finding, users["staff"])


def test_the_api_answers_409_for_a_wrong_state_and_400_for_a_fine_out_of_range(api, users, open_case):
    case = open_case()
    client = api("leader")
    wrong = client.post(f"/api/enforcement-cases/{case.pk}/decide/", {}, format="json")
    assert wrong.status_code == 409 and "当前状态为“已立案”" in wrong.json()["detail"]
    staff = api("staff")
    assert staff.post(f"/api/enforcement-cases/{case.pk}/investigate/", {}, format="json").status_code == 200
    bad = staff.post(f"/api/enforcement-cases/{case.pk}/set-discretion/",
                     {"entry": "AQSCF-97-3", "q_overdue": "是", "fine_cny": "5"}, format="json")  # 5万元 < 10万元
    assert bad.status_code == 400 and "10万元以上20万元以下" in str(bad.json())
    good = staff.post(f"/api/enforcement-cases/{case.pk}/set-discretion/",
                      {"entry": "AQSCF-97-3", "q_overdue": "是", "fine_cny": "120000元"}, format="json")
    assert good.status_code == 200 and good.json()["tier"] == "逾期未改正"
    case.refresh_from_db()
    assert case.fine_cny == Decimal("120000.00") and case.discretion["answers"] == {"overdue": True}
    assert api("township_a").post(f"/api/enforcement-cases/{case.pk}/record-interview/", {
        "person": "x", "place": "y", "record": "z"}, format="json").status_code == 403


def test_the_enterprise_page_lists_its_cases_and_the_history_reads_in_words(web, users, notified_case, orgs):
    case = notified_case(fine="15000")
    page = web("staff").get(f"/registry/organizations/{orgs['a'].pk}/").content.decode()
    assert "执法案件" in page and case.number in page
    other = web("staff").get(f"/registry/organizations/{orgs['b'].pk}/").content.decode()
    assert case.number not in other
    record = web("staff").get(f"/registry/enforcement-cases/{case.pk}/").content.decode()
    assert "1.5（15,000 元）" in record  # the fine in 万元 with its yuan
    assert "裁量阶次：责令限期改正；条件：经责令限期改正，逾期未改正：否" in record  # the page and its history
    assert "\\u" not in record


def test_the_on_site_pages_link_opens_a_case_from_its_finding(web, users, orgs):
    from yingji.supervision.models import Finding, Inspection

    inspection = Inspection.objects.create(organization=orgs["a"], region=orgs["a"].region,
                                           year=timezone.localdate().year, trigger="complaint")
    finding = Finding.objects.create(inspection=inspection, description="装药工房超员作业")
    client = web("staff")
    form = client.get(f"/registry/enforcement-cases/do/open-case/?finding={finding.pk}").content.decode()
    assert "装药工房超员作业案" in form  # cause and facts prefilled from the finding
    answer = client.post("/registry/enforcement-cases/do/open-case/", {
        "finding": finding.pk, "cause": "装药工房超员作业案", "party_kind": "unit", "facts": "装药工房超员作业"})
    assert answer.status_code == 302
    finding.refresh_from_db()
    assert finding.case.organization == orgs["a"] and answer["Location"].endswith(f"/{finding.case.pk}/")
