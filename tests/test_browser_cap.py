"""外部预警 in headless Chromium: an external warning from a subscribed feed is on the warnings board's
外部预警 list, its page shows the whole message, and 转发为本地预警 makes a local draft."""

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)
from tests.test_browser_operations import quiet_page
from tests.test_cap_exchange import outside

pytestmark = pytest.mark.browser


@pytest.fixture
def external(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.warnings import exchange

    message, _ = exchange.receive(outside("hn.qx.20261201.1", parameters=[("预警级别", "橙色预警")]), region=tree["county"])
    return message


def test_a_duty_officer_reviews_and_reissues_an_external_warning(live_server, external, browser):  # noqa: F811
    page = quiet_page(browser)
    base = live_server.url
    login(page, base, "staff")
    page.goto(f"{base}/registry/warnings/")
    page.click("text=外部预警")
    page.wait_for_url("**/registry/cap-messages/**")
    page.wait_for_selector("text=湖南省气象台发布暴雨橙色预警")
    assert "待复核" in page.inner_text("main")
    page.click(f"a[href='/registry/cap-messages/{external.pk}/']")
    page.wait_for_url(f"**/registry/cap-messages/{external.pk}/")
    main = page.inner_text("main")
    assert "信息块 1（中文）" in main and "统计用区划代码 430181110000" in main and "参数 预警级别=橙色预警" in main
    page.screenshot(path=str(OUTPUT / "cap-external-warning.png"), full_page=True)
    page.click("text=转发为本地预警")
    page.wait_for_selector("[data-testid=operation]")
    assert page.input_value("#id_level") == "orange"  # the message's own level, for the reviewer to confirm
    page.select_option("#id_event_type", "rainstorm")
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/warnings/*/")
    main = page.inner_text("main")
    assert "已生成拟稿预警" in main and "湖南省气象台发布暴雨橙色预警" in main and "拟稿" in main
