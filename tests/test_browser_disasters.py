"""灾情报送 in headless Chromium, as each level meets it: a 灾害信息员 (a village account) reports from a
phone → the township rolls its villages up and submits → the county's 初报 goes before its clock runs
out → a 续报 whose cumulative figure falls is refused until the officer explains it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def flood(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.disasters import services
    from yingji.disasters.models import DisasterEvent

    event = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                         learned_at=timezone.now() - datetime.timedelta(minutes=30), region=tree["county"])
    event.townships.set([tree["a"]])
    county = services.open_report(users["staff"], event, "initial")
    event.ids = {"county": county.pk, "township": county.entries.get().pk}
    return event


def page_for(browser, base, who, **options):  # noqa: F811
    context = browser.new_context(**(options or {"viewport": {"width": 1280, "height": 900}}))
    page = context.new_page()
    page.route("**/live/stream**", lambda route: route.abort())  # the SSE feed: not run by the test server
    login(page, base, who)
    return page


def officer_reports(page, base, event, figures: dict, *, shot: str):
    page.goto(f"{base}/registry/disaster-events/{event.pk}/")
    page.click("a[data-operation=my-entry]")
    page.click("button[type=submit]")  # 确认填报本单位灾情
    page.wait_for_selector("[data-testid=submit]")
    for name, value in figures.items():
        page.fill(f"#id_f_{name}", str(value))
    page.screenshot(path=str(OUTPUT / shot), full_page=True)
    page.click("[data-testid=submit]")


def test_from_the_village_phone_to_the_county_and_a_falling_followup(live_server, flood, browser):  # noqa: F811
    base = live_server.url
    officer = page_for(browser, base, "village_a", **PHONE)
    officer_reports(officer, base, flood, {"affected_population": 120}, shot="disaster-phone-entry.png")
    officer.wait_for_url("**/registry/disaster-reports/*/")
    assert "已提交大瑶村初报" in officer.inner_text("main")
    assert officer.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone

    town = page_for(browser, base, "township_a")
    town.goto(f"{base}/registry/disaster-reports/{flood.ids['township']}/")
    town.click("a[data-operation=roll-up]")
    town.click("button[type=submit]")
    assert "已汇总下级数据" in town.inner_text("main")
    town.click("a[data-operation=submit]")
    town.click("[data-testid=submit]")
    town.wait_for_url("**/registry/disaster-reports/*/")
    assert "已提交大瑶镇初报" in town.inner_text("main")

    county = page_for(browser, base, "staff")
    county.goto(f"{base}/registry/disaster-events/{flood.pk}/")
    assert "县级灾情初报：还剩 1小时" in county.inner_text("main")  # before its clock runs out
    county.goto(f"{base}/registry/disaster-reports/{flood.ids['county']}/")
    county.click("a[data-operation=roll-up]")
    county.click("button[type=submit]")
    county.click("a[data-operation=submit]")
    county.click("[data-testid=submit]")  # the 文字说明 is missing: said beside each part
    assert "文字说明缺少「灾害发生背景」" in county.wait_for_selector('[data-field="background"]').inner_text()
    for part in ("background", "course", "features", "trend", "relief", "needs", "next_steps"):
        county.fill(f"#id_{part}", "据乡镇报告核实")
    county.click("[data-testid=submit]")
    county.wait_for_url("**/registry/disaster-reports/*/")
    county.goto(f"{base}/registry/disaster-events/{flood.pk}/")
    clocks = county.inner_text("main")
    sent = next(line for line in clocks.splitlines() if "县级灾情初报：" in line)
    assert "已报送" in sent and "超时报送" not in sent, sent  # sent before its 2 hours ran out
    town_clock = next(line for line in clocks.splitlines() if "大瑶镇向县级报送灾情：" in line)
    assert "已报送" in town_clock and "超时报送" not in town_clock, town_clock  # the township's hour too
    assert "受灾人口：120 人" in clocks  # the village's figure, rolled up through the township into the 初报
    county.screenshot(path=str(OUTPUT / "disaster-event.png"), full_page=True)
    county.click("a[data-operation=open-report]")
    county.select_option("#id_kind", "followup")
    county.click("button[type=submit]")
    county.wait_for_url("**/registry/disaster-reports/*/")

    officer_reports(officer, base, flood, {"affected_population": 100}, shot="disaster-phone-followup.png")
    field = "explain_affected_population__大瑶村"
    refusal = officer.wait_for_selector(f'[data-field="{field}"]')
    assert "累计数由 120 人 降为 100 人，需书面说明原因" in refusal.inner_text()
    assert officer.input_value("#id_f_affected_population") == "100"  # what was typed stays
    report_id = re.search(r"/registry/disaster-reports/(\d+)/", officer.url).group(1)
    check = officer.context.new_page()  # refused means not sent: the report is still a draft
    check.route("**/live/stream**", lambda route: route.abort())
    check.goto(f"{base}/registry/disaster-reports/{report_id}/")
    assert "大瑶村 · 村（社区） · 第2报续报 · 草稿" in check.inner_text("main")
    check.close()
    officer.screenshot(path=str(OUTPUT / "disaster-phone-explain.png"), full_page=True)
    officer.fill(f"#id_{field}", "20 人重复统计，已核减")
    officer.click("[data-testid=submit]")
    officer.wait_for_url("**/registry/disaster-reports/*/")
    main = officer.inner_text("main")
    assert "已提交大瑶村续报" in main and "受灾人口：120 → 100 人（需说明）" in main
