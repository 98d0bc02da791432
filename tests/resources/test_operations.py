"""The resources actions as declared operations: 登记出入库 (stock/move) and 拟定调拨单
(transfer-orders/draft-from-plan), each on its page as a user meets it and through the API with a
token: success changes exactly what it should, a bad input is a 400 naming the field, a role that
may not is a 403, a record out of scope is not offered (400 on that field, as for a key nobody has),
and a state that forbids it is a 409."""

from urllib.parse import unquote

import pytest

from tests.roads import LAT
from yingji.resources import stock
from yingji.resources.models import Material, StockLevel, StockMovement, TransferLine, TransferOrder, Warehouse


@pytest.fixture
def depot(tree, users):
    wh = Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.78, lat=LAT)
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    stock.move(users["staff"], wh, tent, "receive", 10)
    return wh, tent


def ledger():
    return list(StockMovement.objects.order_by("pk").values_list("kind", "delta", "balance"))


# ---- 登记出入库 -------------------------------------------------------------------------------------

def test_the_stock_page_offers_the_form_and_keeps_what_was_typed(depot, web):
    wh, tent = depot
    client = web("township_a")
    page = client.get(f"/resources/stock/move/?warehouse={wh.pk}&kind=issue")  # a link may prefill it
    html = page.content.decode()
    assert page.status_code == 200 and "登记出入库" in html and "库存台账" in html  # its own page, explained
    assert f'<option value="{wh.pk}" selected>' in html and '<option value="issue" selected>' in html
    missing = client.post("/resources/stock/move/", {"warehouse": wh.pk, "note": "转移安置"})
    html = missing.content.decode()
    assert missing.status_code == 400 and "已填写的内容都保留着" in html
    assert 'data-field="material"' in html and 'data-field="quantity"' in html and 'value="转移安置"' in html
    done = client.post("/resources/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                  "quantity": 5, "batch": "2026-07", "reference": "RK-9"})
    assert done.status_code == 302 and unquote(done["Location"]) == "/registry/stock-movements/?warehouse=大瑶镇储备点"
    assert "已登记入库：帐篷 +5顶，大瑶镇储备点 现有 15顶" in client.get(done["Location"]).content.decode()
    assert ledger() == [("receive", 10, 10), ("receive", 5, 15)]


def test_a_read_only_role_is_refused_with_the_reason(depot, web):
    wh, tent = depot
    client = web("readonly")
    assert client.get("/resources/stock/move/").status_code == 403
    refused = client.post("/resources/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                     "quantity": 1})
    assert refused.status_code == 403 and "您的角色不能登记出入库" in refused.content.decode()
    assert ledger() == [("receive", 10, 10)]


def test_stock_moves_through_the_api(depot, api, tree):
    wh, tent = depot
    clerk = api("township_a")
    done = clerk.post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "issue", "quantity": 4,
                                           "reference": "CK-7", "note": "转移安置"}, format="json")
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body == {"ok": True, "message": "已登记出库：帐篷 -4顶，大瑶镇储备点 现有 6顶", "id": body["id"], "kind": "issue",
                    "delta": -4, "balance": 6, "warehouse": "大瑶镇储备点", "material": "SH-001"}
    movement = StockMovement.objects.get(pk=body["id"])
    assert (movement.reference, movement.note, movement.actor) == ("CK-7", "转移安置", "township_a")
    assert ledger() == [("receive", 10, 10), ("issue", -4, 6)]  # one line appended, nothing else
    assert list(StockLevel.objects.values_list("quantity", flat=True)) == [6] == [stock.ledger_sum(wh, tent)]
    # 400, the field named, nothing written
    short = clerk.post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "issue", "quantity": 7},
                       format="json")
    assert short.status_code == 400 and short.json() == {"quantity": ["库存不足：大瑶镇储备点 现有帐篷 6顶，不能出库 7顶"]}
    transfer = clerk.post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "transfer_out",
                                               "quantity": 1}, format="json")
    assert transfer.status_code == 400 and set(transfer.json()) == {"kind"}  # transfers go by order
    batch = clerk.post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "issue", "quantity": 1,
                                            "batch": "B-404"}, format="json")
    assert batch.status_code == 400 and "批次 B-404 的结存不足" in batch.json()["batch"][0]
    # another township's store is not offered: the same 400 as a store nobody has
    elsewhere = api("township_b").post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                            "quantity": 1}, format="json")
    assert elsewhere.status_code == 400 and set(elsewhere.json()) == {"warehouse"}
    # a role that may not record movements
    refused = api("readonly").post("/api/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                        "quantity": 1}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "您的角色不能登记出入库"
    assert ledger() == [("receive", 10, 10), ("issue", -4, 6)]


# ---- 拟定调拨单 -------------------------------------------------------------------------------------

DEMAND = {"place": "region:430181110001", "material": "SH-001", "quantity": 4, "latest_hours": 6}


def test_drafting_orders_through_the_api(road, places, depot, api):
    before = StockLevel.objects.get().quantity
    done = api("staff").post("/api/transfer-orders/draft-from-plan/", {"demands": [DEMAND], "purpose": "转移安置"},
                             format="json")
    assert done.status_code == 200, done.json()
    order = TransferOrder.objects.get()
    assert done.json() == {"ok": True, "message": f"已拟定 1 张调拨单：{order.number}，请局领导审批",
                           "orders": [order.number], "ids": [order.pk], "unmet": []}
    assert (order.state, order.purpose, order.source.name) == ("drafted", "转移安置", "大瑶镇储备点")
    assert order.destination == "大瑶镇大瑶村"
    assert list(TransferLine.objects.values_list("material__code", "quantity")) == [("SH-001", 4)]
    assert StockLevel.objects.get().quantity == before  # stock moves only on 出库, not on drafting


def test_drafting_orders_refuses_by_row_role_and_stock(road, places, depot, tree, api):
    rest = api("staff")
    url = "/api/transfer-orders/draft-from-plan/"
    missing = rest.post(url, {"purpose": "x"}, format="json")
    assert missing.status_code == 400 and missing.json() == {"demands": ["请至少填写一行需求"]}
    bad = rest.post(url, {"demands": [DEMAND, {"place": "region:1", "material": "SH-001", "quantity": 0}]},
                    format="json")
    assert bad.status_code == 400 and bad.json() == {"demands": ["第 2 行, 数量: 请确保该值大于或者等于 1。"]}
    unknown = rest.post(url, {"demands": [DEMAND, {"place": "region:1", "material": "SH-001", "quantity": 1}]},
                        format="json")
    assert unknown.status_code == 400 and unknown.json()["demands"][0].startswith("第 2 行, 送达地点")
    outside = api("township_b").post(url, {"demands": [DEMAND]}, format="json")  # 大瑶村 is not in 金刚镇's scope
    assert outside.status_code == 400 and outside.json()["demands"][0].startswith("第 1 行, 送达地点")
    village = api("village_a").post(url, {"demands": [DEMAND]}, format="json")  # villages sign, they do not draft
    assert village.status_code == 403 and village.json()["detail"] == "您的角色不能拟定调拨单"
    water = Material.objects.create(code="WF-001", name="饮用水", category="water_food", unit="箱", region=tree["county"])
    none_in_stock = rest.post(url, {"demands": [{**DEMAND, "material": water.code}]}, format="json")
    assert none_in_stock.status_code == 409 and "按现有库存没有可调运的物资" in none_in_stock.json()["detail"]
    assert "第 1 行" in none_in_stock.json()["detail"]
    assert not TransferOrder.objects.exists()


def test_the_dispatch_page_drafts_through_the_operation(road, places, depot, tree, web, users, client):
    rows = {"place_0": "region:430181110001", "material_0": "SH-001", "quantity_0": "4", "latest_0": "6",
            "weight_0": "2", "purpose": "转移安置"}
    staff = web("staff")
    done = staff.post("/resources/dispatch/", {**rows, "create": "1"})
    assert done.status_code == 302 and done["Location"] == "/registry/transfer-orders/?state=drafted"
    order = TransferOrder.objects.get()
    assert order.purpose == "转移安置" and order.lines.get().quantity == 4
    water = Material.objects.create(code="WF-001", name="饮用水", category="water_food", unit="箱", region=tree["county"])
    empty = staff.post("/resources/dispatch/", {**rows, "material_0": water.code, "create": "1"})
    assert empty.status_code == 409 and "按现有库存没有可调运的物资" in empty.content.decode()
    assert 'value="转移安置"' in empty.content.decode()  # what was typed stays
    client.force_login(users["village_a"])
    page = client.post("/resources/dispatch/", rows)
    assert page.status_code == 200 and "按此方案拟定调拨单" not in page.content.decode()  # not offered …
    refused = client.post("/resources/dispatch/", {**rows, "create": "1"})
    assert refused.status_code == 403 and "您的角色不能拟定调拨单" in refused.content.decode()  # … nor taken
    assert TransferOrder.objects.count() == 1


def test_the_plan_api_drafts_through_the_same_operation(road, places, depot, api):
    body = {"demands": [DEMAND], "create_orders": True}
    assert api("village_a").post("/api/resources/dispatch-plan/", body, format="json").json() == {
        "detail": "您的角色不能拟定调拨单"}
    made = api("staff").post("/api/resources/dispatch-plan/", body, format="json")
    assert made.status_code == 200 and made.json()["orders"] == [TransferOrder.objects.get().number]
    assert made.json()["shipments"][0]["quantity"] == 4
