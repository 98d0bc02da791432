"""The stock ledger: movements only, never negative, one winner for the last items, the ledger
always sums to the shown stock; alerts, the .xlsx report, shelters and the shared catalogue."""

import datetime
import io
import random
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from openpyxl import load_workbook

from yingji.resources import stock
from yingji.resources.models import Material, Shelter, StockLevel, StockMovement, Warehouse


@pytest.fixture
def depot(tree, orgs):
    wh = Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.8, lat=27.95)
    tent = Material.objects.create(code="WZ-0001", name="帐篷", category="living", unit="顶", region=tree["county"],
                                   shelf_life_days=None)
    water = Material.objects.create(code="WZ-0002", name="饮用水", category="water_food", unit="箱", region=tree["county"],
                                    shelf_life_days=365)
    return wh, tent, water


def test_movements_keep_the_balance_and_refuse_going_negative(depot, users):
    wh, tent, _ = depot
    staff = users["staff"]
    stock.move(staff, wh, tent, "receive", 50, reference="RK-1")
    stock.move(staff, wh, tent, "issue", 20)
    stock.move(staff, wh, tent, "count", 28, note="盘亏 2 顶")
    stock.move(staff, wh, tent, "scrap", 3)
    level = StockLevel.objects.get(warehouse=wh, material=tent)
    assert level.quantity == 25 == stock.ledger_sum(wh, tent)
    assert [m.delta for m in StockMovement.objects.order_by("id")] == [50, -20, -2, -3]
    with pytest.raises(ValidationError, match="库存不足：大瑶镇储备点 现有帐篷 25顶，不能出库 26顶"):
        stock.move(staff, wh, tent, "issue", 26)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValidationError, match="正整数"):
            stock.move(staff, wh, tent, "receive", bad)
    assert StockLevel.objects.get(pk=level.pk).quantity == 25 and StockMovement.objects.count() == 4


def test_ledger_always_sums_to_the_stock(depot, users):
    wh, tent, _ = depot
    rng = random.Random(5)
    stock.move(users["staff"], wh, tent, "receive", 10)
    for _ in range(200):
        kind = rng.choice(["receive", "issue", "transfer_in", "transfer_out", "scrap", "count"])
        try:
            stock.move(users["staff"], wh, tent, kind, rng.randint(0 if kind == "count" else 1, 30))
        except ValidationError:
            pass  # refused moves change nothing
        assert StockLevel.objects.get(warehouse=wh, material=tent).quantity == stock.ledger_sum(wh, tent) >= 0


def test_the_ledger_is_append_only_and_stock_not_editable(depot, users, api, client):
    wh, tent, _ = depot
    m = stock.move(users["staff"], wh, tent, "receive", 10)
    rest = api("staff")
    assert rest.patch(f"/api/stock-movements/{m.pk}/", {"delta": 99}, format="json").status_code == 403
    assert rest.delete(f"/api/stock-movements/{m.pk}/").status_code == 403
    assert rest.post("/api/stock-movements/", {}, format="json").status_code == 405
    level = StockLevel.objects.get()
    assert rest.patch(f"/api/stock/{level.pk}/", {"quantity": 999, "minimum": 12}, format="json").status_code == 200
    level.refresh_from_db()
    assert (level.quantity, level.minimum) == (10, 12)  # the minimum is a setting; the quantity is the ledger's
    client.force_login(users["staff"])
    page = client.get(f"/registry/stock-movements/{m.pk}/").content.decode()
    assert "只追加的台账" in page


def test_scope_and_catalogue_shared_down(depot, users, tree):
    wh, tent, _ = depot
    with pytest.raises(PermissionDenied):
        stock.move(users["township_b"], wh, tent, "receive", 1)  # another township's depot
    assert Material.objects.for_user(users["township_a"]).filter(pk=tent.pk).exists()  # the county catalogue
    assert not Material.objects.for_user(users["nobody"]).exists()
    other = Material.objects.create(code="WZ-9", name="乡镇自有物资", category="other", unit="件", region=tree["b"])
    assert not Material.objects.for_user(users["township_a"]).filter(pk=other.pk).exists()


