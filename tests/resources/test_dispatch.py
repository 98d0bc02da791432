"""Dispatch on a hand-checkable road: the network setting, nearest resources, coverage checks,
allocation into transfer orders, and the transfer order's lifecycle moving stock only on 出库/签收."""

import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.roads import LAT, seconds
from yingji.core.framework import workflow
from yingji.core.framework.statemachine import TransitionError
from yingji.resources import dispatch, stock
from yingji.resources.models import Material, StockLevel, StockMovement, Team, TransferLine, TransferOrder, Warehouse


def test_the_network_is_read_once_and_again_when_the_file_changes(road, settings, tmp_path):
    first = dispatch.road_network()
    assert first.n_nodes == 11 and dispatch.road_network() is first
    stat = road.stat()
    os.utime(road, (stat.st_atime, stat.st_mtime + 10))
    assert dispatch.road_network() is not first
    settings.ROAD_NETWORK = str(tmp_path / "missing.geojson")
    assert dispatch.road_network() is None
    assert dispatch.network_summary(None)["label"].startswith("未载入路网")


@pytest.fixture
def teams(tree, orgs):
    from yingji.incidents.models import Incident, TeamDispatch

    make = Team.objects.create
    made = {
        "west": make(name="西站", kind="fire_rescue", region=tree["a"], lon=113.70, lat=LAT),
        "east": make(name="东站", kind="fire_rescue", region=tree["a"], lon=113.80, lat=LAT),
        "busy": make(name="出动中的队伍", kind="flood", region=tree["a"], lon=113.77, lat=LAT),
        "other": make(name="金刚镇队伍", kind="flood", region=tree["b"], lon=113.76, lat=LAT),
    }
    elsewhere = Incident.objects.create(title="另一处险情", event_type="11100", region=tree["va"], address="大瑶村",
                                        occurred_at=timezone.now())
    TeamDispatch.objects.create(incident=elsewhere, team=made["busy"])  # out: its readiness is 出动
    made["busy"].refresh_from_db()
    assert made["busy"].readiness == "deployed"
    return made


def test_nearest_teams_by_road_time_with_routes(road, teams, users):
    out = dispatch.nearest_resources(users["township_a"], 113.77, LAT, kinds=["teams"], n=5)
    legs = out["results"]["teams"]
    # The deployed team is not offered; 金刚镇's team is outside 大瑶镇's scope.
    assert [leg["name"] for leg in legs] == ["东站", "西站"]
    assert legs[0]["minutes"] == round(seconds(113.80, 113.77) / 60, 1)
    assert legs[1]["minutes"] == round(seconds(113.70, 113.77) / 60, 1)
    assert legs[0]["method"] == "road" and legs[0]["line"][0] == [113.8, LAT] and legs[0]["line"][-1] == [113.77, LAT]
    assert len(legs[1]["line"]) == 2 + 8  # the station, the 8 nodes it passes, the place
    assert out["network"]["loaded"] and out["place"]["region"]  # the point is named by its region


def test_without_a_network_times_are_labelled_straight_line(settings, tmp_path, teams, users):
    settings.ROAD_NETWORK = str(tmp_path / "none.geojson")
    legs = dispatch.nearest_resources(users["staff"], 113.77, LAT, kinds=["teams"], n=1)["results"]["teams"]
    assert legs[0]["name"] == "金刚镇队伍" and legs[0]["method"] == "straight_line"
    assert "直线距离估算" in legs[0]["method_label"]
    with pytest.raises(ValidationError, match="未知的资源类别"):
        dispatch.nearest_resources(users["staff"], 113.77, LAT, kinds=["planes"])


