"""Resources pages and API as users meet them: stock movement form, report download, nearest and
coverage API, the dispatch page making draft orders, map layers, and social-force registration."""

import io

import pytest
from django.core import signing
from django.utils import timezone
from openpyxl import load_workbook

from tests.roads import LAT
from yingji.core.framework import workflow
from yingji.resources import stock
from yingji.resources.models import (
    Material,
    SocialForceApplication,
    StockLevel,
    StockMovement,
    Team,
    TransferOrder,
    Warehouse,
)


@pytest.fixture
def depot(tree, users):
    wh = Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.78, lat=LAT)
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    stock.move(users["staff"], wh, tent, "receive", 10)
    return wh, tent


def test_stock_movement_form_records_and_refuses_by_field(depot, web):
    wh, tent = depot
    client = web("township_a")
    page = client.get("/registry/stock/").content.decode()
    assert "登记出入库" in page and "库存报表（Excel）" in page
    form = {"warehouse": wh.pk, "material": tent.pk, "kind": "issue", "quantity": 11, "batch": "", "reference": "CK-7",
            "note": "转移安置"}
    refused = client.post("/resources/stock/move/", form)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-field="quantity"' in html and "库存不足：大瑶镇储备点 现有帐篷 10顶，不能出库 11顶" in html
    assert 'value="CK-7"' in html  # what was typed stays
    assert StockMovement.objects.count() == 1
    form["quantity"] = 4
    done = client.post("/resources/stock/move/", form, follow=True)
    assert "大瑶镇储备点 现有 6顶" in done.content.decode()
    assert StockLevel.objects.get().quantity == 6 == stock.ledger_sum(wh, tent)
    transfer = client.post("/resources/stock/move/", {**form, "kind": "transfer_out"})
    assert transfer.status_code == 400 and 'data-field="kind"' in transfer.content.decode()  # transfers go by order


