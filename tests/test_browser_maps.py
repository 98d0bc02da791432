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
