"""The 指挥大屏 in headless Chromium on a 1920×1080 and a 3840×2160 wall: the map is drawn in the
middle, every figure is on the screen, nothing overflows or scrolls, numerals stay legible from 4 m.
Screenshots go to test-output/ (the user guide's is of the demo county, docs/screenshots/command-screen.png)."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


@pytest.fixture
def wall(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.incidents import services
    from yingji.incidents.models import Incident
    from yingji.warnings.models import Warning

    for region, (w, e) in ((tree["a"], (113.60, 113.80)), (tree["b"], (113.80, 114.00))):
        region.geometry = {"type": "Polygon", "coordinates": [[[w, 28.0], [e, 28.0], [e, 28.2], [w, 28.2], [w, 28.0]]]}
        region.save()
    now = timezone.now()
    for i, (region, code, title, relocated) in enumerate([
            (tree["va"], "14200", "大瑶村山体滑坡", 36), (tree["va"], "22100", "县道车辆侧翻", 0),
            (tree["vb"], "11300", "金刚村山洪", 120)]):
        services.intake(users["admin"], Incident(
            title=title, event_type=code, occurred_at=now - datetime.timedelta(hours=3 - i),
            received_at=now - datetime.timedelta(hours=3 - i, minutes=-10), address=region.name, region=region,
            lon=113.7 + 0.2 * (region == tree["vb"]) + 0.01 * i, lat=28.1, relocated=relocated, description="测试"))
    Warning.objects.create(event_type="rainstorm", level="orange", title="暴雨橙色预警", content="测试",
                           region=tree["county"], effective=now - datetime.timedelta(hours=1),
                           expires=now + datetime.timedelta(hours=5), state="published")


def fits(page) -> dict:
    return page.evaluate("""() => {
        const vw = innerWidth, vh = innerHeight, doc = document.documentElement;
        const boxes = [...document.querySelectorAll('[data-testid=screen-figure]')].map(f => {
            const r = f.getBoundingClientRect(), v = f.querySelector('[data-value]');
            return {inside: r.left >= 0 && r.top >= 0 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5,
                    clipped: f.scrollHeight > f.clientHeight + 1 || f.scrollWidth > f.clientWidth + 1,
                    numeral: parseFloat(getComputedStyle(v).fontSize)};
        });
        const m = document.getElementById('screen-map').getBoundingClientRect();
        return {boxes, scrolls: doc.scrollWidth > vw || doc.scrollHeight > vh,
                map: {w: m.width, h: m.height, share: m.width * m.height / (vw * vh)}};
    }""")


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_the_wall_shows_map_and_every_figure_without_overflow(live_server, wall, browser, width, height):  # noqa: F811
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.route("**/live/stream**", lambda route: route.abort())  # the stream would hold a server thread
    login(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/screen/")
    page.wait_for_selector("#screen-map[data-loaded=true]")
    assert page.get_attribute("#screen-map", "data-regions") == "2"  # the county's two townships
    assert int(page.get_attribute("#screen-map", "data-points")) >= 3  # the open incidents on the map
    figures = {f.get_attribute("data-figure"): f.inner_text() for f in page.query_selector_all("[data-figure]")}
    assert {"open-incidents", "active-alarms", "warnings-in-force", "sheltered-now", "relocated", "teams-out",
            "reports-due"} <= set(figures)
    assert page.inner_text('[data-figure="open-incidents"] [data-value]') == "3"
    assert page.inner_text('[data-figure="relocated"] [data-value]') == "156"
    assert page.inner_text('[data-figure="warnings-in-force"] [data-value]') == "1"
    got = fits(page)
    assert not got["scrolls"]
    assert all(b["inside"] and not b["clipped"] for b in got["boxes"]), got["boxes"]
    # legible at 4 m: numerals about 8 % of the screen's height, the map the largest part of the wall
    assert min(b["numeral"] for b in got["boxes"]) >= 0.08 * height
    assert got["map"]["share"] > 0.35 and got["map"]["h"] > 0.7 * height
    # each dot in its layer's colour, as the legend says (not the record's own level colour)
    config = json.loads(page.eval_on_selector("#screen-config", "e => e.textContent"))
    dots = set(page.get_attribute("#screen-map", "data-point-colours").split(","))
    assert dots and dots <= {layer["colour"] for layer in config["layers"]}, dots
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"screen-{width}x{height}.png"))
    page.context.close()


def test_chain_graph_draws_the_linked_types(live_server, wall, browser):  # noqa: F811
    from yingji.incidents.models import Incident
    from yingji.screen.models import IncidentLink

    slide, road, flood = (Incident.objects.get(event_type=c) for c in ("14200", "22100", "11300"))
    IncidentLink.objects.create(cause=slide, effect=road, relation="derived", note="滑坡体阻断县道")
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    login(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/chains/")
    assert "辅助参考，非预测" in page.inner_text("[data-testid=chains-note]")
    nodes = page.query_selector_all("[data-testid=chain-node]")
    assert [n.get_attribute("data-code") for n in nodes] == ["14200", "22100"] and flood  # the flood links nothing
    box = [n.bounding_box() for n in nodes]
    assert box[0]["x"] + box[0]["width"] < box[1]["x"]  # the cause left of what followed
    assert "滑坡 → 道路交通事故（1 次）" in page.inner_text("[data-testid=chain-paths]")
    page.screenshot(path=str(OUTPUT / "chains.png"), full_page=True)
    page.context.close()
