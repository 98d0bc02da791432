"""网上申报 in headless Chromium, on a phone: a villager declares a loss with a photo and the phone's
position (the browser's geolocation) → the township officer opens it from the declarations' list and
turns it into an incident → the villager's status page says so, by the tracking code."""

import re

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def village_shape(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    tree["va"].geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.8, 27.9], [113.8, 28.0],
                                                               [113.7, 28.0], [113.7, 27.9]]]}
    tree["va"].save()
    return tree


def test_a_phone_declaration_becomes_an_incident_and_the_declarant_sees_it(live_server, village_shape, browser):  # noqa: F811
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  geolocation={"latitude": 27.953, "longitude": 113.752, "accuracy": 25},
                                  permissions=["geolocation"])
    phone = context.new_page()
    phone.goto(f"{base}/public/declare/")
    phone.wait_for_selector("[data-testid=position]:has-text('已定位')")  # the phone's position, asked at once
    assert phone.input_value("#lon") == "113.752000" and phone.input_value("#accuracy_m") == "25"
    phone.click("label[for=kind-loss]")
    phone.fill("#text", "今天凌晨暴雨引发山洪，冲进大瑶村3组，我家2间房屋倒塌，一家4口人需要转移安置")
    phone.fill("#contact_phone", "13900001111")
    phone.set_input_files("#photos", files=[{"name": "倒塌.png", "mimeType": "image/png", "buffer": PNG}])
    phone.wait_for_timeout(3200)  # a person takes a few seconds (the public forms' gate)
    phone.screenshot(path=str(OUTPUT / "declaration-form-phone.png"), full_page=True)
    phone.click("button[type=submit]")
    code = phone.inner_text("[data-testid=tracking-code]").strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.route("**/live/stream**", lambda route: route.abort())
    login(desk, base, "township_a")
    desk.goto(f"{base}/registry/declarations/?q={code}")
    desk.click(f"text={code}")
    desk.wait_for_url("**/registry/declarations/*/")
    page = desk.inner_text("main")
    assert "13900001111" in page and "大瑶村" in page and "暴雨洪涝" in page and "倒塌.png" in page
    desk.screenshot(path=str(OUTPUT / "declaration-record-township.png"), full_page=True)
    desk.click("[data-operation=to-incident]")
    desk.wait_for_selector("[data-testid=operation]")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/incidents/*/")
    number = re.search(r"SJ\d{11}", desk.inner_text("main")).group(0)

    phone.goto(f"{base}/public/declare/status/?code={code}")
    status = phone.inner_text("main")
    assert "已作为突发事件处置" in status and number in status and "13900001111" not in status
    phone.screenshot(path=str(OUTPUT / "declaration-status-phone.png"), full_page=True)
