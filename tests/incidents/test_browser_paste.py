"""粘贴文字提取 in headless Chromium: the duty officer pastes a real report (浏阳 fireworks explosion,
traditional characters, from the development set) into 接报登记 → the fields fill, each with its span
highlighted → the officer changes one → saves → the correction is listed in 提取校正记录."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser
TEXT = Path(__file__).resolve().parents[1] / "data" / "extraction" / "texts" / "liuyang-2019-12-04-bixi-fireworks-trad.json"


def test_paste_a_report_into_intake_fill_correct_save_and_see_the_correction(live_server, tree, duty, places,
                                                                             browser):  # noqa: F811
    data = json.loads(TEXT.read_text(encoding="utf-8"))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/live/stream**", lambda route: route.abort())
    base = live_server.url
    login(page, base, "duty")
    page.goto(f"{base}/incidents/intake/")
    page.fill("[data-testid=paste-text]", data["text"])
    page.click("[data-testid=paste-run]")
    page.wait_for_selector("#id_deaths.yj-filled")

    assert page.input_value("#id_deaths") == str(data["labels"]["deaths"])
    assert page.input_value("#id_injured") == str(data["labels"]["injured"])
    assert page.input_value("#id_occurred_at") == f"{data['labels']['occurred_date']}T00:00"
    assert page.input_value("#id_event_type") == "21500"
    assert "澄潭江" in page.input_value("#id_address")
    marks = page.locator("[data-testid=paste-marked] mark")
    assert marks.count() >= 3
    assert page.locator('[data-testid=paste-marked] mark[data-field="deaths"]').inner_text() in data["text"]
    note = page.inner_text('[data-filled-from="injured"]')
    assert "置信度" in note and "重伤" in note
    assert "已按文字填写" in page.inner_text("[data-testid=paste-status]")
    page.screenshot(path=str(OUTPUT / "intake-paste-filled.png"), full_page=True)

    page.fill("#id_deaths", "12")  # the officer corrects one figure
    page.fill("#id_region", tree["a"].code)  # and places it in the bureau's own township
    page.click("button[type=submit]")
    page.wait_for_url("**/incidents/*/")

    page.goto(f"{base}/registry/extraction-corrections/?corrected=true")
    listed = page.inner_text("main")
    assert "接报登记" in listed and "死亡（人）" in listed
    row = page.locator("tr", has_text="死亡（人）")
    assert "13" in row.inner_text() and "12" in row.inner_text()
    page.screenshot(path=str(OUTPUT / "intake-paste-corrections.png"), full_page=True)
