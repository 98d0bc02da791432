"""The event's papers as actions the page and the API offer: the national forms (.xlsx), the 文字说明
(.docx), the HXL CSV — from the latest county report, the named lists' personal data masked for a
reader whose role does not need it."""

from __future__ import annotations

import csv
import io

from docx import Document
from openpyxl import load_workbook

from tests.disasters.test_flow import entry, open_report, send_county, submit
from tests.disasters.test_levels import event  # noqa: F401  (the county's flood)
from yingji.disasters.models import CasualtyRow

ID_NUMBER = "11010519491231002X"


def _sent(api, event, tree):  # noqa: F811
    CasualtyRow.objects.create(event=event, region=tree["va"], name="张三", id_number=ID_NUMBER, status="dead")
    open_report(api, event, "initial")
    vid = entry(api, event)
    assert submit(api, vid, "village_a", f_affected_population=120, f_deaths=1, f_direct_loss="3.5").status_code == 200
    return send_county(api, event)


def test_forms_description_and_hxl_from_page_and_api(event, api, web, tree):  # noqa: F811
    _sent(api, event, tree)
    page = web("staff").get(f"/registry/disaster-events/{event.pk}/").content.decode()
    for link in ("documents/forms.xlsx", "documents/hxl.csv", "documents/description.docx"):
        assert f"/registry/disaster-events/{event.pk}/{link}" in page
    book = load_workbook(io.BytesIO(web("staff").get(f"/registry/disaster-events/{event.pk}/documents/forms.xlsx").content))
    assert book.sheetnames[0] == "自然灾害损失情况统计快报表" and "因灾死亡失踪人口一览表" in book.sheetnames
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "大瑶镇" in cells and "120" in cells and "3.5" in cells  # money in 万元
    names = [str(c) for row in book["因灾死亡失踪人口一览表"].iter_rows(values_only=True) for c in row if c is not None]
    assert "张三" in names and ID_NUMBER in names
    doc = Document(io.BytesIO(api("staff").get(f"/api/disaster-events/{event.pk}/documents/description/").content))
    assert any("灾害发生背景" in p.text for p in doc.paragraphs)
    rows = list(csv.reader(io.StringIO(web("staff").get(f"/registry/disaster-events/{event.pk}/documents/hxl.csv")
                                       .content.decode("utf-8-sig"))))
    assert "#affected" in rows[1] and rows[2][rows[1].index("#affected")] == "120"


def test_named_list_in_the_forms_is_masked_for_the_leader(event, api, web, tree):  # noqa: F811
    _sent(api, event, tree)
    book = load_workbook(io.BytesIO(api("leader").get(f"/api/disaster-events/{event.pk}/documents/forms/").content))
    names = [str(c) for row in book["因灾死亡失踪人口一览表"].iter_rows(values_only=True) for c in row if c is not None]
    assert "张三" not in names and ID_NUMBER not in names and "***" in names


def test_the_schema_lists_the_papers_and_the_operations(api):
    schema = api("admin").get("/api/schema/").content.decode()
    for path in ("/api/disaster-events/{id}/documents/{name}/", "/api/disaster-events/{id}/open-report/",
                 "/api/disaster-events/receive/", "/api/disaster-reports/{id}/submit/",
                 "/api/incidents/{id}/open-disaster/"):
        assert path in schema, path
