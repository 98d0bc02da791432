"""Browser, on a phone: an inspector draws enterprises and inspectors, re-runs the draw to check it,
opens one check on site, answers the checklist, takes a photo (with the phone's position), records a
finding and turns it into a hidden hazard (sup-cases continues from there with the case)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_draw_then_on_site_check_with_a_photo_then_a_hidden_hazard(live_server, county, users, browser,  # noqa: F811
                                                                   tmp_path):
    from yingji.hazards.models import Hazard
    from yingji.supervision.models import Evidence, Inspection

    base, item = live_server.url, county["item"]
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    connection.close()  # this thread's connection must not be shared with Playwright's greenlet

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                geolocation={"latitude": 27.98, "longitude": 113.78}, permissions=["geolocation"])
    page = phone.new_page()
    login(page, base, "staff")

    page.goto(f"{base}/registry/plan-items/{item.pk}/do/draw/")
    page.fill("#id_n_objects", "2")
    page.fill("#id_seed", "20261201")
    page.click("button[type=submit]:has-text('双随机抽取')")
    page.wait_for_selector("[data-testid=draw-result]")
    assert page.inner_text("[data-testid=seed]") == "20261201"
    assert page.locator("[data-testid=draw-result] tbody tr").count() == 2
    page.click("[data-testid=verify]")
    page.wait_for_selector("[data-testid=verification]")
    assert "复核通过" in page.inner_text("[data-testid=verification]")
    page.screenshot(path=str(OUTPUT / "supervision-draw-phone.png"), full_page=True)

    page.click("a[href*='/onsite/'] >> nth=0")
    page.wait_for_selector("[data-testid=start]")
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=item] form")
    assert page.inner_text("[data-testid=state]") == "检查中"
    # Three points: the first does not comply (with what was seen), the others do.
    first = page.locator("[data-testid=item]").nth(0)
    first.locator("input[name=note]").fill("药物混合工房内 4 人作业，核定 2 人")
    first.locator("[data-answer=noncompliant]").click()
    for n in (1, 2):
        page.locator("[data-testid=item]").nth(n).locator("[data-answer=compliant]").click()
    assert page.locator("[data-testid=answer]").all_inner_texts() == ["不符合", "符合", "符合"]

    page.fill("#finding-description", "药物混合工房超员作业")
    page.fill("input[name=clause]", "《烟花爆竹安全管理条例》")
    page.click("[data-testid=add-finding]")
    page.wait_for_selector("[data-testid=finding]")

    page.wait_for_function("document.querySelector('[data-testid=position]').textContent.includes('已定位')")
    page.set_input_files("#evidence-photo", str(photo))
    page.click("[data-testid=add-evidence]")
    page.wait_for_selector("[data-testid=evidence] img")
    assert "27.98000, 113.78000" in page.inner_text("[data-testid=evidence]")
    page.screenshot(path=str(OUTPUT / "supervision-onsite-phone.png"), full_page=True)

    page.click("[data-testid=to-hazard]")
    page.fill("#id_measures", "立即停止超员作业，重新核定定员")
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_responsible_person", "王安全")
    page.click("button[type=submit]:has-text('转为隐患')")
    page.wait_for_selector("[data-testid=state]")
    assert page.inner_text("[data-testid=state]") == "上报待核实"
    assert "检查发现问题" in page.content()
    page.screenshot(path=str(OUTPUT / "supervision-hazard-phone.png"), full_page=True)
    phone.close()

    inspection = Inspection.objects.filter(draw__isnull=False, state="in_progress").get()
    hazard = Hazard.objects.get(inspection_finding__inspection=inspection)
    assert hazard.channel == "government_inspection" and hazard.organization_id == inspection.organization_id
    evidence = Evidence.objects.get(inspection=inspection)
    assert (evidence.lat, evidence.lon) == (27.98, 113.78) and evidence.attachment is not None
    assert abs((timezone.now() - evidence.taken_at).total_seconds()) < 3600
    connection.close()
