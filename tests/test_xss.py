"""Stored XSS (issue 13, point 1): names and titles that users type reach maps, popups, tooltips, lists
and public pages only as text, and every page runs under a Content-Security-Policy that forbids
inline script — in a real browser, with the policy's violations collected on every page."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.roads import LAT
from tests.test_browser import browser, login, township_shape  # noqa: F401  (fixtures)

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = '"><script>window.__xss=1</script>'

# Playwright runs this before any page script: every Leaflet map made on the page is kept in
# window.__maps (whatever the page's own code exposes), and every CSP violation in window.__csp.
INSTRUMENT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
let leaflet;
Object.defineProperty(window, "L", {configurable: true, get: () => leaflet, set: v => {
  leaflet = v;
  if (v && v.Map && !v.__hooked) {
    v.__hooked = true;
    v.Map.addInitHook(function () { (window.__maps = window.__maps || []).push(this); });
  }
}});
"""

# Opens every popup and tooltip of every map on the page, one at a time, and returns what each shows:
# its text, and how many elements a value turned into markup (an <img>, a <script> …) inside it.
OPEN_ALL = """async () => {
  const settle = el => Promise.all([...el.querySelectorAll("img")].map(i => i.complete ? 0 :
    new Promise(r => { i.addEventListener("load", r); i.addEventListener("error", r); })));
  const out = [];
  for (const map of window.__maps || []) {
    const layers = [];
    map.eachLayer(l => layers.push(l));
    for (const l of layers) {
      for (const [get, open, close] of [["getPopup", "openPopup", "closePopup"], ["getTooltip", "openTooltip", "closeTooltip"]]) {
        if (!l[get] || !l[get]()) continue;
        l[open]();
        const e = l[get]().getElement();
        if (!e) continue;
        await settle(e);
        out.push({text: e.textContent, injected: e.querySelectorAll("img, script, iframe, svg, [onerror], [onload]").length});
        l[close]();
      }
    }
  }
  return out;
}"""

INJECTED = """() => document.querySelectorAll('[onerror], [onload], img[src="x"], script:not([src]):not([type])').length"""


@pytest.fixture
def payloads(tree, orgs, users, township_shape, road, places):  # noqa: F811
    """Every text field that reaches a map, a popup, a list or a public page holds a payload."""
    from yingji.hazards.models import Hazard
    from yingji.incidents import services
    from yingji.incidents.models import Incident
    from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor
    from yingji.resources.models import Shelter, Team, Warehouse
    from yingji.risk.models import HazardSource, RiskAssessment, RiskPoint, VulnerableTarget
    from yingji.warnings.models import Warning

    org = orgs["a"]
    org.name = f"大瑶花炮厂{IMG}"
    org.lon, org.lat = 113.775, LAT - 0.002
    org.save()
    tree["a"].name, tree["a"].geometry_note = f"大瑶镇{SCRIPT}", f"边界{IMG}"
    tree["a"].save()
    tree["va"].name = f"大瑶村{IMG}"
    tree["va"].save()
    tree["vb"].name = f"金刚村{SCRIPT}"
    tree["vb"].save()
    near = {"region": tree["va"], "lat": LAT}
    risk = RiskPoint.objects.create(name=f"药物工房{IMG}", organization=org, kind="area", hazard_factor="material",
                                    accident_types="火药爆炸", lon=113.771, **near)
    RiskAssessment.objects.create(risk_point=risk, method="lec", likelihood=3, exposure=6, consequence=15, assessor="张")
    HazardSource.objects.create(name=f"液氯库{SCRIPT}", organization=org, unit_kind="storage", lon=113.772, **near)
    VulnerableTarget.objects.create(name=f"大瑶小学{IMG}", kind="school", people=600, lon=113.773, **near)
    point = MonitoringPoint.objects.create(name=f"储罐区{SCRIPT}", kind="hazard_source", organization=org,
                                           lon=113.774, **near)
    sensor = Sensor.objects.create(device_id="GAS-X", name=f"可燃气体{IMG}", point=point, quantity="combustible_gas",
                                   level1=20, level2=40)
    now = timezone.now()
    Alarm.objects.create(sensor=sensor, kind="threshold", level=2, opened_at=now, last_at=now, first_value=45,
                         peak_value=45, last_value=45)
    team = Team.objects.create(name=f"大瑶消防站{IMG}", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT,
                               members=20, phone="0731-83611119")
    Warehouse.objects.create(name=f"储备点{SCRIPT}", level="township", region=tree["a"], lon=113.72, lat=LAT)
    Shelter.objects.create(name=f"中心广场{IMG}", duration_class="short", region=tree["va"], effective_area_m2=9000,
                           facilities="应急供水", lon=113.76, lat=LAT)
    warning = Warning.objects.create(
        event_type="rainstorm", level="orange", title=f"暴雨橙色预警{IMG}", content=f"预计降雨{SCRIPT}",
        measures=f"转移人员{IMG}", effective=now, expires=now + datetime.timedelta(hours=12), region=tree["county"],
        target_regions=tree["a"].code, target_roles="township_leader", area='{"circle": [113.78, 27.98, 5]}')
    Warning.objects.filter(pk=warning.pk).update(state="published", published_at=now)
    Hazard.objects.create(title=f"配电箱破损{IMG}", organization=org, region=tree["va"], description="d",
                          channel="self_inspection", finder="f", grade="major", major_basis="判定标准第二条",
                          found_at=now - datetime.timedelta(days=2))
    duty = make_user("duty", "duty", region=tree["county"])
    incident = services.intake(duty, Incident(
        title=f"花炮厂爆炸{IMG}", event_type="21500", occurred_at=now - datetime.timedelta(minutes=20), received_at=now,
        address=f"大瑶村三组{SCRIPT}", region=tree["va"], organization=org, description=f"工房爆炸{IMG}", trapped=1,
        lon=113.77, lat=LAT))
    return {"org": org, "risk": risk, "sensor": sensor, "team": team, "incident": incident}


