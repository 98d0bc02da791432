"""粘贴文字提取 in the product: the forms' declared maps fill the right fields from real texts of the
development set (tests/data/extraction/texts/, checked against the text's own labels), and a form
saved after filling keeps what was proposed and what was saved (extraction-corrections)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from yingji.extraction import engine, filling

TEXTS = Path(__file__).resolve().parents[1] / "data" / "extraction" / "texts"
FIREWORKS = "liuyang-2019-12-04-bixi-fireworks-trad"  # 浏阳 (the test tree's county), traditional characters
HAIL = "chuxiong-2022-08-05-hail-flash-report"  # a prefecture's 灾情续报 with crops and loss in 万元


def dev_text(name: str) -> dict:
    data = json.loads((TEXTS / f"{name}.json").read_text(encoding="utf-8"))
    assert data["split"] == "dev"  # never the holdout
    return data


def reference(data) -> dt.date | None:
    return dt.date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None


def test_the_intake_map_fills_its_fields_from_a_real_township_report():
    from yingji.incidents import paste

    data = dev_text(FIREWORKS)
    text, labels = data["text"], data["labels"]
    found = paste.INTAKE.propose(engine.extract(text, reference(data)), text)
    assert found["deaths"].value == str(labels["deaths"])
    assert text[found["deaths"].start:found["deaths"].end] == found["deaths"].text and "13" in found["deaths"].text
    # the intake's 受伤 is the grade's 重伤: a bare 受伤 is proposed, flagged, at a lower confidence
    assert found["injured"].value == str(labels["injured"]) and "重伤" in found["injured"].note
    assert found["injured"].confidence < engine.extract(text).figures["injured"].confidence
    assert found["occurred_at"].value == f"{labels['occurred_date']}T00:00" and "时刻" in found["occurred_at"].note
    assert found["event_type"].value == "21500"  # 爆炸, narrowed by its 烟花爆竹 subtype (GB/T 35561 烟花爆竹事故)
    assert "澄潭江" in found["address"].value
    assert found["description"].value == text.strip()
    assert "missing" not in found and "trapped" not in found  # silence is unknown: nothing proposed


def test_the_disaster_report_map_fills_the_kuaibao_figures_in_their_units():
    from yingji.disasters import paste

    data = dev_text(HAIL)
    text, labels = data["text"], data["labels"]
    extraction = engine.extract(text, reference(data))
    found = paste.REPORT.propose(extraction, text)
    assert Decimal(found["f_affected_population"].value) == labels["affected_population"]
    assert labels["cumulative"] is False and "不是累计数" in paste.REPORT.remarks(extraction)[0]  # the 快报 is cumulative
    assert Decimal(found["f_crop_affected_area"].value) == Decimal(str(labels["crop_affected_ha"]))
    assert Decimal(found["f_crop_lost_area"].value) == Decimal(str(labels["crop_lost_ha"]))
    assert Decimal(found["f_direct_loss"].value) == Decimal(labels["direct_loss_cny"]) / 10000  # the form takes 万元
    assert not {"f_deaths", "f_missing", "f_houses_collapsed_rooms"} & set(found)


def test_houses_go_to_the_column_of_the_unit_the_text_counts_them_in():
    from yingji.disasters import paste

    text = "截至目前，全县倒塌房屋12户，直接经济损失3.5亿元。"
    extraction = engine.extract(text)
    found = paste.REPORT.propose(extraction, text)
    assert found["f_houses_collapsed_households"].value == "12" and "f_houses_collapsed_rooms" not in found
    assert extraction.cumulative.value is False  # 截至 alone: the labels' reading (decision 0023)
    assert found["f_direct_loss"].value == "35000"


def test_a_clock_time_after_the_date_and_a_phone_number_are_read():
    text = "2024年7月3日下午3时20分，大瑶镇大瑶村发生山体滑坡，造成2人死亡。报告人电话13812345678。"
    extraction = engine.extract(text)
    assert filling.occurred_at(extraction, text).value == "2024-07-03T15:20"
    assert filling.phone_number(extraction, text).value == "13812345678"
    assert filling.occurred_at(engine.extract("7月3日，大瑶镇发生山体滑坡。"), "7月3日，大瑶镇发生山体滑坡。") is None  # no year


def test_every_declared_map_names_fields_its_form_has(db, users):
    from yingji.core.framework.registry import get_registry
    from yingji.disasters.operations import ReportForm
    from yingji.incidents.operations import intake_form

    staff = users["staff"]
    forms = {"incidents-intake": intake_form(user=staff), "disaster-report": ReportForm(user=staff),
             "duty-log": get_registry("duty-logs").form_class(staff)()}
    assert {m.key for m in filling.maps()} >= set(forms)
    for key, form in forms.items():
        missing = set(filling.get(key).fields) - set(form.fields)
        assert not missing, f"{key}: {missing}"


# ---- the API -------------------------------------------------------------------------------------------

def test_the_fill_api_answers_field_values_with_spans_and_refuses_an_unknown_form(tree, users, api):
    text = "7月3日14时许，浏阳市大瑶镇大瑶村发生山体滑坡，造成3人死亡、5人受伤。"
    response = api("staff").post("/api/extraction/fill/", {"text": text, "form": "incidents-intake",
                                                           "reference_date": "2024-07-04"}, format="json")
    assert response.status_code == 200, response.content
    fields = response.json()["fields"]
    assert fields["region"]["value"] == tree["va"].code  # the bureau's own village
    assert fields["occurred_at"]["value"] == "2024-07-03T14:00"
    assert text[fields["deaths"]["start"]:fields["deaths"]["end"]] == "3人"
    refused = api("staff").post("/api/extraction/fill/", {"text": text, "form": "nope"}, format="json")
    assert refused.status_code == 400 and "form" in refused.json()


def test_a_place_outside_the_users_scope_is_not_proposed(tree, users, api):
    text = "2024年7月3日，金刚镇金刚村发生山体滑坡，造成1人死亡。"
    inside = api("staff").post("/api/extraction/fill/", {"text": text, "form": "incidents-intake"}, format="json")
    assert inside.json()["fields"]["region"]["value"] == tree["vb"].code
    outside = api("township_a").post("/api/extraction/fill/", {"text": text, "form": "incidents-intake"}, format="json")
    assert "region" not in outside.json()["fields"]


def test_the_file_api_reads_docx_and_gbk_text(db, users, api):
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    document.add_paragraph("大瑶镇灾情报告")
    document.add_paragraph("造成3人死亡。")
    buffer = io.BytesIO()
    document.save(buffer)
    got = api("staff").post("/api/extraction/file/", {"file": SimpleUploadedFile("r.docx", buffer.getvalue())},
                            format="multipart")
    assert got.status_code == 200 and got.json()["text"] == "大瑶镇灾情报告\n造成3人死亡。"
    gbk = api("staff").post("/api/extraction/file/", {"file": SimpleUploadedFile("r.txt", "造成3人死亡。".encode("gbk"))},
                            format="multipart")
    assert gbk.json()["text"] == "造成3人死亡。"
    bad = api("staff").post("/api/extraction/file/", {"file": SimpleUploadedFile("r.pdf", b"%PDF")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()


# ---- what was corrected is kept --------------------------------------------------------------------------

@pytest.fixture
def duty_officer(tree, users):
    from tests.conftest import make_user

    return make_user("duty_paste", "duty", region=tree["county"])


def test_an_intake_filled_from_a_text_records_what_was_proposed_and_what_was_saved(client, duty_officer, tree):
    from yingji.extraction.models import ExtractionCorrection
    from yingji.incidents.models import Incident

    data = dev_text(FIREWORKS)
    client.force_login(duty_officer)
    filled = client.post("/api/extraction/fill/", {"text": data["text"], "form": "incidents-intake"},
                         content_type="application/json").json()["fields"]
    post = {name: p["value"] for name, p in filled.items()}
    post.update(deaths="12", missing="0", trapped="0", region=tree["a"].code, source="phone",  # 13 → 12
                extraction_text=data["text"])
    response = client.post("/incidents/intake/", post)
    assert response.status_code == 302, re.findall(r"data-field=\"(\w+)\">([^<]*)", response.content.decode())
    incident = Incident.objects.get()
    rows = {r.field: r for r in ExtractionCorrection.objects.all()}
    deaths = rows["deaths"]
    assert (deaths.proposed, deaths.saved, deaths.corrected) == ("13", "12", True)
    assert deaths.span == filled["deaths"]["text"] and deaths.text == data["text"]
    assert deaths.recorded_by == duty_officer and deaths.region == incident.region and incident.number in deaths.record
    assert deaths.page == "incidents-intake" and deaths.field_label == "死亡（人）"
    assert (rows["injured"].proposed, rows["injured"].saved, rows["injured"].corrected) == ("13", "13", False)
    assert rows["region"].saved == tree["a"].code  # what the officer chose (the text's township is not the bureau's)
    assert "missing" not in rows  # neither proposed nor filled


def test_a_form_saved_without_a_pasted_text_records_nothing(client, duty_officer, tree):
    from tests.incidents.test_pages import intake_post
    from yingji.extraction.models import ExtractionCorrection

    client.force_login(duty_officer)
    assert client.post("/incidents/intake/", intake_post(region=tree["va"].code)).status_code == 302
    assert not ExtractionCorrection.objects.exists()


def test_a_disaster_report_saved_from_a_text_keeps_its_corrections(client, tree, users):
    from yingji.disasters import services
    from yingji.disasters.models import DisasterEvent
    from yingji.extraction.models import ExtractionCorrection

    event = DisasterEvent.objects.create(name="大瑶镇风雹", disaster_type="wind_hail", onset_date=dt.date(2022, 8, 4),
                                         learned_at=dt.datetime(2022, 8, 5, 8, tzinfo=dt.UTC), region=tree["county"])
    report = services.open_report(users["staff"], event, "initial")
    data = dev_text(HAIL)
    client.force_login(users["staff"])
    filled = client.post("/api/extraction/fill/", {"text": data["text"], "form": "disaster-report"},
                         content_type="application/json").json()["fields"]
    post = {name: p["value"] for name, p in filled.items()}
    post.update(f_affected_population="480", extraction_text=data["text"], extraction_reference_date="2022-08-05")
    response = client.post(f"/registry/disaster-reports/{report.pk}/do/fill/", post)
    assert response.status_code == 302, re.findall(r"data-field=\"(\w+)\">([^<]*)", response.content.decode())
    rows = {r.field: r for r in ExtractionCorrection.objects.filter(page="disaster-report")}
    assert (rows["f_affected_population"].proposed, rows["f_affected_population"].saved) == ("479", "480")
    assert rows["f_affected_population"].corrected and not rows["f_direct_loss"].corrected
    assert rows["f_direct_loss"].saved == "44.04" and rows["f_direct_loss"].region == report.region


def test_the_duty_log_page_keeps_its_corrections(client, duty_officer, tree):
    from yingji.extraction.models import ExtractionCorrection
    from yingji.incidents.models import DutyLog

    text = "2024年7月3日14时许，大瑶镇大瑶村发生山体滑坡，造成3人死亡。村支书电话13812345678。"
    client.force_login(duty_officer)
    page = client.get("/registry/duty-logs/new/")
    assert 'data-paste-fill="duty-log"' in page.content.decode()
    response = client.post("/registry/duty-logs/new/", {
        "region": tree["county"].code, "at": "2024-07-03T14:20", "kind": "call_in", "counterpart": "大瑶村支书",
        "phone": "13812345679", "summary": "大瑶村山体滑坡，3人死亡", "extraction_text": text})
    assert response.status_code == 302, re.findall(r"data-field=\"(\w+)\">([^<]*)", response.content.decode())
    rows = {r.field: r for r in ExtractionCorrection.objects.filter(page="duty-log")}
    assert (rows["phone"].proposed, rows["phone"].saved, rows["phone"].corrected) == ("13812345678", "13812345679", True)
    assert rows["summary"].saved == "大瑶村山体滑坡，3人死亡" and rows["summary"].region == DutyLog.objects.get().region


def test_the_corrections_are_an_append_only_registry_exported_as_xlsx(client, duty_officer, tree, users):
    from openpyxl import load_workbook

    from yingji.extraction import services
    from yingji.extraction.models import ExtractionCorrection

    text = "2024年7月3日，大瑶镇大瑶村发生山体滑坡，造成3人死亡。"
    services.record_corrections(duty_officer, "incidents-intake", text, {"deaths": 2}, region=tree["va"])
    row = ExtractionCorrection.objects.get()
    assert (row.proposed, row.saved, row.corrected) == ("3", "2", True)
    client.force_login(users["staff"])
    assert client.get(f"/registry/extraction-corrections/{row.pk}/edit/").status_code in (302, 403, 404)
    export = client.get("/registry/extraction-corrections/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None]
    assert "提取值" in cells and "保存值" in cells and "3" in cells and "2" in cells and text in cells


def test_a_long_text_is_extracted_whole_and_kept_up_to_what_a_spreadsheet_cell_holds(duty_officer, tree):
    from yingji.extraction import services

    text = "2024年7月3日，大瑶镇大瑶村发生山体滑坡，造成3人死亡。" + "现场救援工作正在进行。" * 3500
    assert len(text) > services.KEPT_TEXT_CHARS
    rows = services.record_corrections(duty_officer, "incidents-intake", text, {"deaths": 3}, region=tree["va"])
    assert [(r.proposed, r.corrected, len(r.text)) for r in rows] == [("3", False, services.KEPT_TEXT_CHARS)]