def test_read_only_users_cannot_record_movements(depot, web):
    wh, tent = depot
    client = web("readonly")
    response = client.post("/resources/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                      "quantity": 1})  # the operation's refusal: 403 with the reason
    assert response.status_code == 403
    assert "不能登记出入库" in response.content.decode() and StockMovement.objects.count() == 1


def test_another_townships_store_is_not_offered(depot, web):
    wh, tent = depot
    client = web("township_b")
    response = client.post("/resources/stock/move/", {"warehouse": wh.pk, "material": tent.pk, "kind": "receive",
                                                      "quantity": 1})
    assert response.status_code == 400 and 'data-field="warehouse"' in response.content.decode()


def test_stock_report_download(depot, web):
    response = web("staff").get("/resources/stock/report.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content))["库存"].iter_rows(values_only=True))
    assert rows[1][0] == "大瑶镇储备点" and rows[1][7] == 10


def test_nearest_and_coverage_api(road, places, depot, tree, api):
    Team.objects.create(name="东站", kind="fire_rescue", region=tree["a"], lon=113.80, lat=LAT)
    rest = api("township_a")
    body = rest.get("/api/resources/nearest/", {"lon": 113.77, "lat": LAT, "kinds": "teams,warehouses"}).json()
    assert [r["name"] for r in body["results"]["teams"]] == ["东站"]
    assert body["results"]["warehouses"][0]["detail"].endswith("帐篷 10顶")
    assert rest.get("/api/resources/nearest/", {"lon": "x", "lat": LAT}).json() == {"lon": "lon 应为数字"}
    assert rest.get("/api/resources/nearest/", {"lon": 10, "lat": LAT}).status_code == 400
    coverage = rest.get("/api/resources/coverage/", {"check": "fire5"}).json()
    assert coverage["share"] == 1.0 and coverage["total_population"] == 1000  # only 大瑶村 is in 大瑶镇's scope
    assert rest.get("/api/resources/coverage/", {"check": "nope"}).status_code == 400
    nothing = api("nobody").get("/api/resources/coverage/").json()  # no scope: sees no village, no station
    assert (nothing["total_population"], nothing["origins"]) == (0, [])


def test_dispatch_api_plans_and_drafts_orders(road, places, depot, api):
    rest = api("staff")
    demand = {"demands": [{"place": "region:430181110001", "material": "SH-001", "quantity": 12, "latest_hours": 6}]}
    plan = rest.post("/api/resources/dispatch-plan/", demand, format="json").json()
    assert plan["shipments"][0]["quantity"] == 10 and plan["unmet"][0]["quantity"] == 2 and plan["orders"] == []
    made = rest.post("/api/resources/dispatch-plan/", {**demand, "create_orders": True}, format="json").json()
    assert len(made["orders"]) == 1 and TransferOrder.objects.get().state == "drafted"
    assert api("readonly").post("/api/resources/dispatch-plan/", {**demand, "create_orders": True},
                                format="json").status_code == 403
    bad = rest.post("/api/resources/dispatch-plan/", {"demands": [{"place": "region:1", "material": "SH-001",
                                                                   "quantity": 1}]}, format="json")
    assert bad.status_code == 400 and "第 1 行, 送达地点" in bad.json()["demands"][0]


def test_dispatch_page_keeps_rows_and_drafts_orders(road, places, depot, web):
    client = web("staff")
    assert "按此方案拟定调拨单" not in client.get("/resources/dispatch/").content.decode()
    rows = {"place_0": "region:430181110001", "material_0": "SH-001", "quantity_0": "4", "latest_0": "6",
            "weight_0": "2", "purpose": "转移安置"}
    page = client.post("/resources/dispatch/", rows).content.decode()
    assert "大瑶镇储备点" in page and "按此方案拟定调拨单" in page
    bad = client.post("/resources/dispatch/", {**rows, "quantity_1": "3"})
    assert bad.status_code == 400 and "第 2 行, 送达地点" in bad.content.decode()
    done = client.post("/resources/dispatch/", {**rows, "create": "1"}, follow=True).content.decode()
    order = TransferOrder.objects.get()
    assert f"已拟定 1 张调拨单：{order.number}" in done and order.purpose == "转移安置"


def test_map_layers_offer_every_located_registry_with_a_filter(tree, web):
    page = web("staff").get("/map/").content.decode()
    for slug in ("teams", "warehouses", "shelters", "organizations"):
        assert f'data-layer="{slug}"' in page
    assert 'data-layer-filter="teams" data-field="kind"' in page


def test_team_layer_filters_by_kind(tree, api):
    Team.objects.create(name="东站", kind="fire_rescue", region=tree["a"], lon=113.80, lat=LAT)
    Team.objects.create(name="防汛队", kind="flood", region=tree["b"], lon=113.81, lat=LAT)
    names = lambda rest, q: [f["properties"]["name"] for f in rest.get(f"/api/map/teams.geojson{q}").json()["features"]]  # noqa: E731
    assert names(api("staff"), "?kind=flood") == ["防汛队"]
    assert names(api("township_a"), "") == ["东站"]


# ---- social force registration ------------------------------------------------------------------

def _form(**extra):
    started = timezone.now().timestamp() - 60
    return {"token": signing.dumps(started, salt="tip-off"), "website": "", "name": "浏阳市山鹰救援队",
            "leader": "王强", "mobile": "13800001111", "members": "25", "capabilities": "山地搜救,水域救援",
            "base_address": "大瑶镇", "lon": "113.70", "lat": "28.00", **extra}


def test_a_social_force_registers_is_reviewed_and_becomes_a_team(tree, client, users):
    tree["va"].geometry = {"type": "Polygon", "coordinates": [[[113.6, 27.9], [113.9, 27.9], [113.9, 28.1],
                                                               [113.6, 28.1], [113.6, 27.9]]]}
    tree["va"].save()
    bad = client.post("/public/rescue-teams/apply/", _form(mobile="123", members=""))
    assert bad.status_code == 400 and 'data-field="mobile"' in bad.content.decode()
    assert 'value="浏阳市山鹰救援队"' in bad.content.decode()
    done = client.post("/public/rescue-teams/apply/", _form())
    code = SocialForceApplication.objects.get().tracking_code
    assert code in done.content.decode()
    app = SocialForceApplication.objects.get()
    assert app.region == tree["va"] and app.state == "submitted"
    again = client.post("/public/rescue-teams/apply/", _form())
    assert "正在审核中" in again.content.decode()
    status = client.get(f"/public/rescue-teams/status/?code={code.lower()}").content.decode()
    assert "等待应急管理部门审核" in status
    with pytest.raises(workflow.TransitionError, match="须填写理由"):
        workflow.apply(users["staff"], app, "reject")
    workflow.apply(users["staff"], app, "approve")
    app.refresh_from_db()
    team = app.team
    assert (team.name, team.kind, team.members, team.region) == ("浏阳市山鹰救援队", "social", 25, tree["va"])
    assert "纳入本地应急救援力量库" in client.get(f"/public/rescue-teams/status/?code={code}").content.decode()


def test_registration_refuses_bots_and_places_outside(tree, client):
    assert "提交失败" in client.post("/public/rescue-teams/apply/", _form(website="http://spam")).content.decode()
    assert "请在地图上点选" in client.post("/public/rescue-teams/apply/", _form(lon="")).content.decode()
    outside = client.post("/public/rescue-teams/apply/", _form(lon="100.0", lat="30.0")).content.decode()
    assert "不在本辖区内" in outside
    assert not SocialForceApplication.objects.exists()
