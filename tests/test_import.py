"""Import: located Chinese errors, all-or-nothing, idempotent re-import, template, CSV encodings."""

import csv
import io

from django.db import models
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


def upload(client, content, name="单位.xlsx", registry="organizations"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/registry/{registry}/import/", {"file": SimpleUploadedFile(name, content)})


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
    # Treated as a new record (the key is unknown to this user); the database keeps credit codes
    # unique, which the import says exactly as the page's 新增 form does — nothing about scope.
    assert "第 2 行, 统一社会信用代码: 具有 统一社会信用代码 的 单位 已存在。" in errors
    assert "第 3 行, 所属区划: 找不到区划代码为“430181111001”的行政区划，或不在您的管辖范围内" in errors
    orgs["b"].refresh_from_db()
    assert orgs["b"].name == "金刚化工有限公司"


def test_no_existence_oracle_for_keys_outside_the_scope(tree, orgs, users, web):
    """Out of scope answers like unknown: no "exists but outside your scope"; the record's own key
    gets the same words as the create form; a related key the same words as a key that does not exist."""
    client = web("all_in_a")
    rows = [HEADER, [orgs["b"].credit_code, "试探", "企业", "C2614", "430181110001", 1],
            [credit(501), "试探区划（别的镇）", "企业", "C2614", "430181111001", 1],
            [credit(502), "试探区划（不存在）", "企业", "C2614", "430181999001", 1]]
    errors = upload(client, xlsx(rows)).context["result_errors"]
    assert not any("管辖范围内" in e and "已存在" in e for e in errors)
    assert not any(orgs["b"].name in e or "金刚" in e for e in errors)
    form = client.post("/registry/organizations/new/", {"credit_code": orgs["b"].credit_code, "name": "试探",
                                                        "kind": "enterprise", "region": "430181110001"})
    assert errors[0] == f"第 2 行, 统一社会信用代码: {form.context['form'].errors['credit_code'][0]}"
    assert errors[1].replace("430181111001", "X").replace("第 3 行", "") == \
        errors[2].replace("430181999001", "X").replace("第 4 行", "")


def org_rows(n, start=1000, region="430181110001"):
    return [HEADER] + [[credit(start + i), f"批量企业{i:05d}", "企业", "C2672", region, 10 + i % 500] for i in range(n)]


def test_bulk_import_gives_the_same_records_and_history(tree, users, api, settings):
    from auditlog.models import LogEntry
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_BACKGROUND_ROWS = 10_000
    n = 1500
    rows = org_rows(n)
    client = api("staff")

    def post(rows):
        return client.post("/api/organizations/import/", {"file": SimpleUploadedFile("批量.xlsx", xlsx(rows))},
                           format="multipart").json()

    assert post(rows) == {"ok": True, "created": n, "updated": 0, "unchanged": 0, "errors": [],
                          "warnings": []}
    org = Organization.objects.get(credit_code=credit(1000 + 77))
    assert (org.name, org.kind, org.industry_code, org.region.code, org.employees) == \
        ("批量企业00077", "enterprise", "C2672", "430181110001", 87)
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr__startswith="批量企业")
    assert created.count() == n and set(created.values_list("actor__username", flat=True)) == {"staff"}
    entry = LogEntry.objects.get_for_object(org).get()
    assert entry.changes["credit_code"] == ["None", org.credit_code] and entry.changes["employees"] == ["None", "87"]
    assert entry.changes["region"] == ["None", str(tree["va"].pk)]

    for i in (5, 700, 1499):
        rows[i + 1][5] = 9999
    assert post(rows) == {"ok": True, "created": 0, "updated": 3, "unchanged": n - 3, "errors": [],
                          "warnings": []}
    updates = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, content_type__model="organization")
    assert updates.count() == 3
    assert updates.get(object_id=Organization.objects.get(name="批量企业00700").pk).changes == \
        {"employees": [str(10 + 700 % 500), "9999"]}
    assert updates.first().actor == users["staff"]


def test_one_bad_row_among_thousands_writes_nothing(tree, users, web, settings, django_assert_max_num_queries):
    from auditlog.models import LogEntry

    settings.IMPORT_BACKGROUND_ROWS = 10_000
    rows = org_rows(2000)
    rows[1234][0] = rows[1234][0][:17] + ("0" if rows[1234][0][17] != "0" else "1")  # file row 1235
    rows[1800][1] = ""
    before = LogEntry.objects.count()
    client = web("staff")
    with django_assert_max_num_queries(60):  # bulk: the queries do not grow with the rows
        response = upload(client, xlsx(rows))
    assert response.status_code == 400
    assert response.context["result_errors"] == [
        f"第 1235 行, 统一社会信用代码: 校验位应为 {credit(1000 + 1233)[17]}", "第 1801 行, 单位名称: 该字段是必填项。"]
    assert not Organization.objects.filter(name__startswith="批量企业").exists()
    assert LogEntry.objects.count() == before


