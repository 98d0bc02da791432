"""The papers of an on-site check (issue 21): 现场检查记录, 责令限期整改指令书, 整改复查意见书 and
现场处理措施决定书 through the API as the inspectors take them — numbered per kind and year, refused in
the wrong state or with another check's findings, served once — and read back from their .docx."""

import datetime

import pytest
from django.utils import timezone

from tests.supervision.test_case_papers import text_of
from yingji.core.framework import workflow
from yingji.supervision import checkpapers, services
from yingji.supervision.checkpapermodels import CheckPaper

YEAR = timezone.localdate().year


@pytest.fixture
def on_site(county, orgs, users):
    def make(org="a"):
        check = services.schedule(users["staff"], organization=orgs[org], trigger="complaint", trigger_note="举报",
                                  plan_item=county["item"], inspectors=county["inspectors"][1:3])
        workflow.apply(users["staff"], check, "start")
        check.refresh_from_db()
        return check
    return make


def _paper(response) -> CheckPaper:
    assert response.status_code == 200, response.json()
    return CheckPaper.objects.get(pk=response.json()["id"])


def test_the_record_and_the_order_say_who_checked_what_was_found_and_by_when(on_site, users, api, web):
    check = on_site()
    staff = api("staff")
    assert staff.post(f"/api/inspections/{check.pk}/order-rectification/", {}, format="json").status_code == 400
    first = services.add_finding(users["staff"], check, description="药物混合工房超员作业",
                                 clause="《烟花爆竹安全管理条例》第二十条")
    second = services.add_finding(users["staff"], check, description="防静电设施未接地")
    services.finding_to_hazard(users["staff"], second, grade="general", measures="立即接地", deadline=datetime.date(YEAR, 12, 31),
                               responsible_person="张安全")
    other = services.add_finding(users["staff"], on_site("b"), description="别家的问题")

    assert api("readonly").post(f"/api/inspections/{check.pk}/make-record/", {"place": "工房", "present": "李厂长"},
                                format="json").status_code == 403
    record = _paper(staff.post(f"/api/inspections/{check.pk}/make-record/",
                               {"place": "药物混合工房", "present": "李厂长"}, format="json"))
    assert record.number == f"浏阳市应急检记〔{YEAR}〕1号" and record.organization == check.organization
    again = staff.post(f"/api/inspections/{check.pk}/make-record/", {"place": "工房", "present": "李厂长"}, format="json")
    assert again.status_code == 409 and "已制作现场检查记录" in again.json()["detail"]
    text = text_of(checkpapers.paper_bytes(record))
    assert "现场检查记录" in text and "药物混合工房" in text and "李厂长" in text
    assert "执法员1（执法证号 ZF001）" in text and "执法员2（执法证号 ZF002）" in text
    assert "药物混合工房超员作业（违反《烟花爆竹安全管理条例》第二十条）" in text
    assert f"防静电设施未接地；已转为隐患（整改期限 {YEAR}-12-31）" in text

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    today = staff.post(f"/api/inspections/{check.pk}/order-rectification/",
                       {"findings": [first.pk], "deadline": timezone.localdate().isoformat()}, format="json")
    assert today.status_code == 400 and "应晚于今天" in today.json()["deadline"][0]
    foreign = staff.post(f"/api/inspections/{check.pk}/order-rectification/",
                         {"findings": [first.pk, other.pk], "deadline": tomorrow.isoformat()}, format="json")
    assert foreign.status_code == 400 and "findings" in foreign.json()
    order = _paper(staff.post(f"/api/inspections/{check.pk}/order-rectification/",
                              {"findings": [first.pk], "deadline": tomorrow.isoformat()}, format="json"))
    assert order.number == f"浏阳市应急责改〔{YEAR}〕1号" and order.deadline == tomorrow  # its own series
    text = text_of(checkpapers.paper_bytes(order))
    assert "责令限期整改指令书" in text and "大瑶花炮厂" in text and "1. 药物混合工房超员作业" in text
    assert f"于{tomorrow:%Y年%m月%d日}前整改完毕" in text and "防静电" not in text
    assert "申请行政复议" in text and "浏阳市人民政府" in text
    # The check's page lists its papers and offers the next ones; the paper's page its download.
    page = web("staff").get(f"/registry/inspections/{check.pk}/").content.decode()
    assert order.number in page and record.number in page and "责令限期整改" in page
    assert "制作现场检查记录" not in page  # made once
    assert web("staff").get(f"/registry/check-papers/{order.pk}/documents/paper.docx").status_code == 200
    paper_page = web("staff").get(f"/registry/check-papers/{order.pk}/").content.decode()
    assert "文书要点" in paper_page and "问题或认定的事实：1. 药物混合工房超员作业" in paper_page
    assert ">文书内容</dt>" not in paper_page  # its words, not its JSON
    history = api("staff").get(f"/api/check-papers/{order.pk}/history/").json()["results"][0]["changes"]
    assert any("药物混合工房超员作业" in c["new"] for c in history if c["field"] == "content")  # no \u escapes


