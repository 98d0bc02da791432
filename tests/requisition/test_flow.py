"""应急征用 through the API as the bureau uses it: the ready list, a requisition 拟定 → 批准 → 送达 →
使用中 → 返还 → 补偿 with its papers and compensation, refusals (409), roles (403), scope (404), the
owner's public lookup, and a requisitioned item serving a dispatch and the nearest-resources search."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone
from docx import Document

from yingji.disasters.models import DisasterEvent
from yingji.requisition.models import LookupAttempt, ReadyItem, Requisition, RequisitionRule, UseLog
from yingji.resources import dispatch
from yingji.resources.models import Material

API = "/api/requisitions/"


@pytest.fixture
def event(tree):
    return DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                        learned_at=timezone.now() - datetime.timedelta(days=6), region=tree["county"])


@pytest.fixture
def digger(tree):
    return Material.objects.create(code="RQ-001", name="挖掘机", category="rescue", unit="台", region=tree["county"])


@pytest.fixture
def item(tree, orgs, digger):
    return ReadyItem.objects.create(name="挖掘机（卡特 320）", kind="equipment", region=orgs["a"].region,
                                    organization=orgs["a"], owner_name="李四", owner_phone="13907310520",
                                    capacity=D("2"), unit="台", unit_value_cny=D("450000"), material=digger,
                                    lon=113.78, lat=27.98)


@pytest.fixture
def rule(tree):
    return RequisitionRule.objects.create(region=tree["county"], kind="equipment", effective_from=datetime.date(2020, 1, 1),
                                          daily_rate_cny=D("1500"), operator_daily_cny=D("300"), source="浏阳市补偿标准（测试）")


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def draft(api, event, item, who="staff", **kw):
    body = {"event": event.pk, "item": item.pk, "issuer": "浏阳市人民政府", "quantity": "1", "purpose": "清理道路塌方",
            "place": "大瑶镇 S309 K12", "operators": 1, **kw}
    response = post(api(who), API, body)
    assert response.status_code == 201, response.json()
    return Requisition.objects.get(pk=response.json()["id"])


def step(api, who, r, name, data=None):
    return post(api(who), f"{API}{r.pk}/{name}/", data)


def to_in_use(api, r, started_at):
    assert step(api, "leader", r, "approve").status_code == 200
    assert step(api, "staff", r, "serve", {"served_to": "李四", "served_at": started_at.isoformat()}).status_code == 200
    assert step(api, "staff", r, "start-use", {"started_at": started_at.isoformat()}).status_code == 200
    r.refresh_from_db()
    assert r.state == "in_use"


def test_the_whole_course_with_papers_and_compensation(api, users, event, item, rule):
    r = draft(api, event, item)
    assert r.number.startswith("ZY") and r.state == "drafted" and r.organization == item.organization
    assert step(api, "staff", r, "approve").status_code == 403  # who drafted it may not approve it
    assert api("staff").get(f"{API}{r.pk}/documents/notice/").status_code == 404  # no notice before 批准
    assert step(api, "leader", r, "approve", {"comment": "同意"}).json()["state"] == "approved"
    notice = api("staff").get(f"{API}{r.pk}/documents/notice/")
    assert notice.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(notice.content)).paragraphs) + "".join(
        c.text for t in Document(io.BytesIO(notice.content)).tables for row in t.rows for c in row.cells)
    assert "应急征用通知书" in text and r.number in text and "第十二条" in text and "大瑶花炮厂" in text
    start = timezone.now() - datetime.timedelta(days=4, hours=1)
    assert step(api, "staff", r, "serve", {"served_to": "李四", "served_at": start.isoformat()}).status_code == 200
    assert step(api, "staff", r, "start-use", {"started_at": start.isoformat()}).status_code == 200
    used = step(api, "staff", r, "log-use", {"day": timezone.localdate().isoformat(), "place": "S309 K12", "hours": "9.5",
                                             "work": "清理塌方土石"})
    assert used.status_code == 200, used.json()
    missing = step(api, "staff", r, "return-item", {"condition": "damaged", "damage_note": "液压油管爆裂",
                                                     "assessed_by": "机械维修厂"})
    assert missing.status_code == 400 and "repair_cost_cny" in missing.json()  # damage needs its repair cost
    back = step(api, "staff", r, "return-item", {"condition": "damaged", "repair_cost_cny": "3200元",
                                                  "damage_note": "液压油管爆裂", "assessed_by": "机械维修厂"})
    assert back.status_code == 200, back.json()
    r.refresh_from_db()
    # 5 started days (4 d 1 h): 1500 × 5 = 7500; operator 300 × 5 = 1500; repair 3200 → 12200
    assert r.compensation_detail["days"] == 5 and r.compensation_cny == D("12200.00")
    assert r.compensation_detail["rule"]["source"] == "浏阳市补偿标准（测试）"
    record = api("staff").get(f"{API}{r.pk}/documents/return/")
    assert record.status_code == 200
    doc = Document(io.BytesIO(record.content))
    assert "12,200" in "\n".join(p.text for p in doc.paragraphs) or "12200" in "\n".join(p.text for p in doc.paragraphs)
    wrong = step(api, "staff", r, "compensate", {"paid_cny": "12000元", "paid_on": timezone.localdate().isoformat(),
                                                  "voucher_number": "CZ-001"})
    assert wrong.status_code == 400 and "comment" in wrong.json()  # a different amount needs its reason
    paid = step(api, "staff", r, "compensate", {"paid_cny": "12200元", "paid_on": timezone.localdate().isoformat(),
                                                 "voucher_number": "CZ-001"})
    assert paid.json()["state"] == "compensated"
    r.refresh_from_db()
    assert (r.paid_cny, r.voucher_number) == (D("12200.00"), "CZ-001")


@pytest.mark.parametrize("state, name, data", [
    ("drafted", "serve", {"served_to": "李四"}),
    ("drafted", "start-use", {}),
    ("approved", "return-item", {"condition": "intact"}),
    ("approved", "log-use", {"day": "2026-07-01", "place": "某地"}),
    ("served", "approve", {}),
    ("in_use", "compensate", {"paid_cny": "1元", "paid_on": "2026-07-01", "voucher_number": "X"}),
    ("in_use", "cancel", {"reason": "不再需要"}),
    ("returned", "return-item", {"condition": "intact"}),
    ("compensated", "cancel", {"reason": "x"}),
])
def test_a_step_the_state_does_not_allow_is_409(api, event, item, rule, state, name, data):
    r = draft(api, event, item)
    Requisition.objects.filter(pk=r.pk).update(state=state, started_at=timezone.now() - datetime.timedelta(days=1),
                                               returned_at=timezone.now(), compensation_cny=D("1"))
    before = Requisition.objects.get(pk=r.pk).state
    assert step(api, "leader" if name in ("approve", "cancel") else "staff", r, name, data).status_code == 409
    assert Requisition.objects.get(pk=r.pk).state == before


def test_cancel_before_use_needs_a_reason_and_frees_the_item(api, event, item):
    r = draft(api, event, item, quantity="2")
    assert step(api, "leader", r, "approve").status_code == 200
    other = draft(api, event, item)
    assert step(api, "leader", other, "approve").status_code == 409  # both units are held by the first
    assert step(api, "leader", r, "cancel").status_code == 400
    assert step(api, "leader", r, "cancel", {"reason": "险情解除"}).json()["state"] == "cancelled"
    assert step(api, "leader", other, "approve").status_code == 200


@pytest.mark.parametrize("who, name", [("readonly", "approve"), ("township_a", "approve"), ("leader", "serve"),
                                       ("township_a", "compensate"), ("village_a", "serve"),
                                       ("enterprise_a", "start-use")])
def test_a_role_may_not_take_what_it_is_not_given(api, event, item, who, name):
    r = draft(api, event, item)
    assert step(api, who, r, name, {"served_to": "x", "reason": "x"}).status_code == 403


def test_out_of_scope_is_404_and_lists_only_own(api, event, item, orgs, tree):
    r = draft(api, event, item, who="township_a")
    assert step(api, "township_b", r, "serve", {"served_to": "x"}).status_code == 404
    assert api("township_b").get(f"{API}{r.pk}/").status_code == 404
    assert api("township_b").get(f"{API}{r.pk}/documents/notice/").status_code == 404
    assert [x["id"] for x in api("enterprise_a").get(API).json()["results"]] == [r.pk]  # the owner's own case
    other = ReadyItem.objects.create(name="货车", kind="vehicle", region=tree["vb"], owner_name="王五",
                                     owner_phone="13800001111", capacity=D("1"), unit="辆")
    refused = post(api("township_a"), API, {"event": event.pk, "item": other.pk, "issuer": "x", "quantity": "1",
                                            "purpose": "x", "place": "x"})
    assert refused.status_code == 400 and "item" in refused.json()


def test_drafting_more_than_the_ready_list_holds_is_refused_on_the_field(api, event, item):
    response = post(api("staff"), API, {"event": event.pk, "item": item.pk, "issuer": "x", "quantity": "3", "purpose": "x",
                                        "place": "x"})
    assert response.status_code == 400 and "quantity" in response.json()
    response = post(api("staff"), API, {"item": item.pk, "issuer": "x", "quantity": "1", "purpose": "x", "place": "x"})
    assert response.status_code == 400 and "event" in response.json()


# ---- the owner's public lookup ------------------------------------------------------------------

def lookup(client, number, tail, ip="10.0.0.1"):
    return client.post("/public/requisition/", {"number": number, "tail": tail}, REMOTE_ADDR=ip)


def test_the_owner_sees_only_their_case_with_the_right_phone_tail(client, api, event, item, rule, tree):
    mine = draft(api, event, item)
    theirs_item = ReadyItem.objects.create(name="重型自卸货车", kind="vehicle", region=tree["vb"], owner_name="王五",
                                           owner_phone="13800001111", capacity=D("1"), unit="辆")
    theirs = draft(api, event, theirs_item, purpose="运输沙袋至金刚村堤段")
    assert lookup(client, mine.number, "0520").content.decode().count("没有找到") == 1  # drafted: not yet the owner's
    for r in (mine, theirs):
        assert step(api, "leader", r, "approve").status_code == 200
    page = lookup(client, mine.number.lower(), "0520").content.decode()
    assert mine.number in page and "已批准" in page and "挖掘机" in page
    assert theirs.number not in page and "沙袋" not in page and "王五" not in page and "李四" not in page
    for number, tail in ((mine.number, "1111"), (theirs.number, "0520"), ("ZY20000101-001", "0520")):
        page = lookup(client, number, tail).content.decode()
        assert "没有找到" in page and "挖掘机" not in page and "自卸" not in page  # the same answer, nothing told
    assert lookup(client, mine.number, "52").status_code == 400


def test_the_lookup_is_rate_limited_per_client(client, api, event, item):
    r = draft(api, event, item)
    step(api, "leader", r, "approve")
    for _ in range(10):
        assert lookup(client, "ZY0", "0000", ip="10.0.0.9").status_code == 200
    limited = lookup(client, r.number, "0520", ip="10.0.0.9")
    assert limited.status_code == 400 and "次数过多" in limited.content.decode() and "挖掘机" not in limited.content.decode()
    assert "挖掘机" in lookup(client, r.number, "0520", ip="10.0.0.10").content.decode()  # another client still may
    assert LookupAttempt.objects.count() == 11


# ---- dispatch and the nearest-resources search ----------------------------------------------------

def test_a_requisitioned_excavator_serves_a_dispatch(api, users, event, item, digger, places):
    r = draft(api, event, item, quantity="2")
    rows = [dispatch.DemandRow("region:430181110001", "RQ-001", 1, 12)]
    assert dispatch.plan_dispatch(users["staff"], rows).unmet  # only approved: not yet at the bureau's hand
    to_in_use(api, r, timezone.now() - datetime.timedelta(hours=3))
    plan = dispatch.plan_dispatch(users["staff"], rows)
    assert not plan.unmet and len(plan.shipments) == 1
    s = plan.shipments[0]
    assert s["warehouse"] is None and s["source"] == "requisitions" and r.number in s["source_name"]
    made = post(api("staff"), "/api/resources/dispatch-plan/",
                {"demands": [{"place": "region:430181110001", "material": "RQ-001", "quantity": 1}],
                 "create_orders": True, "purpose": "抢通道路"})
    assert made.status_code == 200, made.json()
    log = UseLog.objects.get(requisition=r, source="dispatch")
    assert log.quantity == 1 and "抢通道路" in log.work and made.json()["orders"] == [str(log)]
    r.refresh_from_db()
    assert r.dispatched == 1 and r.available == 1
    # out of scope: the other township's account has no such supply
    assert dispatch.plan_dispatch(users["township_b"], [dispatch.DemandRow("region:430181111001", "RQ-001", 1, 12)]).unmet


def test_the_ready_list_is_in_the_nearest_search_and_on_the_map(api, users, item, web):
    out = dispatch.nearest_resources(users["staff"], 113.77, 27.97, kinds=["teams", "requisition-items"], n=5)
    found = out["results"]["requisition-items"]
    assert [x["id"] for x in found] == [item.pk] and "大瑶花炮厂" in found[0]["detail"]
    assert "李四" not in found[0]["detail"] and "0520" not in found[0]["detail"]  # no owner's personal data
    assert found[0]["url"].endswith(f"/requisition-items/{item.pk}/")
    assert dispatch.nearest_resources(users["staff"], 113.77, 27.97, kinds=["requisition-items"],
                                      material="SH-001")["results"]["requisition-items"] == []
    response = api("staff").get("/api/resources/nearest/", {"lon": 113.77, "lat": 27.97, "kinds": "requisition-items"})
    assert response.status_code == 200 and response.json()["results"]["requisition-items"][0]["id"] == item.pk
    assert "可征用资源" in web("staff").get("/resources/nearest/").content.decode()
    from yingji.core.framework.views import map_layers

    assert "requisition-items" in [layer["slug"] for layer in map_layers(users["staff"])]


def test_future_times_and_absurd_amounts_are_refused_on_their_fields(api, event, item, rule):
    r = draft(api, event, item)
    assert step(api, "leader", r, "approve").status_code == 200
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    refused = step(api, "staff", r, "serve", {"served_to": "李四", "served_at": later})
    assert refused.status_code == 400 and "served_at" in refused.json()
    to_serve = step(api, "staff", r, "serve", {"served_to": "李四"})
    assert to_serve.status_code == 200
    assert step(api, "staff", r, "start-use", {}).status_code == 200
    refused = step(api, "staff", r, "return-item", {"condition": "damaged", "repair_cost_cny": "1000000000000000元",
                                                     "damage_note": "x", "assessed_by": "y"})
    assert refused.status_code == 400 and "repair_cost_cny" in refused.json()
    Requisition.objects.filter(pk=r.pk).update(started_at=timezone.now() - datetime.timedelta(hours=5))
    assert step(api, "staff", r, "return-item", {"condition": "intact"}).status_code == 200
    r.refresh_from_db()
    assert r.compensation_cny == D("1800.00")  # one day: 1500 + one operator 300
    refused = step(api, "staff", r, "compensate", {"paid_cny": "1800元", "voucher_number": "X",
                                                    "paid_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    assert refused.status_code == 400 and "paid_on" in refused.json()
    assert Requisition.objects.get(pk=r.pk).state == "returned"


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_papers_mask_a_private_owner_for_roles_without_personal_data(api, event, tree):
    truck = ReadyItem.objects.create(name="重型自卸货车", kind="vehicle", region=tree["va"], owner_name="王五",
                                     owner_phone="13800001111", capacity=D("1"), unit="辆")
    r = draft(api, event, truck)
    assert step(api, "leader", r, "approve").status_code == 200
    assert step(api, "staff", r, "serve", {"served_to": "王五"}).status_code == 200
    staff = docx_text(api("staff").get(f"{API}{r.pk}/documents/notice/").content)
    assert "王五" in staff and "13800001111" in staff
    readonly = api("readonly").get(f"{API}{r.pk}/documents/notice/")
    assert readonly.status_code == 200
    text = docx_text(readonly.content)
    assert "王五" not in text and "13800001111" not in text and "***" in text
