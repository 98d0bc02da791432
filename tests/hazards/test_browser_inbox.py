"""Browser (issue 15, "done when"): the hidden-hazard loop through the to-do inbox. A grid worker
reports a hazard with a photo on a phone (390×844); the township officer gets a 待核实 to-do and
verifies; the enterprise gets 待整改 and rectifies; a different user (业务科室) gets 待验收 and accepts;
销号. Each step's to-do appears in the right inbox and disappears when the step is taken."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESK = {"viewport": {"width": 1280, "height": 900}}


def session(browser, base, username, device):  # noqa: F811
    page = browser.new_context(**device).new_page()
    # The live feed (SSE) is an ASGI stream the test server cannot run; these pages work without it.
    page.route("**/live/stream**", lambda route: route.abort())
    login(page, base, username)
    return page


def a_photo(browser, path):  # noqa: F811
    """A real JPEG, as a phone camera would give one (drawn and encoded by Chromium itself)."""
    page = browser.new_page(viewport={"width": 320, "height": 240})
    page.set_content('<body style="margin:0;background:linear-gradient(#8ab,#553)"><div style="margin:90px 60px;'
                     'width:120px;height:50px;background:#c30;border-radius:8px"></div></body>')
    page.screenshot(path=str(path), type="jpeg", quality=80)
    page.close()
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"
    return path


def inbox(page, base):
    """The 待办 page's rows as (label, title), and the header badge's count."""
    page.goto(f"{base}/todos/")
    rows = [(r.query_selector("[data-testid=todo-label]").inner_text(), r.get_attribute("href"))
            for r in page.query_selector_all("[data-testid=todo]")]
    badge = page.query_selector("[data-testid=todo-count]")
    return rows, int(badge.inner_text()) if badge else 0


def test_the_hazard_loop_through_the_to_do_inbox(live_server, tree, orgs, users, browser, tmp_path):  # noqa: F811
    base = live_server.url
    jpeg = a_photo(browser, tmp_path / "IMG_20261201_0930.jpg")

    # 1. The grid worker reports on the phone, with a photo from the camera input.
    village = session(browser, base, "village_a", PHONE)
    village.goto(f"{base}/registry/hazards/")
    village.click("text=＋ 新增")
    village.fill("#id_title", "花炮厂仓库外堆放纸箱")
    village.fill("#id_organization", orgs["a"].credit_code)
    village.fill("#id_region", "430181110001")
    village.fill("#id_description", "成品仓库东墙外堆放大量纸箱，紧邻消防通道")
    camera = village.locator("#id_photos")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(jpeg))
    village.select_option("#id_channel", label="网格员上报")
    village.fill("#id_finder", "网格员小王")
    assert village.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    village.screenshot(path=str(OUTPUT / "phone-hazard-report.png"), full_page=True)
    village.click("button[type=submit]")
    village.wait_for_selector("[data-testid=state]")
    assert village.inner_text("[data-testid=state]") == "上报待核实"
    assert village.locator("#attachments img").count() == 1  # the photo, saved with the report
    hazard_url = village.url.split("#")[0]
    path = hazard_url.removeprefix(base)
    assert village.evaluate("document.documentElement.scrollWidth") <= 400
    village.screenshot(path=str(OUTPUT / "phone-hazard-reported.png"), full_page=True)
    assert inbox(village, base) == ([], 0)  # the reporter has nothing to do: verifying is not theirs

    # Later, the grid worker adds another photo to what they reported (no change permission needed).
    village.goto(hazard_url)
    village.set_input_files("#attachments input[type=file]", str(jpeg))
    village.click("#attachments button:has-text('上传')")
    village.wait_for_selector("text=已上传附件")
    assert village.locator("#attachments img").count() == 2

    # 2. The township officer (on a phone too) has a 待办 badge and a 待核实 to-do; registers the plan and verifies.
    township = session(browser, base, "township_a", PHONE)
    assert township.inner_text("[data-testid=todo-count]") == "1"
    assert inbox(township, base) == ([("待核实", path)], 1)
    assert township.evaluate("document.documentElement.scrollWidth") <= 400
    township.screenshot(path=str(OUTPUT / "phone-todos.png"), full_page=True)
    township.click("[data-testid=todo]")
    township.wait_for_url(hazard_url)
    township.click("a:has-text('编辑')")
    township.fill("#id_responsible_unit", "大瑶花炮厂")
    township.fill("#id_responsible_person", "王安全")
    township.fill("#id_measures", "清理纸箱，划定禁堆区")
    township.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    township.click("button[type=submit]")
    township.wait_for_selector("[data-transition=verify]")
    township.fill("form:has([data-transition=verify]) input[name=comment]", "情况属实，限期整改")
    township.click("[data-transition=verify]")
    township.wait_for_selector("[data-testid=state]:has-text('整改中')")
    rows, count = inbox(township, base)
    assert ("待核实", path) not in rows  # gone once verified
    assert rows == [("待整改", path)] and count == 1  # the township may also report the rectification

    # 3. The enterprise gets 待整改 and reports the rectification with a photo.
    enterprise = session(browser, base, "enterprise_a", DESK)
    assert inbox(enterprise, base) == ([("待整改", path)], 1)
    enterprise.click("[data-testid=todo]")
    enterprise.wait_for_url(hazard_url)
    enterprise.fill("form:has([data-transition=submit]) input[name=comment]", "纸箱已清运，已划线")
    enterprise.set_input_files("form:has([data-transition=submit]) input[name=photos]", str(jpeg))
    enterprise.click("[data-transition=submit]")
    enterprise.wait_for_selector("[data-testid=state]:has-text('待验收')")
    assert inbox(enterprise, base) == ([], 0)

    # 4. A different user (业务科室) gets 待验收 and accepts: 销号.
    staff = session(browser, base, "staff", DESK)
    assert inbox(staff, base) == ([("待验收", path)], 1)
    assert inbox(township, base)[0] == [("待验收", path)]  # the township could accept too
    staff.click("[data-testid=todo]")
    staff.wait_for_url(hazard_url)
    staff.click("[data-transition=close]")
    staff.wait_for_selector("[data-testid=state]:has-text('已销号')")
    facts = staff.inner_text(".yj-facts")
    assert "验收人\nstaff" in facts.replace("\t", "\n") and "上报人（账号）\nvillage_a" in facts.replace("\t", "\n")
    staff.screenshot(path=str(OUTPUT / "hazard-accepted.png"), full_page=True)
    log = staff.inner_text("[data-testid=transition-log]")
    for step in ("核实", "整改完成，申请验收", "验收合格，销号"):
        assert step in log
    assert inbox(staff, base) == ([], 0) and inbox(township, base) == ([], 0)

    from yingji.core.models import ToDo
    from yingji.hazards.models import Hazard

    hazard = Hazard.objects.get()
    labels = list(ToDo.objects.filter(object_id=str(hazard.pk), registry="hazards").order_by("opened_at", "pk")
                  .values_list("label", "closed_at"))
    assert [label for label, _ in labels] == ["待核实", "待整改", "待验收"] and all(closed for _, closed in labels)
    assert hazard.verifier == "staff" and hazard.reported_by_id == users["village_a"].pk
    connection.close()  # this thread's connection belongs to Playwright's greenlet; do not leave it open