def test_fire_coverage_share_and_gaps(road, places, teams, users):
    Team.objects.filter(name="西站").update(kind="flood")  # only 东站 is a fire station now
    report = dispatch.coverage_report(users["staff"], "fire5")
    # 东站 → 大瑶村: 3 segments, 4.9 min (reached); → 金刚村: 10 segments, 16.4 min (a gap).
    assert seconds(113.80, 113.77) < 300 < seconds(113.80, 113.70)
    assert (report.reached, report.total, report.share) == (1000, 4000, 0.25)
    assert report.meets_target is False and report.method == "road"
    assert [(g["name"], g["minutes"]) for g in report.gaps] == [("金刚镇金刚村", round(seconds(113.80, 113.70) / 60, 1))]
    assert report.area["type"] in ("Polygon", "MultiPolygon")
    wide = dispatch.coverage_report(users["staff"], "team15")  # 西站 is a standby team within 15 minutes of both
    assert wide.share == 1.0 and wide.gaps == [] and wide.meets_target is None
    with pytest.raises(ValidationError, match="未知的分析项"):
        dispatch.coverage_report(users["staff"], "fire3")


def test_material_arrival_counts_agreement_delivery_hours(road, places, tree, users):
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    supplier = Warehouse.objects.create(name="协议商超", level="county", region=tree["county"], lon=113.70, lat=LAT,
                                        reserve_kind="agreement", delivery_hours=13)
    stock.move(users["staff"], supplier, tent, "receive", 10)
    report = dispatch.coverage_report(users["staff"], "material12")
    assert report.share == 0.0 and len(report.gaps) == 2  # 13 hours of delivery alone miss the 12-hour mark
    Warehouse.objects.filter(pk=supplier.pk).update(delivery_hours=11.5)
    assert dispatch.coverage_report(users["staff"], "material12").share == 1.0


@pytest.fixture
def stores(road, places, tree, users):
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    water = Material.objects.create(code="WF-001", name="饮用水", category="water_food", unit="箱", region=tree["county"])
    near = Warehouse.objects.create(name="东库", level="county", region=tree["county"], lon=113.80, lat=LAT)
    far = Warehouse.objects.create(name="西库", level="township", region=tree["a"], lon=113.70, lat=LAT)
    for wh, qty in ((near, 30), (far, 100)):
        stock.move(users["staff"], wh, tent, "receive", qty)
    stock.move(users["staff"], far, water, "receive", 5)
    return {"tent": tent, "water": water, "near": near, "far": far}


def test_a_plan_uses_the_nearest_stock_first_and_reports_what_is_unmet(stores, users):
    rows = [dispatch.DemandRow("region:430181110001", "SH-001", 50, 12), dispatch.DemandRow("region:430181110001", "WF-001", 8)]
    plan = dispatch.plan_dispatch(users["staff"], rows)
    got = sorted((s["warehouse"].name, s["material"].code, s["quantity"]) for s in plan.shipments)
    assert got == [("东库", "SH-001", 30), ("西库", "SH-001", 20), ("西库", "WF-001", 5)]
    near = next(s for s in plan.shipments if s["warehouse"].name == "东库")
    assert near["arrival_hours"] == round(seconds(113.80, 113.77) / 3600, 2)
    assert [(u["material"].code, u["quantity"]) for u in plan.unmet] == [("WF-001", 3)]
    assert "库存不足" in plan.unmet[0]["why"]


def test_plan_errors_name_the_row_and_field(stores, users):
    rows = [dispatch.DemandRow("region:999", "SH-001", 1), dispatch.DemandRow("region:430181110001", "XX-9", 0)]
    with pytest.raises(ValidationError) as exc:
        dispatch.plan_dispatch(users["staff"], rows)
    assert exc.value.messages == ["第 1 行, 送达地点: 找不到送达地点 region:999，或不在您的管辖范围内",
                                  "第 2 行, 物资: 物资目录中没有编码为 XX-9 的物资", "第 2 行, 数量: 应为正整数"]
    with pytest.raises(ValidationError, match="找不到送达地点"):  # 金刚村 is outside 大瑶镇's scope
        dispatch.plan_dispatch(users["township_a"], [dispatch.DemandRow("region:430181111001", "SH-001", 1)])