class Visit:
    """One browser page that records CSP violations (console and DOM events) across navigations."""

    def __init__(self, browser, base):  # noqa: F811
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(INSTRUMENT)
        self.page = self.context.new_page()
        self.base = base
        self.console = []
        self.page.on("console", lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None)

    def open(self, path, ready=None):
        self.page.goto(self.base + path)
        if ready:
            self.page.wait_for_selector(ready)
        return self.page

    def overlays(self) -> list[str]:
        """The text of every popup and tooltip on the page's maps; none may hold markup from a value."""
        shown = self.page.evaluate(OPEN_ALL)
        assert [s for s in shown if s["injected"]] == []
        return [s["text"] for s in shown]

    def check(self):
        """No script from a payload ran, no payload became markup, and the page broke no part of the policy."""
        page = self.page
        assert page.evaluate("window.__xss") is None, page.url
        assert page.evaluate(INJECTED) == 0, page.url
        assert page.evaluate("window.__csp") == [], page.url
        assert self.console == [], page.url


def shows(texts, *values):
    for value in values:
        assert any(value in t for t in texts), (value, texts)


@pytest.mark.browser
def test_maps_lists_and_records_show_payloads_as_text(live_server, payloads, browser):  # noqa: F811
    v = Visit(browser, live_server.url)
    page = v.page
    login(page, v.base, "admin")
    v.open("/", "#home-map[data-loaded=true]")
    shows(v.overlays(), f"大瑶镇{SCRIPT}", f"边界{IMG}", f"大瑶花炮厂{IMG}")
    assert f"花炮厂爆炸{IMG}" in page.inner_text("[data-testid=open-incidents]")
    v.check()

    v.open("/map/", "#situation-map[data-loaded=true]")
    page.evaluate("""() => { const boxes = [...document.querySelectorAll("[data-layer]")];
        boxes.forEach(b => { b.checked = true; }); boxes[0].dispatchEvent(new Event("change")); }""")
    page.wait_for_function("() => JSON.parse(document.querySelector('#situation-map').dataset.layerCounts || '{}').teams === 1")
    page.wait_for_selector("#situation-map[data-loaded=true]")
    shows(v.overlays(), f"大瑶花炮厂{IMG}", f"药物工房{IMG}", f"液氯库{SCRIPT}", f"大瑶小学{IMG}", f"储罐区{SCRIPT}",
          f"大瑶消防站{IMG}", f"储备点{SCRIPT}", f"中心广场{IMG}", f"花炮厂爆炸{IMG}")
    v.check()
    # Drill down from the township's popup: the trail names it, as text.
    page.evaluate("""() => window.__maps[0].eachLayer(l => {
        if (l.feature && l.feature.properties.code === '430181110') l.openPopup(); })""")
    page.click("[data-drill='430181110']")
    page.wait_for_selector("#situation-map[data-loaded=true]")
    assert f"大瑶镇{SCRIPT}" in page.inner_text(".leaflet-top.leaflet-right")
    shows(v.overlays(), f"大瑶村{IMG}")
    v.check()

    v.open("/risk/map/", "#situation-map[data-loaded=true]")
    shows(v.overlays(), f"大瑶镇{SCRIPT}", f"大瑶花炮厂{IMG}")
    v.check()

    v.open(f"/registry/organizations/{payloads['org'].pk}/", "#record-map")
    assert page.inner_text("h1") == f"大瑶花炮厂{IMG}"
    page.wait_for_function("() => (window.__maps || []).length === 1")
    page.wait_for_selector("#record-map[data-loaded=true]")  # every part's layer is in (each is its own request)
    shows(v.overlays(), f"药物工房{IMG}")
    v.check()

    v.open("/registry/risk-points/", "[data-testid=result-count]")
    page.fill("#q", "药物")
    page.wait_for_function("() => document.querySelector('[data-testid=result-count]').innerText.includes('共 1 条')")
    assert f"药物工房{IMG}" in page.inner_text("main")
    v.check()

    v.open("/registry/warnings/new/", ".yj-pick-map[data-pick=regions][data-loaded=true]")
    shows(v.overlays(), f"大瑶镇{SCRIPT}")
    v.check()

    v.open("/monitoring/live/", "[data-testid=live-alarms]")
    assert f"储罐区{SCRIPT} · 可燃气体{IMG}" in page.inner_text("[data-testid=live-alarms]")
    # A live alarm pushed to the board (what live.js passes on from the event stream) shows as text too.
    page.evaluate("""([point, sensor]) => document.dispatchEvent(new CustomEvent("yingji:alarm", {detail: {
        id: 999999, level: 3, kind_label: "超限", point, sensor, value: 50, unit: "%LEL", peak: 50, count: 1,
        state: "raised", state_label: "报警", recovered: true, last_at: new Date().toISOString(),
        url: "/registry/alarms/999999/", sensor_id: 1}}))""", [f"储罐区{SCRIPT}", f"可燃气体{IMG}"])
    assert f"储罐区{SCRIPT} · 可燃气体{IMG}" in page.inner_text("#alarm-999999")
    assert "已恢复" in page.inner_text("#alarm-999999")
    v.check()

    # The hazard chart's tooltip names the township: ECharts writes it as text.
    v.open("/hazards/dashboard/", "#by-region canvas")
    assert f"配电箱破损{IMG}" in page.inner_text("[data-testid=major-list]")
    page.evaluate("""() => echarts.getInstanceByDom(document.getElementById("by-region"))
        .dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0})""")
    page.wait_for_function("() => document.getElementById('by-region').textContent.includes('大瑶镇')")
    assert f"大瑶镇{SCRIPT}" in page.evaluate("() => document.getElementById('by-region').textContent")
    assert page.evaluate("() => document.querySelectorAll('#by-region img, #by-region script').length") == 0
    v.check()

    # Pages with no payload sink of their own still run under the policy with nothing refused.
    for path, ready in [
                        (f"/monitoring/sensors/{payloads['sensor'].pk}/chart/", "#chart canvas"),
                        (f"/risk/points/{payloads['risk'].pk}/card/", "[data-testid=card]"),
                        ("/incidents/intake/", "#intake-map[data-ready=true]"),
                        ("/registry/organizations/new/", "#id_name"),
                        ("/resources/dispatch/", "[data-testid=dispatch-form]"),
                        ("/api/docs/", ".swagger-ui .info"),
                        ("/admin/", "#content")]:
        v.open(path, ready)
        v.check()


