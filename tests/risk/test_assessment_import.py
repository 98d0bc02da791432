"""Issue 15, point 2: an assessment sheet that carries its own D column. The column is accepted, D is
recomputed from L, E and C, and every row whose printed D disagrees is reported as a located warning
(row and field) in the import result — on the page, in the API, in a background job, and on the
command line — while the rows are written with the computed value."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from yingji.core.framework import services
from yingji.core.framework.registry import get_registry
from yingji.risk.models import RiskAssessment, RiskPoint

POINT = {"name": "药物混合工房", "kind": "area", "hazard_factor": "material", "accident_types": "火药爆炸、火灾",
         "responsible_person": "李工", "region": "430181110001"}
HEADER = ["风险点", "评估方法", "L 可能性", "E 暴露频繁程度", "C 后果 / S 严重程度", "风险值（D 或 R）", "评估人", "评估时间"]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet(pk, header=HEADER):
    return [header,
            [pk, "作业条件危险性分析法（LEC）", 6, 6, 15, 540, "张工", "2026-03-01 09:00:00"],    # right
            [pk, "作业条件危险性分析法（LEC）", 6, 6, 7, 300, "张工", "2026-03-02 09:00:00"],     # slip: 252
            [pk, "风险矩阵法（L×S）", 3, "", 3, "9", "张工", "2026-03-03 09:00:00"],               # right
            [pk, "作业条件危险性分析法（LEC）", 3, 6, 3, "约54", "张工", "2026-03-04 09:00:00"],   # not a number
            [pk, "作业条件危险性分析法（LEC）", 1, 6, 3, "", "张工", "2026-03-05 09:00:00"]]       # no D: nothing to check


def point(api, orgs):
    response = api("staff").post("/api/risk-points/", {**POINT, "organization": orgs["a"].credit_code}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


EXPECTED = [
    "第 3 行, 风险值（D 或 R）: 表中 D 为 300，与 D = L×E×C = 6×6×7 = 252 不符；已按计算值 252 分级为较大风险（橙），"
    "表中数值未采用，请核对原表",
    "第 5 行, 风险值（D 或 R）: 表中 D“约54”不是数值，与 D = L×E×C = 3×6×3 = 54 不符；已按计算值 54 分级为低风险（蓝），"
    "表中数值未采用，请核对原表",
]


def test_a_sheet_with_its_own_D_is_imported_with_D_recomputed_and_slips_flagged(tree, orgs, users, api):
    pk = point(api, orgs)
    result = services.import_file(users["staff"], get_registry("risk-assessments"), "评估表.xlsx", xlsx(sheet(pk)))
    assert result.ok, result.errors
    assert result.created == 5
    assert result.warnings == EXPECTED
    values = list(RiskAssessment.objects.filter(risk_point_id=pk).order_by("assessed_at").values_list("value", "level"))
    assert values == [(540, "major"), (252, "high"), (9, "moderate"), (54, "low"), (18, "low")]  # never the printed 300
    assert RiskPoint.objects.get(pk=pk).level == "low"  # the latest assessment (18)


def test_the_usual_headings_of_a_D_column_are_accepted(tree, orgs, users, api):
    pk = point(api, orgs)
    for title in ("D", "风险值", "value"):
        rows = sheet(pk, [*HEADER[:5], title, *HEADER[6:]])[:3]
        result = services.import_file(users["staff"], get_registry("risk-assessments"), "评估表.xlsx", xlsx(rows))
        assert result.ok and result.warnings == EXPECTED[:1], (title, result.errors)


def test_a_wrong_row_still_stops_the_whole_file_and_the_notes_come_with_the_errors(tree, orgs, users, api):
    pk = point(api, orgs)
    rows = sheet(pk)
    rows.append([pk, "作业条件危险性分析法（LEC）", 5, 6, 15, 450, "张工", "2026-03-06 09:00:00"])  # L 5 is off the scale
    result = services.import_file(users["staff"], get_registry("risk-assessments"), "评估表.xlsx", xlsx(rows))
    assert not result.ok and result.created == 0 and not RiskAssessment.objects.filter(risk_point_id=pk).exists()
    assert result.errors == ["第 7 行, L 可能性: L（事故发生的可能性） 应取标准分值之一：10、6、3、1、0.5、0.2、0.1（实际为 5）"]
    assert result.warnings == EXPECTED


def test_the_importing_user_sees_each_flag_on_the_page_and_in_the_api(tree, orgs, users, api, web):
    pk = point(api, orgs)
    response = web("staff").post("/registry/risk-assessments/import/",
                                 {"file": SimpleUploadedFile("评估表.xlsx", xlsx(sheet(pk)))})
    assert response.status_code == 200  # written; the page stays to show the notes
    page = response.content.decode()
    assert "导入完成：新增 5 条" in page and "共 2 处提示（已导入，请核对）" in page
    assert 'data-testid="import-warnings"' in page and EXPECTED[0] in page
    RiskAssessment.objects.filter(risk_point_id=pk).delete()
    body = api("staff").post("/api/risk-assessments/import/", {"file": SimpleUploadedFile("评估表.xlsx", xlsx(sheet(pk)))},
                             format="multipart").json()
    assert body["ok"] is True and body["created"] == 5 and body["warnings"] == EXPECTED


def test_a_background_job_keeps_the_flags(tree, orgs, users, api, settings):
    from yingji.core.models import ImportJob

    settings.IMPORT_BACKGROUND_ROWS = 2
    pk = point(api, orgs)
    job = services.start_import(users["staff"], get_registry("risk-assessments"), "评估表.xlsx", xlsx(sheet(pk)))
    assert isinstance(job, ImportJob)
    services.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.created == 5 and job.warnings == EXPECTED


def test_the_command_line_prints_the_flags(tree, orgs, users, api, tmp_path, capsys):
    pk = point(api, orgs)
    path = tmp_path / "评估表.xlsx"
    path.write_bytes(xlsx(sheet(pk)))
    call_command("import_records", "risk-assessments", str(path), "--user", "staff")
    out = capsys.readouterr().out
    assert f"提示：{EXPECTED[0]}" in out and "导入完成：新增 5" in out


def test_a_registry_without_computed_columns_still_refuses_an_unknown_column(tree, users):
    from tests.test_import import HEADER as ORG_HEADER
    from tests.test_import import xlsx as org_xlsx

    result = services.import_file(users["staff"], get_registry("organizations"), "单位.xlsx",
                                  org_xlsx([[*ORG_HEADER, "风险值（D 或 R）"]]))
    assert result.errors == ["第 1 行, 第 7 列: 未知列“风险值（D 或 R）”（请使用导入模板中的列名）"]