def test_plan_becomes_draft_orders_and_stock_moves_only_on_issue_and_receipt(stores, users, tree):
    plan = dispatch.plan_dispatch(users["staff"], [dispatch.DemandRow("region:430181110001", "SH-001", 40, 6)])
    orders = dispatch.create_orders(users["staff"], plan, "强降雨转移安置")
    assert sorted(o.source.name for o in orders) == ["东库", "西库"]
    order = next(o for o in orders if o.source.name == "西库")
    assert order.state == "drafted" and order.number.startswith("DB") and order.region == tree["va"]
    assert [(ln.material.code, ln.quantity) for ln in order.lines.all()] == [("SH-001", 10)]
    before = StockMovement.objects.count()
    with pytest.raises(PermissionDenied):  # 业务科室 drafts, 局领导 approves
        workflow.apply(users["staff"], order, "approve")
    workflow.apply(users["leader"], order, "approve")
    assert StockMovement.objects.count() == before  # approval moves nothing
    with pytest.raises(PermissionDenied, match="调拨单已处于“已审批”状态"):  # lines are locked with their order
        from yingji.core.framework import services

        line = order.lines.get()
        line.quantity = 99
        services.save_instance(users["staff"], line)
    workflow.apply(users["staff"], order, "issue")
    out = StockMovement.objects.get(reference=order.number)
    assert (out.kind, out.delta, out.warehouse) == ("transfer_out", -10, stores["far"])
    assert StockLevel.objects.get(warehouse=stores["far"], material=stores["tent"]).quantity == 90
    with pytest.raises(TransitionError, match="当前状态为“已出库”，不能作废"):
        workflow.apply(users["leader"], order, "void", inputs={"reason": "不需要了"})
    workflow.apply(users["staff"], order, "depart")
    workflow.apply(users["village_a"], order, "receive")  # the village signs for goods delivered to the place
    order.refresh_from_db()
    assert order.state == "received" and StockMovement.objects.filter(reference=order.number).count() == 1


def test_issue_is_refused_without_stock_and_receipt_fills_the_destination(stores, users, tree):
    order = TransferOrder.objects.create(source=stores["near"], destination_warehouse=stores["far"], destination="西库",
                                         purpose="补库")
    with pytest.raises(TransitionError, match="还没有物资明细"):
        workflow.apply(users["leader"], order, "approve")
    TransferLine.objects.create(order=order, material=stores["tent"], quantity=31)
    workflow.apply(users["leader"], order, "approve")
    with pytest.raises(ValidationError, match="库存不足：东库 现有帐篷 30顶"):
        workflow.apply(users["staff"], order, "issue")
    order.refresh_from_db()
    assert order.state == "approved" and not StockMovement.objects.filter(reference=order.number).exists()
    TransferLine.objects.filter(order=order).update(quantity=30)
    for step in ("issue", "depart"):
        workflow.apply(users["staff"], order, step)
    assert StockLevel.objects.get(warehouse=stores["far"], material=stores["tent"]).quantity == 100  # in transit
    workflow.apply(users["township_a"], order, "receive")  # 大瑶镇 signs for its own store's goods
    assert StockLevel.objects.get(warehouse=stores["far"], material=stores["tent"]).quantity == 130
    assert StockLevel.objects.get(warehouse=stores["near"], material=stores["tent"]).quantity == 0
    assert stock.ledger_sum(stores["far"], stores["tent"]) == 130
    assert TransferOrder.objects.for_user(users["township_a"]).filter(pk=order.pk).exists()
    assert not TransferOrder.objects.for_user(users["township_b"]).filter(pk=order.pk).exists()


def test_an_order_cannot_send_a_store_to_itself(stores):
    order = TransferOrder(source=stores["near"], destination_warehouse=stores["near"], destination="东库", purpose="x")
    with pytest.raises(ValidationError, match="调入库不能与调出库相同"):
        order.full_clean()
    nowhere = TransferOrder(source=stores["near"], destination="某地", purpose="x")
    with pytest.raises(ValidationError, match="请填写送达区划"):
        nowhere.full_clean()
