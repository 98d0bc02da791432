"""End to end in headless Chromium: a call comes in → intake in under 10 form actions → grade shown →
plan matched → response activated → tasks created → 初报 written, sent and its .docx text checked."""

import io

import pytest
from docx import Document

from tests.conftest import OUTPUT
from tests.test_browser import browser, login, township_shape  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_call_to_briefing(live_server, tree, orgs, users, duty, plan, township_shape, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    base = live_server.url
    login(page, base, "duty")
    page.click("text=接报登记")
    page.wait_for_selector("#intake-map[data-ready=true]")
    actions = 0

    def act(step):
        nonlocal actions
        step()
        actions += 1

    act(lambda: page.select_option("#id_event_type", "21500"))
    act(lambda: page.fill("#id_address", "大瑶花炮厂药物混合工房"))
    x, y = page.evaluate("() => { const p = window.yingjiMaps['intake-map'].map.latLngToContainerPoint([27.97, 113.78]);"
                         " return [p.x, p.y]; }")
    box = page.locator("#intake-map").bounding_box()
    act(lambda: page.mouse.click(box["x"] + x, box["y"] + y))
    assert "已选事发地点" in page.inner_text("[data-testid=picked]")
    act(lambda: page.fill("#id_trapped", "1"))
    act(lambda: page.fill("#id_injured", "2"))
    act(lambda: page.fill("#id_description", "药物混合工房爆炸，屋顶垮塌，1 人被困，2 人重伤。"))
    act(lambda: page.fill("#id_reporter_phone", "13807310001"))
    act(lambda: page.click("text=登记并定级"))
    assert actions < 10
    page.wait_for_selector("[data-testid=grade]")
    desk = page.url

    assert page.inner_text("[data-testid=grade]") == "一般事故"
    assert "各项指标均未达到较大事故标准" in page.inner_text("[data-testid=grade-reason]")
    assert "大瑶村" in page.inner_text("main")  # the village found from the point
    clocks = page.inner_text("[data-testid=clocks]")
    assert "报告县级应急管理部门" in clocks and "剩余" in clocks
    matches = page.inner_text("[data-testid=plan-matches]")
    assert "危化品事故应急预案" in matches and "Ⅳ级响应" in matches and "被困 1人 ≥ 1人" in matches
    page.screenshot(path=str(OUTPUT / "incident-desk.png"), full_page=True)

    page.click(f"[data-testid=activate-{plan.pk}]")
    page.wait_for_selector("[data-testid=response]")
    assert "Ⅳ级响应" in page.inner_text("[data-testid=response]")
    tasks = page.inner_text("[data-testid=tasks]")
    assert "调派救援力量" in tasks and "派工作组赶赴现场" in tasks and tasks.count("已下达") == 2

    page.click("[data-testid=new-initial]")
    page.wait_for_selector("#id_scene")
    assert page.input_value("#id_course").startswith("药物混合工房爆炸")  # the intake's account, carried over
    page.fill("#id_unit_profile", "大瑶花炮厂，烟花爆竹生产企业，从业人员 86 人。")
    page.fill("#id_signer", "周局长")
    page.fill("#id_scene", "工房屋顶垮塌，周边无次生险情。")
    page.fill("#id_direct_loss_cny", "80")  # 万元
    page.fill("#id_measures", "企业停产，疏散员工 120 人；消防救援大队搜救被困人员。")
    page.check("#id_casualties_confirmed")
    page.click("text=保存")
    page.wait_for_selector("[data-transition=send]")
    page.click("[data-transition=send]")
    page.wait_for_selector("[data-testid=state]")
    assert page.inner_text("[data-testid=state]") == "已报送"

    page.goto(desk)
    assert "已报送" in page.inner_text("[data-testid=reports]")
    with page.expect_download() as download:
        page.click("[data-testid^=briefing-]")
    content = download.value.path().read_bytes()
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    table = "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)
    assert "关于大瑶花炮厂药物混合工房烟花爆竹事故的初报" in text
    for part in ("一、概况", "从业人员 86 人", "工房屋顶垮塌", "三、伤亡情况", "被困1人", "重伤2人",
                 "初步估计直接经济损失80万元", "五、已采取措施", "疏散员工 120 人"):
        assert part in text, part
    assert "签发人\n周局长" in table and "一般事故" in table
    timeline = page.inner_text("[data-testid=timeline]")
    for part in ("接报", "启动《危化品事故应急预案》Ⅳ级响应", "下达任务 2 项", "报送初报（第1期）"):
        assert part in timeline, part
    page.screenshot(path=str(OUTPUT / "incident-after.png"), full_page=True)


def test_address_area_and_dispatch_on_the_map(live_server, tree, orgs, users, duty, make_incident, road, places,
                                              browser):  # noqa: F811
    import json

    from tests.roads import LAT
    from yingji.resources.models import Team

    Team.objects.create(name="大瑶消防站", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT, members=20)
    ring = [[113.765, LAT - 0.005], [113.775, LAT - 0.005], [113.775, LAT + 0.005], [113.765, LAT - 0.005]]
    incident = make_incident(lon=113.77, lat=LAT,
                             affected_area=json.dumps({"type": "Polygon", "coordinates": [ring]}))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    base = live_server.url
    login(page, base, "duty")

    # Intake with no map point: the address names the village, and 所在区划 fills itself.
    page.goto(f"{base}/incidents/intake/")
    page.wait_for_selector("#intake-map[data-ready=true]")
    page.fill("#id_address", "金刚镇金刚村五组")
    page.wait_for_function("() => document.getElementById('picked').textContent.includes('按地址识别为')")
    assert "金刚镇金刚村" in page.inner_text("[data-testid=picked]")
    assert page.input_value("#id_region") == tree["vb"].code

    # The situation map: the drawn area, a team sent, then arrived — each with its status.
    page.goto(f"{base}/incidents/{incident.pk}/map/")
    page.wait_for_selector("#situation-map[data-ready=true]")
    assert "影响范围内及其外 5 公里" in page.inner_text("[data-testid=reach]")
    page.click("[data-team]")
    page.wait_for_selector("[data-dispatch-state=en_route]")
    assert "大瑶消防站（20 人）：已派出（途中），预计" in page.inner_text("[data-dispatch-state=en_route]")
    page.click("[data-dispatch-state=en_route] [data-step=arrive]")
    page.wait_for_selector("[data-dispatch-state=on_scene]")
    page.screenshot(path=str(OUTPUT / "situation-dispatch.png"), full_page=True)
    page.goto(f"{base}/incidents/{incident.pk}/")
    assert "已到达现场" in page.inner_text("[data-testid=dispatches]")
    assert "大瑶消防站到达现场" in page.inner_text("[data-testid=timeline]")
