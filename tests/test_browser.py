"""End to end in headless Chromium (Debian's chromium driven by Playwright, no browser download):
log in, open the map and a registry, search, try bad input, save a record — on a desk and a phone.
Screenshots go to test-output/ for people to look at."""

import json

import pytest

from tests import chromium
from tests.conftest import OUTPUT, credit

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    """Headless Chromium (tests/chromium.py: one for consecutive browser tests, a fresh context per page)."""
    OUTPUT.mkdir(exist_ok=True)
    yield chromium.browser()
    chromium.after_test()


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def township_shape(tree):
    # Database work happens before Playwright starts: its greenlets would otherwise get a connection of their own.
    tree["a"].geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.9, 27.9], [113.9, 28.0],
                                                              [113.7, 28.0], [113.7, 27.9]]]}
    tree["a"].save()
    tree["va"].geometry = {"type": "Polygon", "coordinates": [[[113.75, 27.95], [113.8, 27.95], [113.8, 28.0],
                                                               [113.75, 28.0], [113.75, 27.95]]]}
    tree["va"].save()


def test_desk_user_map_registry_and_bad_input(live_server, tree, orgs, users, township_shape, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    base = live_server.url
    login(page, base, "staff")
    assert "浏阳市" in page.inner_text("main")

    page.click("text=一张图")
    page.wait_for_selector("#situation-map[data-loaded=true]")
    box = page.locator("#situation-map")
    assert box.get_attribute("data-regions") == "1" and box.get_attribute("data-points") == "2"
    assert "常住人口" in page.inner_text(".yj-legend")
    page.screenshot(path=str(OUTPUT / "map.png"))
    # Drill down from the township to its villages, with only their organizations, and back up.
    page.evaluate("""yingjiMaps['situation-map'].map.eachLayer(l => {
        if (l.feature && l.feature.properties.code === '430181110') l.openPopup(); })""")
    page.click("[data-drill='430181110']")
    page.wait_for_selector("#situation-map[data-loaded=true]")
    assert box.get_attribute("data-regions") == "1" and box.get_attribute("data-points") == "1"
    assert "大瑶镇" in page.inner_text(".leaflet-top.leaflet-right")
    page.click("[data-drill-up]")
    page.wait_for_function("() => document.querySelector('#situation-map').dataset.points === '2'")

    page.click("text=单位")
    page.wait_for_selector("[data-testid=result-count]")
    assert "共 2 条" in page.inner_text("[data-testid=result-count]")
    page.fill("#q", "大瑶")
    page.wait_for_function("() => document.querySelector('[data-testid=result-count]').innerText.includes('共 1 条')")
    page.screenshot(path=str(OUTPUT / "registry.png"))

    page.click("text=＋ 新增")
    good = credit(4242)
    page.fill("#id_credit_code", good[:17] + ("0" if good[17] != "0" else "1"))
    page.fill("#id_name", "浏阳市浏览器测试有限公司")
    page.fill("#id_region", "大瑶")  # suggestions come from the scoped region registry as one types
    page.wait_for_selector("#dl-id_region option[value='430181110001']", state="attached")
    page.fill("#id_region", "430181110001")
    page.click("button[type=submit]")
    error = page.inner_text("[data-field=credit_code]")
    assert error == f"校验位应为 {good[17]}"
    assert page.input_value("#id_name") == "浏阳市浏览器测试有限公司"  # nothing lost on error
    page.screenshot(path=str(OUTPUT / "form-error.png"))
    page.fill("#id_credit_code", good)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=history]")
    assert "浏阳市浏览器测试有限公司" in page.inner_text("h1")
    assert "新增" in page.inner_text("[data-testid=history]")


