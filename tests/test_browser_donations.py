"""The donation trail in headless Chromium, as the public and the office meet it: a pledge on the public
needs page from a phone → the receiving point's 接收捐赠 with the pledge's number → the receipt with its
QR label → 查验入库 → 分配 to a relief batch → the public trace page (from the QR's address) shows it."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from tests.relief.conftest import id_number
    from yingji.disasters.models import DisasterEvent
    from yingji.donations.models import Campaign, NeedItem, ReceivingPoint
    from yingji.relief import services as relief
    from yingji.relief.models import Beneficiary
    from yingji.resources.models import Material, Warehouse

    event = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                         learned_at=timezone.now() - datetime.timedelta(days=3), region=tree["county"])
    water = Material.objects.create(code="SH-101", name="瓶装饮用水", category="life", unit="箱", region=tree["county"])
    store = Warehouse.objects.create(name="大瑶镇储备库", level="township", region=tree["a"])
    point = ReceivingPoint.objects.create(name="大瑶镇捐赠接收点", region=tree["a"], address="大瑶镇政府院内", warehouse=store)
    c = Campaign.objects.create(event=event, region=tree["county"], title="大瑶镇洪灾社会捐赠", office="浏阳市应急管理局救灾股",
                                started_on=datetime.date(2026, 6, 21), published=True, do_not_send="旧衣物")
    NeedItem.objects.create(campaign=c, material=water, quantity=500, receiving_point=point)
    relief.seed_items(users["admin"], tree["county"], effective_from=datetime.date(2026, 1, 1))
    for n in (1, 2):
        Beneficiary.objects.create(event=event, region=tree["va"], head_name=f"户主{n}", head_id_number=id_number(n),
                                   members=3)
    batch = relief.create_batch(users["staff"], event=event, region=tree["a"], kind="emergency", category="emergency",
                                period_start=event.onset_date, title="大瑶镇应急救助")
    relief.add_households(users["staff"], batch)
    return {"campaign": c, "water": water, "point": point, "batch": batch}


def test_a_pledge_is_received_labelled_allocated_and_traced(live_server, campaign, browser):  # noqa: F811
    base, c = live_server.url, campaign["campaign"]
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{base}/public/donations/{c.pk}/")
    assert "瓶装饮用水" in phone.inner_text("[data-testid=needs]")
    phone.select_option("#donor_kind", "company")
    phone.fill("#donor_name", "湖南某某食品有限公司")
    phone.fill("#phone", "13912345678")
    phone.select_option("#material", str(campaign["water"].pk))
    phone.fill("#quantity", "100")
    phone.wait_for_timeout(3200)  # a person takes a few seconds (the public forms' gate)
    phone.click("button[type=submit]")
    code = phone.inner_text("[data-testid=tracking-code]").strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    phone.screenshot(path=str(OUTPUT / "donation-pledge-done.png"))

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/live/stream**", lambda route: route.abort())
    login(page, base, "township_a")
    page.goto(f"{base}/registry/donation-lots/do/receive/")
    page.wait_for_selector("[data-testid=operation]")
    page.select_option("#id_campaign", str(c.pk))
    page.select_option("#id_receiving_point", str(campaign["point"].pk))
    page.fill("#id_pledge_code", code)
    page.select_option("#id_kind", "goods")
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/donation-lots/*/")
    number = re.search(r"JS\d{8}-\d{4}", page.inner_text("main")).group(0)
    with page.expect_popup() as popup:
        page.click("text=收据和二维码标签")
    label = popup.value
    label.wait_for_selector("svg")
    assert number in label.inner_text("body") and "湖南某某食品有限公司" in label.inner_text("body")
    label.screenshot(path=str(OUTPUT / "donation-label.png"))
    qr_target = re.search(r"扫码查看捐赠去向：(\S+)", label.inner_text("body")).group(1)
    label.close()
    page.click("[data-transition=accept]")
    page.wait_for_selector("[data-testid=state]:has-text('已入库')")
    page.click("[data-operation=allocate]")
    page.wait_for_selector("[data-testid=operation]")
    page.select_option("#id_relief_batch", str(campaign["batch"].pk))
    page.fill("#id_per_household", "20")
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/donation-lots/*/")
    assert "已分配" in page.inner_text("main")

    phone.goto(base + qr_target[qr_target.index("/public/"):])  # the QR's address, on the test server
    trace = phone.inner_text("main")
    assert number in trace and "爱心单位" in trace and "查验入库" in trace and campaign["batch"].number in trace
    assert "户主1" not in trace and "13912345678" not in trace
    phone.screenshot(path=str(OUTPUT / "donation-trace.png"), full_page=True)