def test_low_stock_rotation_and_report(depot, users):
    wh, tent, water = depot
    today = datetime.date(2026, 11, 22)
    stock.move(users["staff"], wh, water, "receive", 40, batch="B2025", expires=datetime.date(2026, 12, 10))
    stock.move(users["staff"], wh, water, "receive", 60, batch="B2026", expires=datetime.date(2027, 9, 1))
    stock.move(users["staff"], wh, water, "issue", 15, batch="B2025")
    stock.move(users["staff"], wh, tent, "receive", 3)
    StockLevel.objects.filter(material=tent).update(minimum=10)
    with pytest.raises(ValidationError, match="批次 B2025 的结存不足"):
        stock.move(users["staff"], wh, water, "issue", 30, batch="B2025")
    due = stock.rotation_due(today)
    assert [(r["batch"], r["remaining"], r["expired"]) for r in due] == [("B2025", 25, False)]
    assert [lv.material.name for lv in stock.low_stock()] == ["帐篷"]
    book = load_workbook(io.BytesIO(stock.stock_report(users["staff"])))
    rows = list(book["库存"].iter_rows(values_only=True))
    assert rows[0][:3] == ("储备库", "层级", "储备方式")
    assert ("大瑶镇储备点", "帐篷", 3, 10, "低于最低储备") in [(r[0], r[5], r[7], r[8], r[9]) for r in rows[1:]]
    rotation = list(book["收储轮换"].iter_rows(values_only=True))
    assert rotation[1][2] == "B2025" and rotation[1][4] == 25


def test_shelter_capacity_from_area_per_person(tree):
    s = Shelter(name="集里广场", duration_class="short", region=tree["a"], effective_area_m2=9001, facilities="应急供水,应急厕所")
    s.full_clean()
    s.save()
    assert s.capacity_people == 4500  # 2.0 m² per person for a short-term shelter
    bad = Shelter(name="x", duration_class="long", region=tree["a"], effective_area_m2=10, facilities="直升机坪")
    with pytest.raises(ValidationError, match="未知的设施：直升机坪"):
        bad.full_clean()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_concurrent_issue_of_the_last_items_lets_only_one_through(tree, orgs, users):
    wh = Warehouse.objects.create(name="县级储备库", level="county", region=tree["county"])
    boat = Material.objects.create(code="WZ-0100", name="冲锋舟", category="rescue", unit="艘", region=tree["county"])
    stock.move(users["staff"], wh, boat, "receive", 2)
    results, barrier = [], threading.Barrier(2)

    def issue():
        try:
            barrier.wait()
            stock.move(users["staff"], wh, boat, "issue", 2)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert StockLevel.objects.get(warehouse=wh, material=boat).quantity == 0 == stock.ledger_sum(wh, boat)


def test_daily_stock_alerts_reach_the_keepers_once(depot, users):
    from yingji.core.models import Notification
    from yingji.resources.tasks import stock_alerts

    wh, tent, water = depot
    soon = datetime.date.today() + datetime.timedelta(days=10)
    stock.move(users["staff"], wh, water, "receive", 40, batch="B1", expires=soon)
    stock.move(users["staff"], wh, tent, "receive", 3)
    StockLevel.objects.filter(material=tent).update(minimum=10)
    assert stock_alerts() >= 2  # the county's 业务科室 and 大瑶镇 at least
    note = Notification.objects.get(user=users["township_a"])
    assert note.title == "库存提示：大瑶镇储备点 2 项"
    assert "帐篷 现有 3顶，低于最低储备 10" in note.body and "饮用水 批次 B1 临期" in note.body
    assert not Notification.objects.filter(user=users["township_b"]).exists()
    assert stock_alerts() == 0  # once a day