def test_village_officer_on_a_phone(live_server, tree, orgs, users, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "village_a")
    page.click("button[aria-label=打开菜单]")
    page.click("#sidebar >> text=人员通讯录")
    page.wait_for_selector("[data-testid=result-count]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page itself
    page.screenshot(path=str(OUTPUT / "phone-registry.png"))
    page.goto(f"{base}/registry/organizations/")
    assert "金刚化工" not in page.inner_text("main")  # outside the village's scope


def test_warning_targets_are_picked_on_the_map(live_server, tree, users, township_shape, browser):
    """新增预警: click a township on the map for 预警区域, click a centre for a circular 预警范围, save."""
    from yingji.warnings.models import Warning

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    base = live_server.url
    login(page, base, "admin")
    page.goto(f"{base}/registry/warnings/new/")
    regions = page.locator(".yj-pick-map[data-pick=regions]")
    regions.wait_for()
    page.wait_for_selector(".yj-pick-map[data-pick=regions][data-loaded=true]")
    regions.scroll_into_view_if_needed()
    # The only township with a boundary fills the fitted view: its middle is inside it.
    regions.click()
    assert page.input_value("#id_target_regions") == "430181110"
    page.fill("#id_area", "")
    area = page.locator(".yj-pick-map[data-pick=area]")
    area.scroll_into_view_if_needed()
    page.click("button[data-mode=circle]")
    page.fill("[data-radius]", "3")
    area.click()
    drawn = page.input_value("#id_area")
    assert '"circle"' in drawn and drawn.endswith(",3]}")
    page.screenshot(path=str(OUTPUT / "warning-map-pick.png"), full_page=True)
    page.select_option("#id_event_type", "rainstorm")
    page.select_option("#id_level", "blue")
    page.fill("#id_title", "暴雨蓝色预警（地图圈选）")
    page.fill("#id_content", "预计未来 12 小时累计降雨量 50 毫米以上。")
    assert page.get_attribute("#id_effective", "type") == "datetime-local"  # the browser's date picker
    assert page.input_value("#id_effective")  # a sensible default: now
    page.fill("#id_effective", "2026-11-22T08:00")
    page.fill("#id_expires", "2099-11-23T08:00")
    page.check("input[name=target_roles][value=township_leader]")  # ticked by name, stored as the code
    page.check("input[name=target_roles][value=grid_worker]")
    assert "大瑶镇" in page.inner_text("[data-picked]")  # the picked township by name, not only its code
    page.fill("#id_region", "430181")
    page.click("button[type=submit]")
    page.wait_for_selector("text=暴雨蓝色预警（地图圈选）")
    saved = Warning.objects.get(title="暴雨蓝色预警（地图圈选）")
    assert saved.region_codes() == ["430181110"]
    assert saved.role_codes() == ["township_leader", "grid_worker"]
    lon, lat, km = json.loads(saved.area)["circle"]
    assert km == 3 and 113.2 < lon < 114.2 and 27.7 < lat < 28.7  # the map's middle, around 浏阳


def test_shelter_form_refuses_bad_input_by_field_and_shows_capacity(live_server, tree, users, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    base = live_server.url
    login(page, base, "staff")
    page.click("text=避难场所")
    page.click("text=＋ 新增")
    page.fill("#id_name", "集里街道中心广场")
    page.select_option("#id_duration_class", "short")
    page.fill("#id_region", "430181110")
    page.fill("#id_effective_area_m2", "9001")
    page.fill("#id_facilities", "应急供水、直升机坪")
    page.click("button[type=submit]")
    error = page.locator(".invalid-feedback[data-field=facilities]")
    assert "未知的设施：直升机坪" in error.inner_text()
    assert page.input_value("#id_name") == "集里街道中心广场"  # nothing typed is lost
    page.screenshot(path=str(OUTPUT / "shelter-bad-input.png"), full_page=True)
    page.fill("#id_facilities", "应急供水、应急厕所")
    page.click("button[type=submit]")
    page.wait_for_selector("text=可容纳人数")
    assert "4500" in page.inner_text("main").replace(",", "")  # 9,001 m² at 2.0 m² per person


def test_nearest_teams_and_warehouses_by_travel_time(live_server, tree, users, township_shape, road, browser):
    """就近资源: click a place on the map → teams and warehouses listed by road travel time, routes drawn."""
    from tests.roads import LAT
    from yingji.resources import stock
    from yingji.resources.models import Material, Team, Warehouse

    Team.objects.create(name="东站", kind="fire_rescue", region=tree["a"], lon=113.80, lat=LAT, phone="0731-83611119")
    Team.objects.create(name="西站", kind="flood", region=tree["a"], lon=113.70, lat=LAT)
    store = Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.72, lat=LAT)
    tent = Material.objects.create(code="SH-001", name="帐篷", category="living", unit="顶", region=tree["county"])
    stock.move(users["staff"], store, tent, "receive", 40)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    base = live_server.url
    login(page, base, "township_a")
    page.click("text=就近资源")
    page.wait_for_selector("#nearest-map[data-ready=true]")
    assert "路网：roads.geojson" in page.inner_text("[data-testid=network]")
    # A real click where 113.77, 27.995 lies on the screen (the road runs along 28.0).
    x, y = page.evaluate("() => { const p = window.yingjiMaps['nearest-map'].map.latLngToContainerPoint([27.995, 113.77]);"
                         " return [p.x, p.y]; }")
    box = page.locator("#nearest-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#nearest-map[data-loaded=true]")
    teams = page.locator("[data-kind=teams]")
    assert teams.count() == 2
    assert teams.nth(0).inner_text().startswith("东站") and "0731-83611119" in teams.nth(0).inner_text()
    first, second = (float(teams.nth(i).get_attribute("data-minutes")) for i in (0, 1))
    assert first < second and teams.nth(0).get_attribute("data-method") == "road"
    warehouses = page.locator("[data-kind=warehouses]")
    assert warehouses.count() == 1 and "帐篷 40顶" in warehouses.nth(0).inner_text()
    assert int(page.get_attribute("#nearest-map", "data-routes")) == 3  # a route line per resource listed
    lines = page.evaluate("() => { let n = 0; window.yingjiMaps['nearest-map'].map.eachLayer(l => {"
                          " if (l instanceof L.Polyline && !(l instanceof L.Polygon) && l.getLatLngs().length > 1) n++; });"
                          " return n; }")
    assert lines == 3  # drawn on the map, not only counted
    page.screenshot(path=str(OUTPUT / "nearest-resources.png"), full_page=True)
    page.click("text=覆盖分析")
    page.wait_for_selector("#coverage-map[data-loaded=true]")
    assert "消防救援 5 分钟响应覆盖率" in page.inner_text("main")
    page.screenshot(path=str(OUTPUT / "coverage.png"), full_page=True)
