"""应急征用 in headless Chromium, as the bureau meets it: a clerk drafts a requisition of an excavator, the
leader approves it, the clerk serves the 征用通知书 (the .docx downloads), puts it in use, takes it back
damaged, and the record page shows the compensation calculated from the county's rates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


@pytest.fixture
def ready(tree, orgs, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.disasters.models import DisasterEvent
    from yingji.requisition.models import ReadyItem, RequisitionRule

    event = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                         learned_at=timezone.now() - datetime.timedelta(days=1), region=tree["county"])
    item = ReadyItem.objects.create(name="挖掘机（卡特 320）", kind="equipment", region=orgs["a"].region, organization=orgs["a"],
                                    owner_name="李四", owner_phone="13907310520", capacity=Decimal("1"), unit="台",
                                    unit_value_cny=Decimal("450000"), lon=113.78, lat=27.98)
    RequisitionRule.objects.create(region=tree["county"], kind="equipment", effective_from=datetime.date(2020, 1, 1),
                                   daily_rate_cny=Decimal("1500"), operator_daily_cny=Decimal("300"),
                                   source="浏阳市补偿标准（测试）")
    return event, item


def quiet_page(browser, **kw):  # noqa: F811
    page = browser.new_context(**kw).new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    return page


def test_draft_approve_serve_use_and_return_with_compensation(live_server, ready, browser):  # noqa: F811
    event, item = ready
    base = live_server.url
    clerk = quiet_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    login(clerk, base, "staff")
    clerk.goto(f"{base}/registry/requisitions/new/")
    clerk.fill("#id_event", str(event.pk))  # typed by its key (the input suggests as one types)
    clerk.fill("#id_item", str(item.pk))
    clerk.fill("#id_issuer", "浏阳市人民政府")
    clerk.fill("#id_quantity", "1")
    clerk.fill("#id_purpose", "清理道路塌方")
    clerk.fill("#id_place", "大瑶镇 S309 K12")
    clerk.fill("#id_operators", "1")
    clerk.click("form button[type=submit]")
    clerk.wait_for_selector("[data-testid=state]")
    record = clerk.url
    assert "拟定" in clerk.inner_text("[data-testid=state]")

    leader = quiet_page(browser, viewport={"width": 390, "height": 844})  # the leader approves on the phone
    login(leader, base, "leader")
    leader.goto(record)
    leader.click("button[data-transition=approve]")
    leader.wait_for_selector("text=已批准")

    clerk.goto(record)
    # one control per step: 送达 is its declared operation's button (its inputs), not also an inline form
    assert clerk.locator("[data-operation=serve], [data-transition=serve]").count() == 1
    clerk.click("a[data-operation=serve]")
    clerk.fill("#id_served_to", "李四")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=已送达")
    with clerk.expect_download() as download:
        clerk.click("a[data-document=notice]")
    assert download.value.suggested_filename.startswith("应急征用通知书-ZY") and \
        download.value.suggested_filename.endswith(".docx")
    assert clerk.locator("[data-operation=start-use], [data-transition=start_use]").count() == 1
    clerk.click("a[data-operation=start-use]")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=使用中")
    clerk.click("a[data-operation=return-item]")
    clerk.select_option("#id_condition", "damaged")
    clerk.fill("#id_repair_cost_cny", "3200元")
    clerk.fill("#id_damage_note", "液压油管爆裂一根")
    clerk.fill("#id_assessed_by", "机械维修厂")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=已返还")
    main = clerk.inner_text("main")
    # one day: use 1500 + one operator 300 + repair 3200
    assert "应补偿 5,000 元" in main and "毁损补偿（修复费用）" in main and "浏阳市补偿标准（测试）" in main
    assert clerk.query_selector("a[data-document=return]") is not None
    clerk.screenshot(path=str(OUTPUT / "requisition-returned.png"), full_page=True)
