"""导入安置名单: a township's list with Chinese headers into a shelter's activation — households and members,
every bad row and field located and the whole file refused (the registry import's rule), people already
registered for the event refused, the other duplicate signs kept as warnings, capacity under the desk's
lock (PostgreSQL: two imports at once), the template, a large list as a background job."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yingji.shelters.models import Activation, Evacuee, Household, Stay

from . import test_flow as flow
from .test_flow import CHILD, HEAD, activate, check_in, idn

event, shelters = flow.event, flow.shelters

HEADER = ["序号", "户号", "姓名", "与户主关系", "身份证号码", "性别", "出生年份", "联系电话", "户籍村", "特殊需求", "常用药品",
          "分区", "房间/床位", "安置需求"]
WIFE = idn("43018119620303004")
GRANNY = idn("43018119400707006")


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [1, "1", "刘建国", "户主", HEAD, "", "", "13800000001", "大瑶村", "老", "降压药", "A区", "101", "低盐饮食"],
    [2, "1", "王秀兰", "配偶", WIFE, "", "", "", "", "病", "", "", "", ""],
    [3, "1", "刘小宇", "子女", CHILD, "", "", "", "", "幼", "", "", "", ""],
    [4, "", "陈桂英", "户主", GRANNY, "", "", "13900000002", "大瑶镇大瑶村", "老、残", "", "B区", "", ""],
    [5, "", "陈明", "子", "", "男", "1990", "", "", "", "", "", "", ""],  # no ID card: allowed, flagged
]


def send(api, activation, content, name="名单.xlsx", who="staff"):
    upload = io.BytesIO(content)
    upload.name = name
    return api(who).post(f"/api/shelter-activations/{activation.pk}/import-households/", {"file": upload},
                         format="multipart")


def test_a_list_becomes_households_and_members(api, tree, event, shelters):
    site = activate(api, shelters[1], event)
    r = send(api, site, xlsx(GOOD))
    assert r.status_code == 200, r.json()
    assert r.json()["households"] == 2 and r.json()["warnings"] == []
    liu = Household.objects.get(event=event, head_name="刘建国")
    assert (liu.phone, liu.village, liu.zone, liu.room, liu.needs) == ("13800000001", tree["va"], "A区", "101", "低盐饮食")
    assert liu.card_number.startswith("AZ") and liu.region == tree["b"]  # scope: the shelter's township
    assert sorted(liu.members.values_list("name", "relation", "flags", "birth_year")) == [
        ("刘小宇", "child", "幼", 2018), ("刘建国", "head", "老", 1960), ("王秀兰", "spouse", "病", 1962)]
    chen = Household.objects.get(event=event, head_name="陈桂英")
    son = chen.members.get(name="陈明")
    assert (son.no_id, son.relation, son.gender, son.birth_year) == (True, "child", "male", 1990)
    assert Stay.objects.filter(household=chen, people=2).count() == 1
    site.refresh_from_db()
    assert (site.state, site.occupants, site.households_in, site.total_people) == ("running", 5, 2, 5)
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(son).filter(action=LogEntry.Action.CREATE).count() == 1  # one history
    # the same file again: every person is already registered for the event → refused whole, located
    again = send(api, site, xlsx(GOOD))
    assert again.status_code == 400
    errors = again.json()["file"]
    assert errors[0].startswith("第 2 行, 身份证号码: 此人已在本事件登记（金刚中学应急避难场所，安置卡号 AZ")
    assert len(errors) == 4 and Household.objects.filter(event=event).count() == 2


def test_bad_rows_are_located_and_nothing_is_written(api, tree, event, shelters):
    site = activate(api, shelters[1], event)
    bad = [
        [1, "1", "刘建国", "户主", HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1"), "", "", "13800000001", "大瑶村", "", "",
         "", "", ""],
        [2, "1", "王秀兰", "老伴", "", "", "", "", "", "", "", "", "", ""],
        [3, "2", "张三", "户主", WIFE, "", "", "abc", "不存在村", "饿", "", "", "", ""],
        [4, "2", "张四", "子女", WIFE, "", "19x0", "", "", "", "", "", "", ""],
        [5, "3", "李五", "配偶", "", "", "", "", "", "", "", "", "", ""],
        [6, "", "赵六", "户主", GRANNY, "", "", "", "大瑶村", "", "", "", "", ""],  # a good row: not written either
    ]
    r = send(api, site, xlsx(bad))
    assert r.status_code == 400
    errors = r.json()["file"]
    assert errors == [
        f"第 2 行, 身份证号码: 校验码应为 {HEAD[-1]}，实际为 {('0' if HEAD[-1] != '0' else '1')}",
        "第 3 行, 与户主关系: “老伴”应为 户主、配偶、子女、父母、其他 之一",
        "第 4 行, 户籍村（社区）: 本县没有“不存在村”这个村（社区）",
        "第 4 行, 联系电话: 电话号码只能包含数字、+、-、括号和空格（5–20 位）",
        "第 4 行, 特殊需求: 未知的特殊需求 饿；可选：老、幼、孕、残、病、三无、三孤",
        f"第 5 行, 出生年份: “19x0”不是 1900 至 {timezone.localdate().year} 之间的四位年份",
        "第 6 行, 与户主关系: 户号 3 的人员中没有户主（与户主关系填“户主”）",
    ]
    assert not Household.objects.filter(event=event).exists()
    assert not Evacuee.objects.filter(household__event=event).exists()
    header = send(api, site, xlsx([GOOD[0]], header=[*HEADER[:-1], "血型"]))
    assert header.json()["file"] == ["第 1 行, 第 14 列: 未知列“血型”（请使用导入模板中的列名）"]
    missing = send(api, site, xlsx([["刘建国"]], header=["姓名"]))
    assert missing.json()["file"] == ["第 1 行: 缺少必填列 与户主关系"]


def test_duplicates_of_the_desk_are_refused_or_shown_never_merged(api, tree, event, shelters):
    a, b = activate(api, shelters[0], event), activate(api, shelters[1], event)
    assert check_in(api, a, village=tree["va"].pk, members="").status_code == 200  # 刘建国 (HEAD) at the desk
    rows = [
        [1, "", "刘建国", "户主", HEAD, "", "", "", "大瑶村", "", "", "", "", ""],  # the same person: refused
        [2, "", "周敏", "户主", "", "", "1975", "13700000009", "大瑶村", "", "", "", "", ""],
        [3, "", "周敏", "户主", "", "", "1975", "", "金刚村", "", "", "", "", ""],
    ]
    r = send(api, b, xlsx(rows))
    assert r.status_code == 400 and r.json()["file"] == [
        "第 2 行, 身份证号码: 此人已在本事件登记（大瑶中学应急避难场所，安置卡号 "
        f"{Household.objects.get(event=event).card_number}），同一人不能重复登记"]
    # without that row: written; the same name, village and birth year as a member registered at the desk
    # is a warning, and the pair is in the event's duplicate list (not merged)
    assert check_in(api, a, head_name="何强", head_id_number="", village=tree["va"].pk,
                    members="周敏，，配偶").status_code == 200
    Evacuee.objects.filter(name="周敏").update(birth_year=1975)
    ok = send(api, b, xlsx(rows[1:]))
    assert ok.status_code == 200, ok.json()
    assert ok.json()["warnings"] == [
        "第 2 行, 姓名: 疑似重复登记（姓名、户籍村和出生年份相同）：已登记的 大瑶中学应急避难场所（安置卡号 "
        f"{Household.objects.get(head_name='何强').card_number}），请到“疑似重复登记”核对（不会自动合并）"]
    assert Evacuee.objects.filter(name="周敏").count() == 3
    listed = api("staff").get(f"/api/shelters/duplicates/?event={event.pk}").json()["candidates"]
    assert [c["reason"] for c in listed] == ["姓名、户籍村和出生年份相同"]


def test_the_shelters_capacity_is_respected(api, tree, event, shelters):
    small = activate(api, shelters[0], event)  # 5 places
    activate(api, shelters[1], event)  # 100 places: the nearest with room
    assert check_in(api, small, village=tree["va"].pk, head_id_number="", members="").status_code == 200
    r = send(api, small, xlsx(GOOD))
    assert r.status_code == 400
    (message,) = r.json()["file"]
    assert message.startswith("第 6 行: 超出安置点可用容量：大瑶中学应急避难场所可用容量 5 人，在住 1 人，容纳不下这 5 人；"
                              "最近有空位的安置点：金刚中学应急避难场所")
    assert message.endswith("自本行起容纳不下，请分到其他安置点后再导入")
    assert Household.objects.filter(activation=small).count() == 1


def test_page_template_and_roles(api, web, tree, event, shelters):
    site = activate(api, shelters[1], event)
    page = web("staff").get(f"/registry/shelter-activations/{site.pk}/do/import-households/")
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    template = web("staff").get("/shelters/household-import-template/")
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.active[1]][:4] == ["户号", "姓名", "与户主关系", "身份证号码"]
    assert "GB 11643" in book.active["D1"].comment.text and book["填写说明"]["A1"].value == "列名"
    assert api("staff").get("/api/shelters/household-import-template/").status_code == 200
    assert api("readonly").get("/api/shelters/household-import-template/").status_code == 403
    assert send(api, site, xlsx(GOOD), who="readonly").status_code == 403
    # the template's own example rows import as they are (a csv in GBK too)
    assert send(api, site, template.content).status_code == 200
    csv = "户号,姓名,与户主关系,户籍村\n9,钱七,户主,金刚村\n".encode("gb18030")
    assert send(api, site, csv, name="名单.csv").status_code == 200
    assert Household.objects.filter(activation=site).count() == 2  # the template’s family and 钱七
    # the page shows the located errors
    upload = io.BytesIO(xlsx([[1, "", "孙八", "户主", "123", "", "", "", "大瑶村"]]))
    upload.name = "名单.xlsx"
    shown = web("staff").post(f"/registry/shelter-activations/{site.pk}/do/import-households/", {"file": upload})
    assert shown.status_code == 400 and "第 2 行, 身份证号码: 应为 18 位，实际为 3 位" in shown.content.decode()


def test_a_large_list_is_a_background_job(api, tree, event, shelters, settings, monkeypatch):
    from yingji.core.framework import services as core
    from yingji.core.models import ImportJob

    settings.IMPORT_BACKGROUND_ROWS = 2
    site = activate(api, shelters[1], event)
    monkeypatch.setattr(core, "_dispatch", lambda job_id: None)  # run below, as a worker would
    r = send(api, site, xlsx(GOOD))
    assert r.status_code == 200 and r.json()["state"] == "queued"
    job = ImportJob.objects.get(pk=r.json()["job"])
    assert (job.registry, job.operation, job.record) == ("shelter-activations", "import-households", str(site.pk))
    core.run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.created, job.errors) == ("done", 2, [])
    assert Household.objects.filter(activation=site).count() == 2
    assert api("staff").get(f"/api/shelter-activations/import/jobs/{job.pk}/").json()["state"] == "done"


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'",
                    reason="real concurrent transactions need PostgreSQL; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_do_not_overfill_the_shelter(tree, users, event, shelters):
    import threading

    from django.db import connection

    from yingji.shelters import imports, services

    site = services.activate(users["staff"], shelters[0], event=event)  # 5 places
    lists = [xlsx([[1, "", f"甲{i}", "户主", "", "", "", "", "大瑶村"], [2, "", f"乙{i}", "配偶"], [3, "", f"丙{i}", "子女"]])
             for i in range(2)]  # 3 people each: one fits, both do not
    results, barrier = [None, None], threading.Barrier(2)

    def run(i):
        try:
            barrier.wait()
            results[i] = imports.import_households(users["staff"], Activation.objects.get(pk=site.pk), "名单.xlsx",
                                                   lists[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.ok for r in results) == [False, True], [r.errors for r in results]
    assert "超出安置点可用容量" in next(r for r in results if not r.ok).errors[0]
    site.refresh_from_db()
    assert (site.occupants, Evacuee.objects.filter(household__activation=site).count()) == (3, 3)
