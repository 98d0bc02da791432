"""Import: located Chinese errors, all-or-nothing, idempotent re-import, template, CSV encodings."""

import csv
import io

from openpyxl import Workbook, load_workbook

from tests.conftest import credit
from yingji.core.models import Organization

HEADER = ["统一社会信用代码", "单位名称", "单位类型", "行业代码（GB/T 4754）", "所属区划", "从业人数"]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content, name="单位.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/registry/organizations/import/", {"file": SimpleUploadedFile(name, content)})


def test_good_file_then_idempotent_reimport(tree, users, web):
    client = web("staff")
    rows = [HEADER] + [[credit(300 + i), f"导入企业{i}", "企业", "C2672", "430181110001", 10 + i] for i in range(5)]
    response = upload(client, xlsx(rows))
    assert response.status_code == 302
    assert Organization.objects.filter(name__startswith="导入企业").count() == 5
    org = Organization.objects.get(name="导入企业3")
    assert org.kind == "enterprise" and org.region.code == "430181110001" and org.employees == 13
    assert upload(client, xlsx(rows)).status_code == 302  # same file again
    assert Organization.objects.filter(name__startswith="导入企业").count() == 5
    rows[2][5] = 999
    upload(client, xlsx(rows))
    assert Organization.objects.get(name="导入企业1").employees == 999


def test_bad_rows_are_all_reported_and_nothing_is_written(tree, users, web):
    good = credit(400)
    wrong_check = credit(401)[:17] + ("0" if credit(401)[17] != "0" else "1")
    rows = [HEADER,
            [good, "好企业", "企业", "C2672", "430181110001", 5],
            [wrong_check, "校验位错", "企业", "C2672", "430181110001", 5],
            [credit(402), "", "外星企业", "C51", "999999", "很多"],
            [good, "重复", "企业", "", "430181110001", 1]]
    response = upload(web("staff"), xlsx(rows))
    assert response.status_code == 400
    errors = response.context["result_errors"]
    assert f"第 3 行, 统一社会信用代码: 校验位应为 {credit(401)[17]}" in errors
    assert "第 4 行, 单位名称: 该字段是必填项。" in errors
    assert "第 4 行, 单位类型: “外星企业”不是有效的选项；可选：政府部门、事业单位、企业、社会组织、其他" in errors
    assert "第 4 行, 行业代码（GB/T 4754）: 大类 51 不属于门类 C（制造业）" in errors
    assert "第 4 行, 所属区划: 找不到区划代码为“999999”的行政区划，或不在您的管辖范围内" in errors
    assert "第 4 行, 从业人数: 输入整数。" in errors
    assert "第 5 行, 统一社会信用代码: 与第 2 行重复" in errors
    assert not Organization.objects.filter(credit_code=good).exists()  # the good row was not written
    page = response.content.decode()
    assert "未导入" in page and "没有写入任何数据" in page


def test_unknown_and_missing_columns(tree, users, web):
    response = upload(web("staff"), xlsx([["单位名称", "颜色"], ["某企业", "红"]]))
    errors = response.context["result_errors"]
    assert "第 1 行, 第 2 列: 未知列“颜色”（请使用导入模板中的列名）" in errors
    assert any(e.startswith("第 1 行: 缺少必填列 统一社会信用代码") for e in errors)


def test_csv_in_gbk_and_rows_referring_to_earlier_rows(tree, users, web):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["区划代码", "名称", "级别", "上级区划"])
    writer.writerow(["430181110002", "新村", "村社区", "430181110"])
    writer.writerow(["430181112", "新镇", "乡镇街道", "430181"])
    writer.writerow(["430181112001", "新镇一村", "村社区", "430181112"])  # parent from the row above
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = web("admin").post("/registry/regions/import/",
                                 {"file": SimpleUploadedFile("区划.csv", text.getvalue().encode("gb18030"))})
    assert response.status_code == 302, response.context and response.context.get("result_errors")
    from yingji.core.models import Region

    assert Region.objects.get(code="430181112001").path.endswith("430181/430181112/430181112001/")


def test_import_cannot_reach_outside_scope(tree, orgs, users, web):
    rows = [HEADER, [orgs["b"].credit_code, "抢别人家的企业", "企业", "C2614", "430181110001", 1],
            [credit(500), "落在别的镇", "企业", "C2614", "430181111001", 1]]
    response = upload(web("all_in_a"), xlsx(rows))
    errors = response.context["result_errors"]
    assert "第 2 行, 统一社会信用代码: 该记录已存在且不在您的管辖范围内" in errors
    assert "第 3 行, 所属区划: 找不到区划代码为“430181111001”的行政区划，或不在您的管辖范围内" in errors
    orgs["b"].refresh_from_db()
    assert orgs["b"].name == "金刚化工有限公司"


def test_template_and_export_round_trip(orgs, users, web):
    client = web("staff")
    template = load_workbook(io.BytesIO(client.get("/registry/organizations/template.xlsx").content))
    header = [c.value for c in template.worksheets[0][1]]
    assert header[:2] == ["统一社会信用代码", "单位名称"]
    assert "填写说明" in template.sheetnames
    assert "可选值：政府部门、事业单位、企业、社会组织、其他" in template.worksheets[0]["C1"].comment.text
    exported = client.get("/registry/organizations/export.xlsx").content
    assert upload(client, exported, "导出.xlsx").status_code == 302  # export → import changes nothing
    assert Organization.objects.count() == 2


def test_api_import_returns_errors_as_json(tree, users, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [HEADER, [credit(600)[:17] + "?", "坏", "企业", "", "430181110001", 1]]
    response = api("staff").post("/api/organizations/import/", {"file": SimpleUploadedFile("x.xlsx", xlsx(rows))},
                                 format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["created"] == 0
    assert body["errors"][0].startswith("第 2 行, 统一社会信用代码: 含有不允许的字符 ?")
