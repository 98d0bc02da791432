"""Official papers (.docx): the 督办单 of an escalated hazard and a risk point's 风险告知卡."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from yingji.hazards.models import Hazard
from yingji.risk.models import RiskAssessment, RiskPoint


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_escalation_notice(tree, orgs, users, web):
    hazard = Hazard.objects.create(title="消防通道堵塞", organization=orgs["a"], region=tree["va"], description="堆放纸箱",
                                   channel="self_inspection", finder="王", responsible_person="王安全",
                                   measures="清理", deadline=timezone.localdate() - datetime.timedelta(days=2))
    client = web("township_a")
    url = f"/registry/hazards/{hazard.pk}/documents/escalation.docx"
    assert client.get(url).status_code == 404  # not escalated: no notice yet
    Hazard.objects.filter(pk=hazard.pk).update(state="overdue", escalated_at=timezone.now())
    assert 'data-document="escalation"' in client.get(f"/registry/hazards/{hazard.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    text = text_of(response.content)
    assert "浏阳市安全生产委员会办公室" in text and "事故隐患整改督办通知书" in text
    assert f"督办〔{timezone.localdate().year}〕{hazard.pk}号" in text
    assert "大瑶花炮厂：" in text and "“消防通道堵塞”（一般事故隐患）" in text
    assert "王安全" in text and (timezone.localdate() - datetime.timedelta(days=2)).strftime("%Y-%m-%d") in text
    client.force_login(users["township_b"])
    assert client.get(url).status_code == 404  # out of scope


def test_risk_notice_card(tree, orgs, users, web):
    point = RiskPoint.objects.create(name="药物混合工房", organization=orgs["a"], region=tree["va"], kind="area",
                                     hazard_factor="material", accident_types="火药爆炸、火灾", responsible_person="李工",
                                     responsible_phone="13800000000", emergency_measures="立即撤离")
    RiskAssessment.objects.create(risk_point=point, method="lec", likelihood=3, exposure=6, consequence=15, assessor="张")
    text = text_of(web("staff").get(f"/registry/risk-points/{point.pk}/documents/notice-card.docx").content)
    assert "安全风险告知卡" in text and "大瑶花炮厂" in text
    assert "较大风险（橙色）" in text and "火药爆炸、火灾" in text and "立即撤离" in text and "13800000000" in text


def assert_gb9704(content: bytes):
    """A4 with GB/T 9704-2012's margins and 版心, 3号仿宋 body, 2号小标宋 title, page numbers "— N —" in
    4号宋体 outside the 版心, odd right and even left (issue 15: the papers were US Letter)."""
    from docx.shared import Mm, Pt

    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    mm = lambda length: round(length / Mm(1), 1)  # noqa: E731
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)  # 天头, 订口
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156  # 版心 156 × 225
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    title = next(r for p in doc.paragraphs for r in p.runs if r.font.size == Pt(22) and r.font.color.rgb is None)
    assert title.font.name == "方正小标宋简体"
    for footer in (section.footer, section.even_page_footer):
        number = footer.paragraphs[0]
        assert number.text.replace(" ", "") == "—1—" and " PAGE " in number._p.xml  # — {PAGE} —
        assert {r.font.size for r in number.runs} == {Pt(14)} and {r.font.name for r in number.runs} == {"宋体"}
    assert section.footer.paragraphs[0].alignment == 2 and section.even_page_footer.paragraphs[0].alignment == 0
    assert doc.settings.odd_and_even_pages_header_footer


def test_papers_are_a4_as_gb_t_9704_lays_them_out(tree, orgs, users, web):
    hazard = Hazard.objects.create(title="消防通道堵塞", organization=orgs["a"], region=tree["va"], description="堆放纸箱",
                                   channel="self_inspection", finder="王", responsible_person="王安全", measures="清理",
                                   deadline=timezone.localdate() - datetime.timedelta(days=2), state="overdue",
                                   escalated_at=timezone.now())
    point = RiskPoint.objects.create(name="药物混合工房", organization=orgs["a"], region=tree["va"], kind="area",
                                     hazard_factor="material", accident_types="火灾", responsible_person="李工")
    client = web("staff")
    assert_gb9704(client.get(f"/registry/hazards/{hazard.pk}/documents/escalation.docx").content)  # 督办通知书
    assert_gb9704(client.get(f"/registry/risk-points/{point.pk}/documents/notice-card.docx").content)  # 风险告知卡


def test_printable_notice_card(tree, orgs, users, web, client):
    point = RiskPoint.objects.create(name="药物混合工房", organization=orgs["a"], region=tree["va"], kind="area",
                                     hazard_factor="material", accident_types="火药爆炸", responsible_person="李工")
    RiskAssessment.objects.create(risk_point=point, method="lec", likelihood=6, exposure=6, consequence=15, assessor="张")
    staff = web("staff")
    assert f'href="/risk/points/{point.pk}/card/"' in staff.get(f"/registry/risk-points/{point.pk}/").content.decode()
    card = staff.get(f"/risk/points/{point.pk}/card/").content.decode()
    assert "@page { size: A4" in card and "重大风险</strong>（红色）" in card and "background: #d9001b" in card
    client.force_login(users["township_b"])
    assert client.get(f"/risk/points/{point.pk}/card/").status_code == 404


# ---- every registry's declared documents through the API -------------------------------------------

_SCHEMA: dict = {}  # the OpenAPI paths, fetched by the first case below


def _documented():
    from yingji.core.framework.registry import registries

    return [(reg, name) for reg in registries() for name in reg.documents]


@pytest.mark.parametrize("reg,name", _documented(), ids=[f"{r.slug}.{n}" for r, n in _documented()])
def test_declared_documents_answer_the_api_by_the_records_rules(reg, name, tree, orgs, users, api, client):
    from rest_framework.test import APIClient

    from tests.conftest import make_user
    from tests.samples import make_record

    record = make_record(reg, tree["va"], orgs["a"])
    url = f"/api/{reg.slug}/{record.pk}/documents/{name}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous["Content-Type"].startswith("application/json")
    document = reg.documents[name]
    answer = api("all_in_a").get(url)
    if document.ready(record):
        assert answer.status_code == 200 and answer["Content-Type"].startswith(document.media_type)
        assert answer.content
    else:  # e.g. a hazard not escalated has no 督办单 yet
        assert answer.status_code == 404 and answer.json() == {"detail": "没有这份文书"}
    other = make_record(reg, tree["vb"], orgs["b"])
    assert api("all_in_a").get(f"/api/{reg.slug}/{other.pk}/documents/{name}/").status_code == 404  # out of scope
    device = APIClient()
    device.force_authenticate(make_user("gw", "gateway", region=tree["county"]))
    assert device.get(url).status_code == 403  # a role that sees none of these records
    if not _SCHEMA:  # the same for every case: generated once (about 3 s each)
        _SCHEMA.update(api("admin").get("/api/schema/?format=json").json()["paths"])
    schema = _SCHEMA
    assert document.media_type in schema[f"/api/{reg.slug}/{{id}}/documents/{{name}}/"]["get"]["responses"]["200"]["content"]


def test_a_word_paper_through_the_api_is_the_pages(tree, orgs, users, api, web):
    point = RiskPoint.objects.create(name="药物混合工房", organization=orgs["a"], region=tree["va"], kind="area",
                                     hazard_factor="material", accident_types="火药爆炸、火灾", responsible_person="李工",
                                     responsible_phone="13800000000", emergency_measures="立即撤离")
    response = api("staff").get(f"/api/risk-points/{point.pk}/documents/notice-card/")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    assert text_of(response.content) == text_of(web("staff").get(f"/registry/risk-points/{point.pk}/documents/"
                                                                  "notice-card.docx").content)
