"""规划评估 in headless Chromium, as the planning office meets it: open the county's plan → its indicator
monitoring → one indicator's computation (numerator, denominator, factor, the series by year and their
sources) → the mid-term evaluation: 计算评估结果, then download the .docx and read its text."""

import io

import docx
import pytest

from tests.conftest import OUTPUT
from tests.evaluation.conftest import plan  # noqa: F401  (the plan fixture)
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


def test_plan_indicator_computation_and_mid_term_report(live_server, plan, browser):  # noqa: F811
    base = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True).new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    login(page, base, "staff")
    page.goto(f"{base}/registry/development-plans/{plan['plan'].pk}/")
    assert "规划期 2021—2025 年，基期 2020 年" in page.inner_text("main")
    page.goto(base + page.get_attribute("a:has-text('指标监测')", "href"))
    table = page.inner_text("[data-testid=indicators]")
    assert "工矿商贸就业人员十万人生产安全事故死亡率" in table and "≤1.5人/十万人" in table
    page.screenshot(path=str(OUTPUT / "evaluation-plan.png"), full_page=True)
    page.click("[data-testid=indicator-link]:has-text('工矿商贸就业人员十万人')")
    page.wait_for_selector("text=逐年计算")
    main = page.inner_text("main")
    assert "（工矿商贸事故死亡人数）÷（工矿商贸就业人员） × 100,000" in main
    assert "2021年：3 ÷ 200,000 × 100,000 = 1.5人/十万人" in main
    assert "2020年 4（录入：2020年统计（测试））" in main and "2021年 3（平台记录）" in main

    page.goto(f"{base}/registry/plan-evaluations/{plan['mid'].pk}/")
    page.click("a[data-operation=compute]")
    page.click("main form button.btn-lg[type=submit]")
    page.wait_for_selector("a[data-document=report]")
    with page.expect_download() as download:
        page.click("a[data-document=report]")
    assert download.value.suggested_filename == "浏阳市“十四五”应急体系规划中期评估报告.docx"
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "中期评估（数据截至2022年）" in text and "规划共设指标3项" in text and "总体顺利。" in text
    assert "图2　工矿商贸就业人员十万人生产安全事故死亡率" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"亿元GDP生产安全事故死亡率", "较基期下降33%", "≤1.5人/十万人"} <= cells
    assert len(document.inline_shapes) == 3  # one chart per indicator
