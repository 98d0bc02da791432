"""Issue 15, point 3: an accident's direct loss is kept exactly (Decimal yuan, to the fen) and graded on
the exact figure. People type it in 万元 (or with its unit); the API carries yuan as direct_loss_cny."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from tests.incidents.test_pages import intake_post
from yingji.core.framework import services as core_services
from yingji.core.framework import workflow
from yingji.core.framework.registry import get_registry
from yingji.incidents import services
from yingji.incidents.models import Incident, Report


def intake(client, loss, **kw):
    return client.post("/incidents/intake/", intake_post(direct_loss_wan=loss, event_type="21500", **kw))


def test_an_exact_report_figure_is_accepted_exactly(client, duty, places):
    client.force_login(duty)
    response = intake(client, "1234.567")  # 万元, three decimals: refused before
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.direct_loss_cny == Decimal("12345670.00")
    assert incident.grade_label == "较大事故" and incident.grade_reason == "直接经济损失 12,345,670元 ≥ 1,000万元"
    desk = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "1,234.567" in desk
    record = client.get(f"/registry/incidents/{incident.pk}/").content.decode()
    assert "1,234.567（12,345,670 元）" in record


@pytest.mark.parametrize("typed, yuan, grade", [
    ("9,999,999.99元", "9999999.99", "一般事故"),  # 999.999999万元: rounded to 1000.00 it was 较大
    ("999.999999", "9999999.99", "一般事故"),
    ("10,000,000元", "10000000.00", "较大事故"),  # 1000万元以上, the number included
    ("1000", "10000000.00", "较大事故"),
])
def test_the_grade_is_decided_on_the_exact_figure(client, duty, places, typed, yuan, grade):
    client.force_login(duty)
    assert intake(client, typed, injured="0").status_code == 302
    incident = Incident.objects.get()
    assert (incident.direct_loss_cny, incident.grade_label) == (Decimal(yuan), grade)


def test_a_figure_finer_than_a_fen_is_refused_on_its_field_and_nothing_is_written(client, duty, places):
    client.force_login(duty)
    page = intake(client, "1234.5678901")
    assert page.status_code == 400 and not Incident.objects.exists()
    html = page.content.decode()
    assert "精确到了分以下（12345678.901 元）" in html and 'value="1234.5678901"' in html  # what was typed stays


def test_the_intake_api_takes_wan_under_its_own_name(duty, places):
    api = APIClient()
    api.force_authenticate(duty)
    data = {k: v for k, v in intake_post(direct_loss_wan="9999999.99元").items()}
    response = api.post("/api/incidents/intake/", data, format="json")
    assert response.status_code == 200, response.json()
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.direct_loss_cny == Decimal("9999999.99") and incident.grade_label == "一般事故"
    schema = api.get("/api/schema/", {"format": "json"}).json()
    intake_body = schema["components"]["schemas"]["IncidentsIntakeInputRequest"]["properties"]
    assert "direct_loss_wan" in intake_body and "direct_loss_cny" not in intake_body
    assert "单位万元" in intake_body["direct_loss_wan"]["description"]


def test_the_registry_api_carries_yuan(make_incident, duty, users):
    incident = make_incident(direct_loss_cny=Decimal("12345670"))
    api = APIClient()
    api.force_authenticate(users["admin"])
    body = api.get(f"/api/incidents/{incident.pk}/").json()
    assert body["direct_loss_cny"] == "12345670.00"
    patched = api.patch(f"/api/incidents/{incident.pk}/", {"direct_loss_cny": "9999999.99"}, format="json")
    assert patched.status_code == 200, patched.json()
    incident.refresh_from_db()
    assert incident.direct_loss_cny == Decimal("9999999.99") and incident.grade_label == "一般事故"
    history = api.get(f"/api/incidents/{incident.pk}/history/").json()["results"][0]["changes"]
    (loss,) = [c for c in history if c["field"] == "direct_loss_cny"]
    assert (loss["label"], loss["old"], loss["new"]) == ("直接经济损失（万元）", "1234.567", "999.999999")  # as labelled
    bad = api.patch(f"/api/incidents/{incident.pk}/", {"direct_loss_cny": "1.001"}, format="json")
    assert bad.status_code == 400 and "direct_loss_cny" in bad.json()
    schema = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]["Incident"]["properties"]
    assert "单位元" in schema["direct_loss_cny"]["description"]


def test_a_report_sent_with_an_exact_figure_grades_the_incident_on_it(make_incident, duty, client):
    incident = make_incident(trapped=0)
    report = services.draft_report(duty, incident, "initial")
    client.force_login(duty)
    form = {f: getattr(report, f) or "" for f in ("issuer", "signer", "sent_to", "place", "course")}
    form.update(incident=incident.number, kind="initial",
                occurred_at=timezone.localtime(report.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                deaths=0, missing=0, injured=0, trapped=0, relocated=0,
                direct_loss_cny="999.999999", unit_profile="大瑶花炮厂", scene="工房垮塌", measures="停产疏散",
                casualties_confirmed="on")
    edited = client.post(f"/registry/reports/{report.pk}/edit/", form)
    assert edited.status_code == 302, edited.content.decode()[:3000]
    report.refresh_from_db()
    assert report.direct_loss_cny == Decimal("9999999.99")
    page = client.get(f"/registry/reports/{report.pk}/edit/").content.decode()
    assert 'value="999.999999"' in page  # shown back in 万元, exactly
    workflow.apply(duty, report, "send")
    incident.refresh_from_db()
    assert incident.direct_loss_cny == Decimal("9999999.99") and incident.grade_label == "一般事故"
    from docx import Document

    from yingji.incidents import briefing

    text = "\n".join(p.text for p in Document(io.BytesIO(briefing.build(report))).paragraphs)
    assert "初步估计直接经济损失999.999999万元。" in text


def test_reports_export_and_import_in_wan_unchanged(make_incident, duty, users):
    incident = make_incident()
    report = services.draft_report(duty, incident, "initial")
    report.direct_loss_cny = Decimal("12345670.00")
    report.save()
    reg = get_registry("reports")
    from yingji.core.framework import tabular

    content = tabular.write_xlsx(reg, tabular.export_rows(reg, Report.objects.filter(pk=report.pk),
                                                          tabular.tabular_fields(reg)), tabular.tabular_fields(reg))
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("直接经济损失（万元）")
    assert rows[1][column] == 1234.567  # 万元 in the file, as the import reads it
    result = core_services.import_file(users["admin"], reg, "报告.xlsx", content)
    assert result.ok and result.unchanged == 1, result.errors
    # A file without the loss column keeps the stored figure (yuan), not 10,000 times it.
    header = [h for h in rows[0] if h != "直接经济损失（万元）"]
    book = Workbook()
    book.active.append(header)
    book.active.append([v for h, v in zip(rows[0], rows[1], strict=True) if h != "直接经济损失（万元）"][:len(header)])
    out = io.BytesIO()
    book.save(out)
    result = core_services.import_file(users["admin"], reg, "报告.xlsx", out.getvalue())
    assert result.ok, result.errors
    report.refresh_from_db()
    assert report.direct_loss_cny == Decimal("12345670.00")


def test_plan_rules_in_wan_compare_with_the_exact_figure(make_incident, duty, plan):
    from yingji.incidents.models import PlanLevel

    PlanLevel.objects.create(plan=plan, level="II", conditions=[{"figure": "direct_loss", "op": ">=", "value": 1000}])
    below = make_incident(trapped=0, direct_loss_cny=Decimal("9999999.99"))
    at = make_incident(trapped=0, direct_loss_cny=Decimal("10000000"))
    assert below.figures()["direct_loss"] == Decimal("999.999999")
    (m_below,) = [m for _, m in services.plan_matches(duty, below) if m.plan.name == plan.name]
    (m_at,) = [m for _, m in services.plan_matches(duty, at) if m.plan.name == plan.name]
    assert m_below.level is None and m_at.level == "II"
    assert m_at.reason == "直接经济损失 1,000万元 ≥ 1,000万元"
