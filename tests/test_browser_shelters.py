"""The shelter desk on a phone, the whole path, in headless Chromium: open a shelter for the flood →
register a family of four (one elderly, one child) while the connection drops (kept on the phone, sent
once when it comes back) → assign a zone → the 灾情 report's 集中安置 figure rises when taken from the
registrations → a relief batch from the shelter's households → 签收 with a photo."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
                    "000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def flood(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.core.directory.codes import id_number_check_char
    from yingji.disasters import services as disasters
    from yingji.disasters.models import DisasterEvent
    from yingji.relief import services as relief
    from yingji.relief.models import ReliefRule
    from yingji.resources.models import Shelter

    event = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=timezone.localdate(),
                                         learned_at=timezone.now() - datetime.timedelta(hours=2), region=tree["county"])
    event.townships.set([tree["a"]])
    report = disasters.open_report(users["staff"], event, "initial")
    shelter = Shelter.objects.create(name="大瑶中学应急避难场所", duration_class="medium", region=tree["a"],
                                     effective_area_m2=300, lon=113.78, lat=27.98)
    relief.seed_items(users["admin"], tree["county"], effective_from=datetime.date(2026, 1, 1))
    ReliefRule.objects.create(key="notice_required", value=0, source="本县规定（测试）", region=tree["county"])
    head = "43018119500101001"
    child = "43018120180505002"
    event.ids = {"report": report.pk, "shelter": shelter.pk, "village": tree["va"].pk, "county": tree["county"].pk,
                 "head": head + id_number_check_char(head), "child": child + id_number_check_char(child)}
    return event


def phone(browser, base, who):  # noqa: F811
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.route("**/live/stream**", lambda route: route.abort())  # the SSE feed: not run by the test server
    login(page, base, who)
    return page


def test_the_shelter_desk_on_a_phone_from_opening_to_relief_signed(live_server, flood, browser, tmp_path):  # noqa: F811
    base, ids = live_server.url, flood.ids
    desk = phone(browser, base, "staff")
    # 应急启用
    desk.goto(f"{base}/registry/shelters/{ids['shelter']}/")
    desk.click("a[data-operation=activate]")
    desk.select_option("#id_event", str(flood.pk))
    desk.fill("#id_commander", "李站长")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/registry/shelter-activations/*/")
    activation = desk.url
    # 入住登记 of a family of four, the connection dropping as it is sent
    desk.click("a[data-operation=check-in]")
    desk.fill("#id_head_name", "刘建国")
    desk.fill("#id_head_id_number", ids["head"])
    desk.fill("#id_phone", "13800000001")
    desk.select_option("#id_village", str(ids["village"]))
    desk.check("input[name=head_flags][value=老]")
    desk.fill("#id_members", f"王秀兰，，配偶\n刘小宇，{ids['child']}，子女，幼\n刘小梅，，子女")
    desk.screenshot(path=str(OUTPUT / "shelter-phone-check-in.png"), full_page=True)
    desk.context.set_offline(True)
    desk.click("button[type=submit]")
    note = desk.wait_for_selector("[data-testid=offline-queue]:not(.d-none)")
    assert "1 份登记已保存在本机" in note.inner_text()
    desk.click("button[type=submit]")  # tapped again while offline: still one submission
    assert desk.evaluate("Object.keys(localStorage).filter(k => k.startsWith('yj-unsent:')).length") == 1
    desk.context.set_offline(False)  # back online: sent once, and the desk goes on to the household
    desk.wait_for_url("**/registry/shelter-households/*/")
    assert "已登记入住：安置卡号 AZ" in desk.inner_text("main")
    assert desk.evaluate("Object.keys(localStorage).filter(k => k.startsWith('yj-unsent:')).length") == 0
    household = desk.url
    # assign a zone
    desk.goto(household.rstrip("/") + "/edit/")
    desk.fill("#id_zone", "A区（教学楼）")
    desk.fill("#id_room", "101")
    desk.click("button[type=submit]")
    desk.wait_for_url(household)
    assert "A区（教学楼）" in desk.inner_text("main")
    desk.goto(base + desk.get_attribute("a[data-document=card]", "href"))  # the printable 居民安置卡
    assert desk.locator(".card svg").is_visible()
    desk.screenshot(path=str(OUTPUT / "shelter-card.png"), full_page=True)
    desk.goto(activation)
    summary = desk.inner_text("main")
    assert "在住 4 人（1 户）" in summary  # one family of four, not two
    assert desk.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone
    # the 灾情 report takes its 集中安置 figure from the registrations
    desk.goto(f"{base}/registry/disaster-reports/{ids['report']}/do/submit/")
    desk.click("summary:has-text('转移安置')")
    assert desk.input_value("#id_f_relocated_concentrated") in ("", "0")
    desk.click("[data-testid=take-figures]")
    desk.wait_for_selector("text=已按安置登记取数")
    desk.click("summary:has-text('转移安置')")
    assert desk.input_value("#id_f_relocated_concentrated") == "4"
    assert desk.input_value("#id_f_shelter_sites") == "1"
    # a relief batch for the shelter's households
    desk.goto(f"{base}/registry/relief-beneficiaries/do/from-shelters/")
    desk.select_option("#id_event", str(flood.pk))
    desk.click("button[type=submit]")
    desk.goto(f"{base}/registry/relief-batches/do/new-batch/")
    desk.select_option("#id_event", str(flood.pk))
    desk.select_option("#id_region", str(ids["county"]))
    desk.select_option("#id_kind", "emergency")
    desk.select_option("#id_category", "emergency")
    desk.fill("#id_period_start", timezone.localdate().isoformat())
    desk.click("button[type=submit]")
    desk.wait_for_url("**/registry/relief-batches/*/")
    batch = desk.url
    desk.click("a[data-operation=add-households]")
    desk.click("button[type=submit]")
    desk.wait_for_url(batch)
    desk.click("button[data-transition=review]")
    desk.wait_for_url(batch)
    leader = phone(browser, base, "leader")  # who reviewed may not approve
    leader.goto(batch)
    leader.click("button[data-transition=approve]")
    leader.wait_for_url(batch)
    desk.goto(batch)
    desk.click("button[data-transition=distribute]")
    desk.wait_for_url(batch)
    # 签收 with a photo, on the phone
    assert "已签收 0 / 1 户" in desk.inner_text("main")
    desk.click("a[href*='/registry/relief-lines/']:not([href*='?'])")
    desk.click("a[data-operation=sign]")
    desk.select_option("#id_method", "photo")
    photo = tmp_path / "signed.png"
    photo.write_bytes(PNG)
    desk.set_input_files("#id_file", str(photo))
    desk.fill("#id_signer", "刘建国")
    desk.screenshot(path=str(OUTPUT / "shelter-phone-relief-sign.png"), full_page=True)
    desk.click("button[type=submit]")
    desk.wait_for_load_state()
    assert "签收" in desk.inner_text("main")
    desk.goto(batch)
    assert desk.inner_text("[data-testid=state]") == "已签收"
