"""Browser: an enterprise user reports a hazard with a photo; the township verifies it; the deadline
passes; it shows as 逾期 and escalated; it is rectified and closed."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the shared Chromium fixture)
from yingji.hazards import tasks
from yingji.hazards.models import Hazard

pytestmark = pytest.mark.browser
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def as_user(browser, base, username):  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, base, username)
    return page


def test_hazard_closed_loop_in_the_browser(live_server, tree, orgs, users, browser, tmp_path):  # noqa: F811
    base = live_server.url
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)

    enterprise = as_user(browser, base, "enterprise_a")
    enterprise.goto(f"{base}/registry/hazards/new/")
    enterprise.fill("#id_title", "成品仓库消防通道堵塞")
    enterprise.fill("#id_organization", orgs["a"].credit_code)
    enterprise.fill("#id_region", "430181110001")
    enterprise.fill("#id_description", "东侧消防通道堆放纸箱")
    enterprise.select_option("#id_channel", label="企业自查")
    enterprise.fill("#id_finder", "王安全")
    enterprise.fill("#id_responsible_person", "王安全")
    enterprise.fill("#id_measures", "清理堆放物")
    enterprise.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=5)).isoformat())
    enterprise.click("button[type=submit]")
    enterprise.wait_for_selector("[data-testid=state]")
    assert enterprise.inner_text("[data-testid=state]") == "上报待核实"
    enterprise.set_input_files("#attachments input[type=file]", str(photo))
    enterprise.click("#attachments button:has-text('上传')")
    enterprise.wait_for_selector("#attachments img")
    hazard_url = enterprise.url.split("#")[0]

    township = as_user(browser, base, "township_a")
    township.goto(hazard_url)
    township.click("[data-transition=verify]")
    township.wait_for_selector("[data-testid=transition-log]")
    assert township.inner_text("[data-testid=state]") == "整改中"

    # Time passes: the deadline is yesterday and the periodic job runs.
    Hazard.objects.update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert tasks.mark_overdue() == 1
    connection.close()  # this thread's connection belongs to Playwright's greenlet; do not leave it open

    township.reload()
    assert township.inner_text("[data-testid=state]") == "逾期（督办中）"
    assert township.inner_text("[data-testid=countdown]") == "已超过整改期限 1 天"
    assert "逾期督办" in township.inner_text("[data-testid=transition-log]")
    township.screenshot(path=str(OUTPUT / "hazard-overdue.png"))

    enterprise.goto(hazard_url)
    enterprise.fill("form:has([data-transition=submit]) input[name=comment]", "已清理完毕")
    enterprise.set_input_files("form:has([data-transition=submit]) input[name=photos]", str(photo))
    enterprise.click("[data-transition=submit]")
    enterprise.wait_for_selector("text=已整改完成，申请验收")
    assert enterprise.inner_text("[data-testid=state]") == "待验收"

    township.goto(hazard_url)
    township.click("[data-transition=close]")
    township.wait_for_selector("[data-testid=state]:has-text('已销号')")
    township.screenshot(path=str(OUTPUT / "hazard-closed.png"))
    log = township.inner_text("[data-testid=transition-log]")
    for step in ("核实", "逾期督办", "整改完成，申请验收", "验收合格，销号"):
        assert step in log