def test_a_planned_check_has_no_papers_yet(county, orgs, users, api):
    check = services.schedule(users["staff"], organization=orgs["a"], trigger="complaint", trigger_note="举报",
                              plan_item=county["item"], inspectors=county["inspectors"][1:3])
    answer = api("staff").post(f"/api/inspections/{check.pk}/make-record/", {"place": "工房", "present": "李厂长"},
                               format="json")
    assert answer.status_code == 409 and "开始现场检查后" in answer.json()["detail"]
    assert not CheckPaper.objects.exists()


def test_an_order_is_reviewed_once_and_not_found_overdue_before_its_deadline(on_site, users, api):
    check = on_site()
    finding = services.add_finding(users["staff"], check, description="安全出口堵塞")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    order = checkpapers.order_rectification(users["staff"], check, findings=[finding], deadline=deadline)
    staff = api("staff")
    early = staff.post(f"/api/check-papers/{order.pk}/review/", {"result": "not_done", "opinion": "未整改"}, format="json")
    assert early.status_code == 400 and "未到" in early.json()["result"][0]
    CheckPaper.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    review = _paper(staff.post(f"/api/check-papers/{order.pk}/review/",
                               {"result": "not_done", "opinion": "安全出口仍被货物堵塞。"}, format="json"))
    assert review.number == f"浏阳市应急复查〔{YEAR}〕1号" and review.order == order
    text = text_of(checkpapers.paper_bytes(review))
    assert f"《责令限期整改指令书》（{order.number}）" in text and "1. 安全出口堵塞" in text
    assert "复查结论：逾期未整改。安全出口仍被货物堵塞。" in text and "依法予以处理" in text
    twice = staff.post(f"/api/check-papers/{order.pk}/review/", {"result": "done", "opinion": "已整改"}, format="json")
    assert twice.status_code == 409 and review.number in twice.json()["detail"]
    not_an_order = staff.post(f"/api/check-papers/{review.pk}/review/", {"result": "done", "opinion": "x"}, format="json")
    assert not_an_order.status_code == 409


def test_onsite_measures_are_served_once_with_a_receipt(on_site, users, api, web):
    check = on_site()
    finding = services.add_finding(users["staff"], check, description="二号储罐区可燃气体报警器失效")
    staff = api("staff")
    none = staff.post(f"/api/inspections/{check.pk}/onsite-measures/",
                      {"findings": [finding.pk], "measures": [], "scope": "二号储罐区"}, format="json")
    assert none.status_code == 400 and "measures" in none.json()
    paper = _paper(staff.post(f"/api/inspections/{check.pk}/onsite-measures/",
                              {"findings": [finding.pk], "measures": ["suspend", "stop_use"], "scope": "二号储罐区"},
                              format="json"))
    text = text_of(checkpapers.paper_bytes(paper))
    assert "现场处理措施决定书" in text and "《中华人民共和国安全生产法》第六十五条第一款第三项" in text
    assert "暂时停产停业；停止使用相关设施、设备（范围：二号储罐区）" in text
    assert web("staff").get(f"/registry/check-papers/{paper.pk}/documents/receipt.docx").status_code == 404
    served_at = (timezone.localtime() + datetime.timedelta(minutes=1)).replace(microsecond=0).isoformat()
    body = {"served_method": "direct", "served_at": served_at, "served_to": "李厂长", "served_by": "执法员1",
            "receipt": "李厂长当场签收"}
    assert staff.post(f"/api/check-papers/{paper.pk}/record-service/", body, format="json").status_code == 200
    twice = staff.post(f"/api/check-papers/{paper.pk}/record-service/", body, format="json")
    assert twice.status_code == 409
    receipt = web("staff").get(f"/registry/check-papers/{paper.pk}/documents/receipt.docx")
    assert receipt.status_code == 200 and "李厂长当场签收" in text_of(receipt.content)
    record = checkpapers.make_record(users["staff"], check, place="储罐区", present="李厂长")
    assert staff.post(f"/api/check-papers/{record.pk}/record-service/", body, format="json").status_code == 409
