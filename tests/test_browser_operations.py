"""Declared operations' own pages in headless Chromium, as a user meets them: 登记出入库 from the stock
list (a refused issue keeps the form with the error beside the field, then goes through) and 导入 CAP
预警 from the warnings list (a file chosen, an external warning kept for review)."""

from pathlib import Path

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser
CAP = Path(__file__).resolve().parent / "data" / "cap" / "rainstorm-orange.xml"


@pytest.fixture
def depot(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.resources import stock
    from yingji.resources.models import Material, Warehouse

    wh = Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.78, lat=28.0)
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    stock.move(users["staff"], wh, tent, "receive", 10)
    return wh, tent


def quiet_page(browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # The live alarm feed (SSE) is an ASGI stream the test server cannot run; these pages work without it.
    page.route("**/live/stream**", lambda route: route.abort())
    return page


def test_a_clerk_records_an_issue_from_the_stock_list(live_server, depot, browser):  # noqa: F811
    wh, tent = depot
    page = quiet_page(browser)
    base = live_server.url
    login(page, base, "township_a")
    page.goto(f"{base}/registry/stock/")
    page.click("text=登记出入库")
    page.wait_for_selector("[data-testid=operation]")
    page.select_option("#id_warehouse", str(wh.pk))
    page.select_option("#id_material", str(tent.pk))
    page.select_option("#id_kind", "issue")
    page.fill("#id_quantity", "11")
    page.fill("#id_reference", "CK-7")
    page.click("button[type=submit]")
    error = page.wait_for_selector('[data-field="quantity"]')
    assert "库存不足：大瑶镇储备点 现有帐篷 10顶，不能出库 11顶" in error.inner_text()
    assert page.input_value("#id_reference") == "CK-7"  # what was typed stays
    page.screenshot(path=str(OUTPUT / "stock-move-refused.png"))
    page.fill("#id_quantity", "4")
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/stock-movements/**")
    assert "已登记出库：帐篷 -4顶，大瑶镇储备点 现有 6顶" in page.inner_text("main")


def test_a_duty_officer_imports_a_cap_message(live_server, tree, users, browser):  # noqa: F811
    page = quiet_page(browser)
    base = live_server.url
    login(page, base, "staff")
    page.goto(f"{base}/registry/warnings/")
    page.click("text=导入 CAP 预警")
    page.wait_for_selector("[data-testid=operation]")
    page.click("button[type=submit]")  # nothing chosen: said beside the file input
    assert "请选择 CAP 文件（.xml）" in page.wait_for_selector('[data-field="file"]').inner_text()
    page.set_input_files("#id_file", str(CAP))
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/cap-messages/*/")
    assert "已导入外部预警" in page.inner_text("main") and "浏阳市气象台发布暴雨橙色预警信号" in page.inner_text("main")