def wait_for(fetch, done, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_large_file_becomes_a_job_with_progress_and_result(transactional_db, tree, users, web, api, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core.models import ImportJob

    settings.IMPORT_BACKGROUND_ROWS = 5
    client = web("staff")
    response = upload(client, xlsx(org_rows(40)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/organizations/import/jobs/{job.pk}/"
    assert job.owner == users["staff"] and job.total_rows == 40
    page = client.get(response.url)
    assert page.status_code == 200 and "后台导入" in page.content.decode()
    fragment = wait_for(lambda: client.get(response.url, headers={"HX-Request": "true"}).content.decode(),
                        lambda html: 'data-state="done"' in html or 'data-state="failed"' in html)
    assert "导入完成：新增 40 条，更新 0 条，未变化 0 条" in fragment and "hx-trigger" not in fragment
    assert Organization.objects.filter(name__startswith="批量企业").count() == 40
    job.refresh_from_db()
    assert (job.state, job.validated_rows, job.written_rows, job.content) == ("done", 40, 40, b"")

    body = api("staff").get(f"/api/organizations/import/jobs/{job.pk}/").json()
    assert body["state"] == "done" and body["ok"] is True and body["created"] == 40 and body["validated_rows"] == 40
    # Nobody else sees the job — not even someone with the same role and scope.
    from tests.conftest import make_user

    make_user("staff2", "staff", region=tree["county"])
    assert api("township_a").get(f"/api/organizations/import/jobs/{job.pk}/").status_code == 404
    other = web("leader")
    assert other.get(f"/registry/organizations/import/jobs/{job.pk}/").status_code == 404

    # Through the API: 202 and the job's URL; a bad row fails the whole job with located errors.
    rows = org_rows(30, start=5000)
    rows[17][4] = "999999"
    accepted = api("staff").post("/api/organizations/import/", {"file": SimpleUploadedFile("b.xlsx", xlsx(rows))},
                                 format="multipart")
    assert accepted.status_code == 202
    url = accepted.json()["url"]
    assert url.endswith(f"/api/organizations/import/jobs/{accepted.json()['job']}/")
    body = wait_for(lambda: api("staff").get(url).json(), lambda b: b["finished"])
    assert body["state"] == "failed" and body["ok"] is False and body["created"] == 0
    assert body["errors"] == ["第 18 行, 所属区划: 找不到区划代码为“999999”的行政区划，或不在您的管辖范围内"]
    assert not Organization.objects.filter(credit_code=credit(5000)).exists()


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


def test_bulk_history_entries_are_those_the_signals_write(tree, users, settings):
    """The bulk path writes history itself; its entries equal auditlog's own for the same change."""
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    from yingji.core.framework import services
    from yingji.core.framework.registry import get_registry

    settings.IMPORT_BACKGROUND_ROWS = 10_000
    rows = org_rows(3)
    assert services.import_file(users["staff"], get_registry("organizations"), "a.xlsx", xlsx(rows)).ok
    imported = Organization.objects.get(credit_code=rows[1][0])
    with set_actor(users["staff"]):
        by_hand = Organization.objects.create(credit_code=credit(9999), name="手工录入", kind="enterprise",
                                              industry_code="C2672", region=tree["va"], employees=imported.employees)
    bulk, signal = (LogEntry.objects.get_for_object(o).get() for o in (imported, by_hand))
    same = lambda changes: {k: v for k, v in changes.items() if k not in ("id", "credit_code", "name")}  # noqa: E731
    assert same(bulk.changes) == same(signal.changes) and bulk.changes.keys() == signal.changes.keys()
    assert (bulk.action, bulk.actor, bulk.object_repr) == (signal.action, signal.actor, imported.name)

    rows[1][5] = 321  # an update, against a save() of the same change
    assert services.import_file(users["staff"], get_registry("organizations"), "a.xlsx", xlsx(rows)).ok
    with set_actor(users["staff"]):
        by_hand.employees = 321
        by_hand.save()
    bulk, signal = (LogEntry.objects.get_for_object(o).filter(action=LogEntry.Action.UPDATE).get()
                    for o in (imported, by_hand))
    assert bulk.changes == signal.changes == {"employees": [str(imported.employees), "321"]}


def test_creation_diff_is_auditlog_diff_for_every_registry(tree, orgs):
    """The bulk path's diff of a new record equals auditlog's model_instance_diff(None, record) for
    every registry's model: all its field kinds, empty and filled, relations set and not."""
    from auditlog.diff import model_instance_diff

    from tests.samples import make_record
    from yingji.core.framework import services
    from yingji.core.framework.registry import registries

    for reg in registries():
        record = make_record(reg, tree["va"], orgs["a"])
        diff = services._creation_diff(reg.model)
        assert diff(record) == model_instance_diff(None, record), reg.slug
        for f in reg.model._meta.concrete_fields:  # emptied: "" / None drop out of auditlog's diff or not
            if f.primary_key:
                continue
            if f.null:
                setattr(record, f.attname, None)
            elif isinstance(f, models.CharField | models.TextField):
                setattr(record, f.attname, "")
        assert diff(record) == model_instance_diff(None, record), reg.slug


def test_xlsx_cells_read_as_text():
    """The reader (calamine) gives every cell as the text the form gets: from A1 whatever the first
    filled cell, whole numbers without ".0", dates as ISO text, formulas as their value, a neutralised
    export cell back as it was; a file that is not a workbook is refused in words."""
    import datetime

    import pytest

    from yingji.core.framework import tabular

    book = Workbook()
    sheet = book.active
    sheet["B2"] = " 名称 "
    sheet["C2"] = 13812345678
    sheet["D2"] = 2.5
    sheet["E2"] = datetime.date(2026, 1, 5)
    sheet["F2"] = datetime.datetime(2026, 1, 5, 13, 4, 5)
    sheet["G2"] = True
    sheet["H2"] = "'=1+1"
    out = io.BytesIO()
    book.save(out)
    rows = tabular.read_rows("a.xlsx", out.getvalue())
    assert rows == [["", "", "", "", "", "", "", ""],
                    ["", "名称", "13812345678", "2.5", "2026-01-05", "2026-01-05 13:04:05", "True", "=1+1"]]
    assert tabular.count_rows("a.xlsx", out.getvalue()) == 1
    for broken in (b"not a workbook", b"PK\x03\x04broken zip"):
        with pytest.raises(tabular.FileFormatError, match="无法读取 Excel 文件"):
            tabular.read_rows("a.xlsx", broken)
    empty = io.BytesIO()
    Workbook().save(empty)
    with pytest.raises(tabular.FileFormatError, match="文件为空"):
        tabular.read_rows("a.xlsx", empty.getvalue())


def test_each_field_check_gives_the_page_forms_message(tree, users, web):
    """Import cleans plain fields once, with the model's validators moved onto the form fields: every
    kind of check (a model validator, a range, a choice, a length, control characters) still refuses
    the value with the words the page's form gives, on the same field."""
    client = web("staff")
    header = ["统一社会信用代码", "单位名称", "单位类型", "所属区划", "经度", "纬度", "安全负责人电话", "从业人数", "地址"]
    bad = {"lon": ("经度", "181"), "safety_manager_phone": ("安全负责人电话", "12ab"),
           "employees": ("从业人数", "1" + "0" * 20), "name": ("单位名称", "名" * 300),
           "address": ("地址", "一号\x07院"), "kind": ("单位类型", "外星企业")}
    good = {"credit_code": credit(600), "name": "校验企业", "kind": "enterprise", "region": "430181110001",
            "lon": "113.6", "lat": "28.1", "safety_manager_phone": "0731-83000000", "employees": "10", "address": "一号院"}
    for name, (label, value) in bad.items():
        row = dict(good, **{name: value})
        form = client.post("/registry/organizations/new/", row).context["form"]
        assert list(form.errors) == [name], (name, form.errors)
        cells = [row["credit_code"], row["name"], "外星企业" if name == "kind" else "企业", row["region"],
                 row["lon"], row["lat"], row["safety_manager_phone"], row["employees"], row["address"]]
        out = io.StringIO()  # CSV: an .xlsx cannot hold a control character
        csv.writer(out).writerows([header, cells])
        errors = upload(client, out.getvalue().encode(), "单位.csv").context["result_errors"]
        if name == "kind":  # the file names the choice by its label; the page posts its value
            assert errors and errors[0].startswith("第 2 行, 单位类型: "), errors
        else:
            assert errors == [f"第 2 行, {label}: {m}" for m in form.errors[name]], (name, errors)
    assert not Organization.objects.filter(credit_code=credit(600)).exists()


def test_a_coordinate_beyond_a_spreadsheets_precision_round_trips_unchanged(tree, users, web):
    """A spreadsheet keeps 15 significant digits (116.81700000000001 reads back as 116.817): the
    exported file imported back is no change, and the stored coordinate keeps its own digits."""
    from yingji.resources.models import Warehouse

    house = Warehouse.objects.create(name="精度库", level="county", region=tree["county"],
                                     lon=116.81700000000001, lat=28.123456789012345)
    before = house.updated_at
    client = web("admin")
    exported = client.get("/registry/warehouses/export.xlsx").content
    assert upload(client, exported, "导出.xlsx", "warehouses").status_code == 302
    house.refresh_from_db()
    assert (house.updated_at, house.lon, house.lat) == (before, 116.81700000000001, 28.123456789012345)
    # A real change in the 15th digit is still a change.
    book = load_workbook(io.BytesIO(exported))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("经度") + 1, value=116.817000000001)
    out = io.BytesIO()
    book.save(out)
    assert upload(client, out.getvalue(), "导出.xlsx", "warehouses").status_code == 302
    house.refresh_from_db()
    assert house.lon == 116.817000000001