@pytest.mark.browser
def test_incident_situation_and_resource_maps_show_payloads_as_text(live_server, payloads, browser):  # noqa: F811
    v = Visit(browser, live_server.url)
    page = v.page
    login(page, v.base, "duty")
    incident = payloads["incident"]
    v.open(f"/incidents/{incident.pk}/", "[data-testid=grade]")
    assert f"花炮厂爆炸{IMG}" in page.inner_text("h1")
    assert f"大瑶村三组{SCRIPT}" in page.inner_text("main")
    v.check()

    v.open("/resources/nearest/", "#nearest-map[data-ready=true]")
    x, y = page.evaluate("() => { const p = window.__maps[0].latLngToContainerPoint([27.995, 113.77]); return [p.x, p.y]; }")
    box = page.locator("#nearest-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#nearest-map[data-loaded=true]")
    results = page.inner_text("[data-testid=nearest-results]")
    for name in (f"大瑶镇{SCRIPT}", f"大瑶消防站{IMG}", f"储备点{SCRIPT}", f"中心广场{IMG}"):
        assert name in results, name
    shows(v.overlays(), f"大瑶消防站{IMG}", f"储备点{SCRIPT}", f"中心广场{IMG}")
    v.check()

    v.open("/resources/coverage/", "#coverage-map[data-loaded=true]")
    shows(v.overlays(), f"大瑶消防站{IMG}", f"金刚村{SCRIPT}")
    assert f"金刚村{SCRIPT}" in page.inner_text("[data-testid=gaps]")
    page.select_option("#check", "team15")  # the selects submit their form by script, not by inline handlers
    page.wait_for_url("**check=team15**")
    page.wait_for_selector("#coverage-map[data-loaded=true]")
    v.check()

    v.open(f"/incidents/{incident.pk}/map/", "#situation-map[data-ready=true]")
    panel = page.inner_text("[data-testid=situation-panel]")
    for name in (f"药物工房{IMG}", f"液氯库{SCRIPT}", f"大瑶小学{IMG}", f"储罐区{SCRIPT} 可燃气体{IMG}", f"暴雨橙色预警{IMG}",
                 f"中心广场{IMG}", f"大瑶消防站{IMG}", f"储备点{SCRIPT}"):
        assert name in panel, name
    shows(v.overlays(), f"花炮厂爆炸{IMG}", f"药物工房{IMG}", f"大瑶消防站{IMG}", f"储备点{SCRIPT}")
    v.check()
    page.click("[data-team]")  # 派出: the dispatched team is listed, and drawn, by its name
    page.wait_for_selector("[data-dispatch-state=en_route]")
    assert f"大瑶消防站{IMG}（20 人）：已派出（途中）" in page.inner_text("[data-dispatch-state=en_route]")
    shows(v.overlays(), f"大瑶消防站{IMG}（20 人）")
    v.check()


