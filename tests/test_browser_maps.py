"""The map asks for what it shows (issue 16): in Chromium, 一张图 requests its layers for the current view
and zoom, draws clusters as counted circles, zooms in on a click and asks again after a pan."""

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser, login, township_shape  # noqa: F401  (fixtures)
from tests.test_map_layers import spread
from yingji.core.framework import maplayers

pytestmark = pytest.mark.browser


@pytest.fixture
def many(tree, orgs, users, township_shape, monkeypatch):  # noqa: F811
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 10)  # the live server runs in this process
    spread(tree, 40, lon=113.72, lat=27.92, step=0.004)


def state(page):
    return page.evaluate("""() => { const d = document.querySelector('#situation-map').dataset;
        return {fetches: +d.fetches, points: +d.points, clusters: +d.clusters, zoom: +d.zoom, loaded: d.loaded}; }""")


def settled(page, before):
    page.wait_for_function(f"""() => {{ const d = document.querySelector('#situation-map').dataset;
        return d.loaded === 'true' && +d.fetches > {before}; }}""")
    return state(page)


def test_the_map_refetches_its_view_and_opens_clusters(live_server, many, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/map/organizations.geojson" in r.url else None)
    login(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#situation-map[data-loaded=true]")
    first = state(page)
    # The township fills the view at a zoom below CLUSTER_ZOOM: 42 organizations, drawn as clusters.
    assert first["zoom"] < maplayers.CLUSTER_ZOOM and first["points"] == 42 and first["clusters"] >= 1
    assert page.locator(".yj-cluster").count() == first["clusters"]
    assert all(k in requests[-1] for k in ("west=", "south=", "east=", "north=", f"zoom={first['zoom']}"))
    page.screenshot(path=str(OUTPUT / "map-clusters.png"))

    # A click on the biggest cluster zooms to its records, and the layer is asked for again.
    biggest = max(page.locator(".yj-cluster").all(), key=lambda c: int(c.inner_text()))
    biggest.click()
    zoomed = settled(page, first["fetches"])
    assert zoomed["zoom"] > first["zoom"]
    assert f"zoom={zoomed['zoom']}" in requests[-1]

    # Panning away from the records: asked again, and what is in view now is fewer of them.
    page.evaluate("yingjiMaps['situation-map'].map.panBy([900, 0], {animate: false})")
    panned = settled(page, zoomed["fetches"])
    assert panned["points"] < zoomed["points"] and requests[-1] != requests[-2]


@pytest.fixture
def parts(tree, orgs, users):
    """Three located risk points of enterprise A, one of B (not A's: not on A's map), one of A's without
    a place (in the panel, not on the map)."""
    from yingji.risk.models import RiskPoint

    def point(name, org, village, lon, lat, level=""):
        return RiskPoint.objects.create(name=name, organization=org, region=tree[village], kind="site",
                                        hazard_factor="physical", lon=lon, lat=lat, level=level or "low")
    made = [point(f"甲{i}号工房", orgs["a"], "va", 113.775 + i * 0.004, 27.978, level) for i, level in
            enumerate(["major", "high", "low"])]
    point("乙号工房", orgs["b"], "vb", 113.86, 28.03)
    point("无位置工房", orgs["a"], "va", None, None)
    return made


@pytest.mark.parametrize("user", ["staff", "township_a"])
def test_a_record_pages_map_asks_for_its_parts(live_server, parts, orgs, browser, user):  # noqa: F811
    """The enterprise's page draws its risk points' dots from the map-layer API (not from the page), in
    their level's colour, each with a popup naming it and linking to it — for a county and a township user."""
    phone = user.startswith("township")
    page = browser.new_page(viewport={"width": 390, "height": 844} if phone else {"width": 1300, "height": 900})
    layer_requests = []
    page.on("request", lambda r: layer_requests.append(r.url) if "/api/map/" in r.url else None)
    login(page, live_server.url, user)
    page.goto(f"{live_server.url}/registry/organizations/{orgs['a'].pk}/")
    page.wait_for_selector("#record-map[data-loaded=true]")
    box = page.locator("#record-map")
    assert box.get_attribute("data-points") == "3" and box.get_attribute("data-clusters") == "0"
    assert any(f"risk-points.geojson?organization={orgs['a'].credit_code}" in u for u in layer_requests), layer_requests
    assert "甲0号工房" not in page.locator("#record-map").inner_html()  # nothing of the parts is in the page itself
    assert page.get_by_text("风险点（4）").count() == 1  # the panel counts the one without a place too
    page.screenshot(path=str(OUTPUT / f"record-map-{user}.png"), full_page=True)
    # A dot's popup: the layer's label and the part's name, and its page.
    box.scroll_into_view_if_needed()
    x, y = page.evaluate("""() => { const p = yingjiMaps['record-map'].map.latLngToContainerPoint([27.978, 113.775]);
        return [p.x, p.y]; }""")
    frame = box.bounding_box()
    page.mouse.click(frame["x"] + x, frame["y"] + y)  # the dots are drawn on a canvas (preferCanvas)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().startswith("风险点：甲0号工房") and popup.get_by_role("link", name="查看详情").count() == 1
