"""听证 (行政处罚法 第六十三条至第六十五条): a party who asks for a hearing is notified at least the rule's
days ahead, heard by a host who did not investigate the case, minuted and reported — and no decision is
made before the report. Through the API, as the case's handler takes the steps."""

import datetime

from django.utils import timezone

from tests.supervision.test_case_papers import text_of
from yingji.core.framework import workflow
from yingji.supervision import casedocs, caseservices
from yingji.supervision.casechoices import DocKind
from yingji.supervision.casemodels import CaseDocument


def test_a_requested_hearing_is_notified_held_minuted_and_reported_before_the_decision(users, notified_case, api):
    case = notified_case(fine="150000", overdue=True)  # above the hearing amount for a unit (5万元)
    staff = api("staff")
    early = staff.post(f"/api/enforcement-cases/{case.pk}/schedule-hearing/",
                       {"held_at": "2030-01-01T09:00", "place": "局三楼会议室", "host": "王主持"}, format="json")
    assert early.status_code == 409 and "未要求听证" in early.json()["detail"]
    caseservices.record_statement(users["staff"], case, statement="罚款过重，要求听证。", hearing_requested=True)
    case.refresh_from_db()
    assert "须先通知并举行听证" in caseservices.ready_to_decide(case)

    soon = timezone.localtime() + datetime.timedelta(days=3)
    too_soon = staff.post(f"/api/enforcement-cases/{case.pk}/schedule-hearing/",
                          {"held_at": soon.strftime("%Y-%m-%dT%H:%M"), "place": "局三楼会议室", "host": "王主持"},
                          format="json")
    assert too_soon.status_code == 400 and "7日前" in too_soon.json()["held_at"][0]
    later = (timezone.localtime() + datetime.timedelta(days=8)).replace(hour=9, minute=30, second=0, microsecond=0)
    investigator = case.document(DocKind.INTERVIEW).content["interviewers"]
    own = staff.post(f"/api/enforcement-cases/{case.pk}/schedule-hearing/",
                     {"held_at": later.strftime("%Y-%m-%dT%H:%M"), "place": "局三楼会议室", "host": investigator},
                     format="json")
    assert own.status_code == 400 and "非本案调查人员" in own.json()["host"][0]
    summons = staff.post(f"/api/enforcement-cases/{case.pk}/schedule-hearing/",
                         {"held_at": later.strftime("%Y-%m-%dT%H:%M"), "place": "局三楼会议室", "host": "王主持"},
                         format="json")
    assert summons.status_code == 200, summons.json()
    paper = CaseDocument.objects.get(pk=summons.json()["id"])
    assert paper.number.startswith("浏阳市应急听通〔") and paper.served_to_party
    text = text_of(casedocs.paper(paper))
    assert f"定于{later:%Y年%m月%d日 %H:%M}在局三楼会议室" in text and "由王主持主持" in text and "视为放弃听证权利" in text

    minutes = {"host": "王主持", "participants": "调查人员张三、当事人代理人李四、书记员赵六",
               "record": "调查人员陈述事实和处罚建议。\n当事人代理人：已全部补训，请求从轻。"}
    not_yet = staff.post(f"/api/enforcement-cases/{case.pk}/record-hearing/", minutes, format="json")
    assert not_yet.status_code == 409 and "尚未开始" in not_yet.json()["detail"]
    assert staff.post(f"/api/enforcement-cases/{case.pk}/hearing-report/", {"findings": "x", "opinion": "y"},
                      format="json").status_code == 409  # no minutes yet
    held = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    CaseDocument.objects.filter(pk=paper.pk).update(content={**paper.content, "held_at": held})  # the day has come
    record = staff.post(f"/api/enforcement-cases/{case.pk}/record-hearing/", minutes, format="json")
    assert record.status_code == 200, record.json()
    minuted = text_of(casedocs.paper(CaseDocument.objects.get(pk=record.json()["id"])))
    assert "听证笔录" in minuted and "当事人代理人：已全部补训，请求从轻。" in minuted and "到场" in minuted
    report = staff.post(f"/api/enforcement-cases/{case.pk}/hearing-report/",
                        {"findings": "违法事实清楚，当事人已补训。", "opinion": "建议维持拟作出的处罚。"}, format="json")
    assert report.status_code == 200, report.json()
    reported = text_of(casedocs.paper(CaseDocument.objects.get(pk=report.json()["id"])))
    assert "主持人意见" in reported and "建议维持拟作出的处罚。" in reported and record.json()["number"] in reported
    assert staff.post(f"/api/enforcement-cases/{case.pk}/hearing-report/", {"findings": "x", "opinion": "y"},
                      format="json").status_code == 409  # once
    case.refresh_from_db()
    assert "听证" not in (caseservices.ready_to_decide(case) or "")  # the hearing no longer stops the decision
    assert "法制审核" in caseservices.ready_to_decide(case)  # 15万元: the next gate
    workflow.apply(users["staff"], case, "submit_review")
    case.refresh_from_db()
    kinds = [d.kind for d in case.documents.order_by("issued_at", "id")]
    assert kinds.index(DocKind.HEARING_SUMMONS) < kinds.index(DocKind.HEARING_RECORD) < kinds.index(DocKind.HEARING_REPORT)
