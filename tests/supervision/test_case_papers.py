"""The case papers as people read them (.docx opened with python-docx), the case file, the public notice
(no personal data), a finding opening a case, and paper numbers under concurrent writers."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document

from tests.incidents.test_concurrency import together
from yingji.core.framework import workflow
from yingji.supervision import casedocs, casepublic, caseservices
from yingji.supervision.casechoices import DocKind, PartyKind
from yingji.supervision.casemodels import CaseDocument


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def decided(users, notified_case, **kw):
    case = notified_case(**kw)
    caseservices.record_statement(users["staff"], case, statement="我单位已整改，请求从轻处罚。")
    workflow.apply(users["leader"], case, "decide")
    return case


def test_the_decision_says_who_what_why_how_much_and_the_remedies(users, notified_case):
    case = decided(users, notified_case, fine="15000")
    doc = case.document(DocKind.DECISION)
    text = text_of(casedocs.paper(doc))
    year = timezone.localdate().year
    assert f"浏阳市应急罚〔{year}〕1号" in text and "浏阳市应急管理局" in text and "行政处罚决定书" in text
    assert "大瑶花炮厂" in text and case.party_code in text
    assert "违反了《安全生产法》第二十八条的规定" in text
    assert "依据《安全生产法》第九十七条第（三）项" in text and "“责令限期改正”" in text
    assert "罚款人民币1.5万元（15,000.00元）" in text
    assert "收到本决定书之日起15日内" in text and "六十日内依法申请行政复议" in text
    assert "本机关已听取当事人的陈述、申辩" in text


def test_the_notice_and_the_hearing_notice_state_the_rights_and_their_days(users, notified_case):
    case = notified_case(fine="150000", overdue=True)
    notice = text_of(casedocs.paper(case.document(DocKind.PENALTY_NOTICE)))
    assert "拟对你（单位）作出如下行政处罚：罚款人民币15万元" in notice
    assert "收到本告知书之日起3日内" in notice and "有要求听证的权利" in notice
    hearing = text_of(casedocs.paper(case.document(DocKind.HEARING_NOTICE)))
    assert "收到本告知书之日起5日内" in hearing and "第六十三条" in hearing and "（未核实）" in hearing


def test_interview_statement_filing_and_receipt_papers(users, notified_case):
    case = decided(users, notified_case)
    interview = text_of(casedocs.paper(case.document(DocKind.INTERVIEW)))
    assert "被询问人" in interview and "李四" in interview and "答：没有。" in interview
    statement = text_of(casedocs.paper(case.document(DocKind.STATEMENT)))
    assert "我单位已整改，请求从轻处罚。" in statement and "是否要求听证" in statement
    filing = text_of(casedocs.paper(case.document(DocKind.FILING)))
    assert "立案审批表" in filing and "建议立案调查" in filing
    doc = caseservices.record_service(users["staff"], case.document(DocKind.DECISION), method="post",
                                      served_at=timezone.now(), served_to="大瑶花炮厂", served_by="张三",
                                      receipt="EMS 1234567890123 已妥投")
    receipt = text_of(casedocs.service_receipt(doc))
    assert "送达回执" in receipt and "邮寄送达" in receipt and "EMS 1234567890123" in receipt and doc.number in receipt


def test_the_case_file_has_its_front_page_index_and_every_paper(users, notified_case):
    case = decided(users, notified_case)
    text = text_of(casedocs.case_file(case))
    assert "案卷首页" in text and "卷内目录" in text and "保管期限" in text and "30年" in text
    numbers = list(case.documents.order_by("issued_at", "id").values_list("number", flat=True))
    assert len(numbers) == 5 and f"{len(numbers)} 份" in text
    for number in numbers:  # in the index and on the paper itself
        assert text.count(number) >= 2, number
    # the papers follow the index in the order they were made
    body = text[text.index("卷内目录"):]
    assert body.index("立案审批表") < body.index("询问笔录") < body.index("行政处罚告知书") < body.index("行政处罚决定书")


def test_papers_download_from_the_record_pages(web, users, notified_case):
    case = decided(users, notified_case)
    client = web("staff")
    doc = case.document(DocKind.DECISION)
    page = client.get(f"/registry/case-documents/{doc.pk}/documents/paper.docx")
    assert page.status_code == 200 and "行政处罚决定书" in text_of(page.content)
    bundle = client.get(f"/registry/enforcement-cases/{case.pk}/documents/case-file.docx")
    assert bundle.status_code == 200 and "卷内目录" in text_of(bundle.content)
    assert web("township_b").get(f"/registry/enforcement-cases/{case.pk}/documents/case-file.docx").status_code == 404


def test_the_public_notice_hides_personal_data(client, users, notified_case, legal, orgs):
    unit_case = decided(users, notified_case, fine="15000")
    staff, leader = users["staff"], users["leader"]
    person = caseservices.open_case(staff, cause="特种作业人员未取得资格上岗作业案", facts="张三丰无证驾驶叉车，住大瑶镇某村。",
                                    region=orgs["a"].region, party_kind=PartyKind.PERSON, party_name="张三丰",
                                    party_code="430181199001011234", party_address="大瑶镇某村 8 号")
    workflow.apply(staff, person, "investigate")
    caseservices.set_discretion(staff, person, entry="AQSCF-97-7", answers={"overdue": True}, fine_cny=Decimal("30000"))
    caseservices.record_interview(staff, person, person="张三丰", position="叉车司机", place="现场",
                                  record="问：有证吗？\n答：没有。")
    workflow.apply(staff, person, "notify")
    assert "张三丰" not in client.get("/public/enforcement/").content.decode()  # not decided: not published
    caseservices.record_statement(staff, person, statement="无异议。")
    workflow.apply(staff, person, "submit_review")  # 3万元 ≥ 2万元 for a person: review and discussion
    workflow.apply(legal, person, "review_pass", comment="同意")
    workflow.apply(leader, person, "discuss", comment="同意")
    workflow.apply(leader, person, "decide")
    page = client.get("/public/enforcement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "大瑶花炮厂" in html and unit_case.party_code in html and "罚款1.5万元" in html
    for body in (html, client.get("/public/enforcement.csv").content.decode("utf-8-sig")):
        assert "张某" in body and "特种作业人员未取得资格上岗作业案" in body
        assert "张三丰" not in body and "430181199001011234" not in body and "大瑶镇某村" not in body


def test_masked_names():
    assert casepublic.masked("张三丰") == "张某"
    assert casepublic.masked("欧阳娜娜") == "欧阳某"
    assert casepublic.masked("") == "某"


def test_a_formula_in_a_cell_is_not_run():
    content = casepublic.csv_bytes([{c: "" for c in casepublic.COLUMNS} | {"案由": "=HYPERLINK(\"x\")"}])
    assert "'=HYPERLINK" in content.decode("utf-8-sig")


WRITERS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_papers_get_distinct_consecutive_numbers(users, orgs):
    """Real threads, each its own connection and transaction, released at one barrier: the per-kind,
    per-county, per-year counter gives each writer its own number (on PostgreSQL the race is real;
    SQLite serialises the writers)."""
    case = caseservices.open_case(users["staff"], cause="并发编号案", facts="x", region=orgs["a"].region,
                                  organization=orgs["a"])
    results = together(*[lambda: caseservices.issue(case, DocKind.INTERVIEW, None, {"record": "x"})
                         for _ in range(WRITERS)])
    assert results == ["ok"] * WRITERS
    year = timezone.localdate().year
    numbers = sorted(CaseDocument.objects.filter(kind=DocKind.INTERVIEW).values_list("number", flat=True),
                     key=lambda n: int(n.split("〕")[1][:-1]))
    assert numbers == [f"浏阳市应急询〔{year}〕{n}号" for n in range(1, WRITERS + 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_case_numbers(users, orgs):
    results = together(*[lambda: caseservices.open_case(users["staff"], cause="并发立案", facts="x",
                                                        region=orgs["a"].region, organization=orgs["a"])
                         for _ in range(WRITERS)])
    assert results == ["ok"] * WRITERS
    year = timezone.localdate().year
    from yingji.supervision.casemodels import EnforcementCase

    assert sorted(EnforcementCase.objects.values_list("number", flat=True)) == [
        f"AJ{year}{n:04d}" for n in range(1, WRITERS + 1)]
