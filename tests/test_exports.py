"""Exports cannot carry live formulas, and one bad character cannot break a county's export."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tests.conftest import credit
from yingji.core.framework import tabular
from yingji.core.framework.registry import get_registry
from yingji.core.models import Organization
from yingji.hazards.models import Hazard
from yingji.resources import stock
from yingji.resources.models import Material, Warehouse

LINK = '=HYPERLINK("http://x","y")'


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def cell_of(ws, text):
    return next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and text in c.value)


@pytest.mark.parametrize("value", [LINK, "=cmd|' /C calc'!A0", "+1+cmd|x", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_formula_like_text_is_exported_as_text(orgs, users, web, value):
    Organization.objects.filter(pk=orgs["a"].pk).update(address=value)  # as a bad actor's API call left it
    ws = sheet(web("staff").get("/registry/organizations/export.xlsx").content)
    cell = cell_of(ws, value.lstrip("\t\r")[:3])
    assert cell.data_type == "s" and cell.value == "'" + value


def test_numbers_stay_numbers(orgs):
    reg = get_registry("organizations")
    fields = tabular.tabular_fields(reg)
    row = ["-5", -5, -2.5] + [""] * (len(fields) - 3)
    ws = sheet(tabular.write_xlsx(reg, [row], fields))
    text, integer, real = ws["A2"], ws["B2"], ws["C2"]
    assert (text.data_type, text.value) == ("s", "'-5")  # text that looks like a number stays text
    assert (integer.data_type, integer.value) == ("n", -5) and (real.data_type, real.value) == ("n", -2.5)


def test_neutralised_export_imports_back_unchanged(orgs, users, web):
    Organization.objects.filter(pk=orgs["a"].pk).update(address=LINK, phone="+86 731 8300 1234")
    client = web("staff")
    exported = client.get("/registry/organizations/export.xlsx").content
    response = client.post("/registry/organizations/import/", {"file": SimpleUploadedFile("导出.xlsx", exported)})
    assert response.status_code == 302
    org = Organization.objects.get(pk=orgs["a"].pk)
    assert (org.address, org.phone) == (LINK, "+86 731 8300 1234")


def test_a_control_character_already_stored_does_not_break_exports(tree, orgs, users, web):
    # Stored before the input check existed (NUL is left out: PostgreSQL refuses it itself).
    Organization.objects.filter(pk=orgs["a"].pk).update(name="大瑶\x0b花炮厂", address="路口\x08\x1f")
    for name in ("admin", "staff"):
        response = web(name).get("/registry/organizations/export.xlsx")
        assert response.status_code == 200
        ws = sheet(response.content)
        assert cell_of(ws, "花炮厂").value == "大瑶花炮厂" and cell_of(ws, "路口").value == "路口"
    response = web("staff").get("/api/organizations/export/")
    assert response.status_code == 200 and cell_of(sheet(response.content), "花炮厂").value == "大瑶花炮厂"


def test_stock_report_and_risk_lists_are_neutralised_and_stripped(tree, users, web):
    wh = Warehouse.objects.create(name="储备点", level="township", region=tree["a"], lon=113.78, lat=27.95)
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    stock.move(users["staff"], wh, tent, "receive", 10)
    Warehouse.objects.filter(pk=wh.pk).update(name="储备\x0b点")
    Material.objects.filter(pk=tent.pk).update(name=LINK)
    response = web("staff").get("/resources/stock/report.xlsx")
    assert response.status_code == 200
    ws = sheet(response.content)
    assert ws["A2"].value == "储备点" and ws["F2"].value == "'" + LINK and ws["F2"].data_type == "s"
    assert ws["H2"].value == 10  # quantities stay numbers
    for name in ("high-risks", "major-sources", "vulnerable-targets"):
        assert web("staff").get(f"/risk/lists/{name}.xlsx").status_code == 200


def test_a_control_character_already_stored_does_not_break_documents(tree, orgs, users, web):
    hazard = Hazard.objects.create(title="消防通道堵塞", organization=orgs["a"], region=tree["va"], description="堆放纸箱",
                                   channel="self_inspection", finder="王", responsible_person="王安全", measures="清理",
                                   deadline=timezone.localdate() - datetime.timedelta(days=2))
    Hazard.objects.filter(pk=hazard.pk).update(state="overdue", escalated_at=timezone.now(), title="消防\x0b通道堵塞")
    response = web("staff").get(f"/registry/hazards/{hazard.pk}/documents/escalation.docx")
    assert response.status_code == 200
    assert "消防通道堵塞" in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_control_characters_are_refused_on_the_page(tree, users, web):
    response = web("staff").post("/registry/organizations/new/", {
        "credit_code": credit(700), "name": "新\x0b企业", "kind": "enterprise", "region": tree["va"].pk})
    assert response.status_code in (200, 400)
    assert "“单位名称”含有不可见的控制字符（U+000B），请删除后重新填写" in response.content.decode()
    assert not Organization.objects.filter(credit_code=credit(700)).exists()


def test_control_characters_are_refused_by_the_api(tree, users, api):
    response = api("staff").post("/api/organizations/", {"credit_code": credit(701), "name": "新企业",
                                                         "address": "某路\x1b1 号", "kind": "enterprise",
                                                         "region": "430181110001"}, format="json")
    assert response.status_code == 400
    assert response.json()["address"] == ["“地址”含有不可见的控制字符（U+001B），请删除后重新填写"]


def test_control_characters_are_refused_by_the_import(tree, users, web):
    content = ("统一社会信用代码,单位名称,单位类型,所属区划\n"
               f"{credit(702)},新\x0b企业,企业,430181110001\n").encode()
    response = web("staff").post("/registry/organizations/import/", {"file": SimpleUploadedFile("单位.csv", content)})
    assert "第 2 行, 单位名称: “单位名称”含有不可见的控制字符（U+000B）" in response.content.decode()
    assert not Organization.objects.filter(credit_code=credit(702)).exists()


def test_line_breaks_are_kept_in_multi_line_text_only(tree, orgs, users, api):
    rest = api("staff")
    hazard = {"title": "消防通道堵塞", "organization": credit(1), "region": "430181110001", "channel": "self_inspection",
              "finder": "王", "description": "第一行\r\n第二行\t完"}
    created = rest.post("/api/hazards/", hazard, format="json")
    assert created.status_code == 201, created.json()
    assert Hazard.objects.get().description == "第一行\r\n第二行\t完"
    refused = rest.post("/api/hazards/", {**hazard, "title": "消防\n通道"}, format="json")
    assert refused.status_code == 400 and refused.json()["title"] == ["“隐患名称”含有换行（U+000A），请删除后重新填写"]