@pytest.mark.browser
def test_public_pages_show_payloads_as_text_to_anyone(live_server, payloads, browser):  # noqa: F811
    v = Visit(browser, live_server.url)
    page = v.open("/public/warnings/", "[data-testid=public-warning]")
    card = page.inner_text("[data-testid=public-warning]")
    assert f"暴雨橙色预警{IMG}" in card and f"预计降雨{SCRIPT}" in card and f"转移人员{IMG}" in card
    # The county outline and the warning's area are drawn:
    page.wait_for_function("() => document.querySelectorAll('#warning-map path.leaflet-interactive').length === 2")
    shows(v.overlays(), f"暴雨橙色预警{IMG}")
    v.check()
    for path, ready in [("/public/tip-off/", "#pick-map[data-ready=true]"),
                        ("/public/rescue-teams/apply/", "#pick-map[data-ready=true]"),
                        ("/login/", "#id_username")]:
        v.open(path, ready)
        v.check()


def header_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


@pytest.mark.parametrize("path", ["/login/", "/", "/map/", "/public/warnings/", "/public/tip-off/", "/api/docs/",
                                  "/api/organizations/"])
def test_every_response_sends_a_policy_that_forbids_inline_script(path, client, users):
    client.force_login(users["admin"])
    policy = header_directives(client.get(path))
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no nonce
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))


def test_the_base_map_tile_origin_is_an_allowed_image_source(client, settings):
    from yingji.core.framework.contentpolicy import policy, tile_source

    assert tile_source("") is None and tile_source("/tiles/{z}/{x}/{y}.png") is None  # this site: 'self'
    assert tile_source("https://{s}.tile.example.cn/{z}/{x}/{y}.png") == "https://*.tile.example.cn"
    assert tile_source("http://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}") == "http://*.tianditu.gov.cn"
    assert tile_source("https://gis.example.cn:8443/{z}/{x}/{y}.png") == "https://gis.example.cn:8443"
    assert tile_source("https://a.{s}.example.cn/{z}/{x}/{y}.png") == "https:"  # only a scheme can admit that
    settings.CONTENT_SECURITY_POLICY = policy("https://{s}.tile.example.cn/{z}/{x}/{y}.png")
    images = header_directives(client.get("/login/"))["img-src"]
    assert images == ["'self'", "data:", "https://*.tile.example.cn"]


def test_the_api_docs_start_up_script_is_a_file_not_inline(client, users):
    client.force_login(users["admin"])
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "/api/docs/?script=" in page
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript") and b"SwaggerUIBundle" in script.content


def test_no_template_has_inline_script_or_event_handlers():
    """What the policy would refuse in the browser is refused here first, by file and line."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "src" / "yingji" / "templates"
    found = []
    for path in root.rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", line) or re.search(r"\son[a-z]+\s*=", line):
                found.append(f"{path.relative_to(root)}:{n}")
    assert found == []
