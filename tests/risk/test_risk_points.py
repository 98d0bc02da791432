"""Risk points and assessments through the generic layer; the four-colour map."""


from yingji.risk.models import RiskPoint

POINT = {"name": "药物混合工房", "kind": "area", "hazard_factor": "material", "accident_types": "火药爆炸、火灾",
         "responsible_person": "李工", "region": "430181110001"}


def make_point(api, orgs):
    response = api("staff").post("/api/risk-points/", {**POINT, "organization": orgs["a"].credit_code}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def assess(api, pk, **values):
    return api("staff").post("/api/risk-assessments/", {"risk_point": str(pk), "assessor": "张工", **values},
                             format="json")


def test_assessments_grade_the_point_and_keep_history(orgs, users, api):
    pk = make_point(api, orgs)
    first = assess(api, pk, method="lec", likelihood=6, exposure=6, consequence=15)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["level"] == "major" and body["value"] == 540
    assert body["explanation"].startswith("D = L×E×C = 6×6×15 = 540，> 320 → 重大风险（红）")
    assert RiskPoint.objects.get(pk=pk).level == "major"
    second = assess(api, pk, method="matrix", likelihood=3, consequence=3).json()
    assert second["level"] == "moderate" and second["explanation"].startswith("R = L×S = 3×3 = 9")
    assert RiskPoint.objects.get(pk=pk).level == "moderate"  # the latest assessment decides
    history = api("staff").get("/api/risk-assessments/", {"ordering": "id"}).json()["results"]
    assert [a["level"] for a in history] == ["major", "moderate"]


def test_values_off_the_scale_are_refused_on_their_field(orgs, users, api):
    pk = make_point(api, orgs)
    response = assess(api, pk, method="lec", likelihood=5, exposure=6, consequence=15)
    assert response.status_code == 400
    assert response.json()["likelihood"][0].startswith("L（事故发生的可能性） 应取标准分值之一")
    response = assess(api, pk, method="lec", likelihood=6, consequence=15)
    assert response.json()["exposure"] == ["LEC 法须填写 E"]


def test_accident_types_are_gb6441(orgs, users, api):
    response = api("staff").post("/api/risk-points/", {**POINT, "accident_types": "火灾、外星人袭击"}, format="json")
    assert response.status_code == 400
    assert response.json()["accident_types"][0].startswith("不是 GB 6441 事故类别：外星人袭击")


def test_four_colour_map_takes_the_highest_level_below_each_region(tree, orgs, users, api, web):
    pk = make_point(api, orgs)
    assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15)  # 270: 较大
    other = api("staff").post("/api/risk-points/", {**POINT, "name": "仓库", "region": "430181110001"},
                              format="json").json()["id"]
    assess(api, other, method="matrix", likelihood=1, consequence=2)  # low
    for r in (tree["a"], tree["b"]):
        r.geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.9, 27.9], [113.9, 28.0], [113.7, 27.9]]]}
        r.save()
    layer = api("leader").get("/api/map/regions.geojson", {"level": "township"}).json()
    risk = {f["properties"]["name"]: f["properties"]["risk"] for f in layer["features"]}
    assert risk == {"大瑶镇": "high", "金刚镇": None}
    assert layer["categories"]["risk"]["major"] == ["重大风险（红）", "#d9001b"]
    page = web("leader").get("/risk/map/").content.decode()
    assert "较大风险 1" in page and "低风险 1" in page and "重大风险 0" in page


def scheme(major, high, moderate):
    return [{"label": "重大风险", "level": "major", "bound": major, "inclusive": False},
            {"label": "较大风险", "level": "high", "bound": high}, {"label": "一般风险", "level": "moderate", "bound": moderate},
            {"label": "低风险", "level": "low"}]


def test_configured_thresholds_region_then_enterprise(tree, orgs, users, api):
    pk = make_point(api, orgs)
    admin = api("admin")
    assert assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15).json()["level"] == "high"  # 270
    strict = {"method": "lec", "bands": scheme(240, 120, 50), "basis": "某省指南", "effective_from": "2026-01-01"}
    assert admin.post("/api/risk-bands/", {**strict, "region": "430000"}, format="json").status_code == 201
    graded = assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15).json()
    assert graded["level"] == "major" and "> 240" in graded["explanation"]  # the province's rule, inherited
    lenient = {**strict, "bands": scheme(400, 300, 100)}
    own = admin.post("/api/risk-bands/", {**lenient, "region": "430181110001", "organization": orgs["a"].credit_code},
                     format="json")
    assert own.status_code == 201, own.json()
    assert assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15).json()["level"] == "moderate"
    bad = admin.post("/api/risk-bands/", {**strict, "region": "430181", "bands": scheme(240, 300, 50)}, format="json")
    assert bad.status_code == 400
    assert bad.json()["bands"] == ["分级下限须从高到低严格递减：第 2 级（较大风险）的下限 300 不低于上一级的 240"]


TWO_LEVELS = [{"label": "重大风险", "level": "major", "bound": 160}, {"label": "一般风险", "level": "moderate"}]


def test_an_enterprise_two_level_scheme_grades_its_assessments(tree, orgs, users, api, web):
    """Issue 15, point 1: an enterprise table with two levels (一般/重大) and its own edge, "160 以上"."""
    pk = make_point(api, orgs)
    created = api("admin").post("/api/risk-bands/", {
        "region": "430181110001", "organization": orgs["a"].credit_code, "method": "lec", "bands": TWO_LEVELS,
        "basis": "大瑶花炮厂安全风险分级管控制度（2025版）", "effective_from": "2025-01-01"}, format="json")
    assert created.status_code == 201, created.json()
    below = assess(api, pk, method="lec", likelihood=1, exposure=10, consequence=15).json()  # 150: 一般 (黄 too by default)
    assert below["level"] == "moderate"
    assert below["explanation"].startswith("D = L×E×C = 1×10×15 = 150，< 160 → 一般风险（黄）")
    major = assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15).json()  # 270: 较大 by default
    assert major["level"] == "major" and "≥ 160 → 重大风险（红）" in major["explanation"]
    assert RiskPoint.objects.get(pk=pk).level == "major"
    page = web("admin").get(f"/registry/risk-bands/{created.json()['id']}/").content.decode()
    assert "≥ 160 重大风险（红）；&lt; 160 一般风险（黄）" in page or "≥ 160 重大风险（红）；< 160 一般风险（黄）" in page


def test_a_scheme_applies_from_its_date(tree, orgs, users, api):
    pk = make_point(api, orgs)
    api("admin").post("/api/risk-bands/", {"region": "430000", "method": "lec", "bands": TWO_LEVELS,
                                           "basis": "某省指南（2026）", "effective_from": "2026-07-01"}, format="json")
    before = assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15,
                    assessed_at="2026-06-30T23:00:00+08:00").json()  # the day before, Beijing time: the defaults
    after = assess(api, pk, method="lec", likelihood=3, exposure=6, consequence=15,
                   assessed_at="2026-07-01T00:30:00+08:00").json()  # from that day (2026-06-30 16:30 UTC)
    assert (before["level"], after["level"]) == ("high", "major")


def test_a_setting_needs_its_source_and_date(tree, orgs, users, api):
    response = api("admin").post("/api/risk-bands/", {"region": "430000", "method": "lec", "bands": TWO_LEVELS},
                                 format="json")
    assert response.status_code == 400 and set(response.json()) >= {"basis", "effective_from"}


def test_high_risk_list_export(tree, orgs, users, api, web):
    import io

    from openpyxl import load_workbook

    for name, values in [("甲", {"likelihood": 6, "exposure": 6, "consequence": 15}),  # 540 major
                         ("乙", {"likelihood": 3, "exposure": 6, "consequence": 15}),  # 270 high
                         ("丙", {"likelihood": 1, "exposure": 6, "consequence": 3})]:  # 18 low
        pk = api("staff").post("/api/risk-points/", {**POINT, "name": name}, format="json").json()["id"]
        assess(api, pk, method="lec", **values)
    rows = list(load_workbook(io.BytesIO(web("leader").get("/risk/lists/high-risks.xlsx").content))
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("所属单位", "风险点名称", "风险点类型", "风险等级")
    assert [(r[1], r[3]) for r in rows[1:]] == [("甲", "重大风险"), ("乙", "较大风险")]  # most severe first


def test_enterprise_page_maps_its_risk_points_by_level(tree, orgs, users, api, web):
    """The record page names its parts' map layer; the map-layer API answers that enterprise's own
    risk points in their level's colour (the browser asks for them: tests/test_browser_maps.py)."""
    pk = make_point(api, orgs)
    api("staff").patch(f"/api/risk-points/{pk}/", {"lon": 113.781, "lat": 27.981}, format="json")
    assess(api, pk, method="lec", likelihood=6, exposure=6, consequence=15)  # major: red
    other = api("admin").post("/api/risk-points/", {**POINT, "name": "别家工房", "lon": 113.79, "lat": 27.99,
                                                   "organization": orgs["b"].credit_code, "region": "430181111001"},
                             format="json")
    assert other.status_code == 201, other.json()
    import json
    import re

    page = web("staff").get(f"/registry/organizations/{orgs['a'].pk}/").content.decode()
    layers = json.loads(re.search(r'id="record-layers" type="application/json">(.*?)</script>', page).group(1))
    assert layers == [{"slug": "risk-points", "label": "风险点", "query": f"organization={orgs['a'].credit_code}"}]
    features = api("staff").get(f"/api/map/risk-points.geojson?{layers[0]['query']}").json()["features"]
    assert [(f["geometry"]["coordinates"], f["properties"]) for f in features] == [
        ([113.781, 27.981], {"id": pk, "name": "药物混合工房", "url": f"/registry/risk-points/{pk}/", "colour": "#d9001b"})]


def test_four_colour_map_colours_enterprises_by_their_highest_level(tree, orgs, users, api):
    high = make_point(api, orgs)
    assess(api, high, method="lec", likelihood=3, exposure=6, consequence=15)  # 较大
    low = api("staff").post("/api/risk-points/", {**POINT, "name": "仓库", "organization": orgs["a"].credit_code},
                            format="json").json()["id"]
    assess(api, low, method="matrix", likelihood=1, consequence=1)
    layer = api("leader").get("/api/map/risk-enterprises.geojson").json()
    (feature,) = layer["features"]
    assert feature["properties"]["name"] == "大瑶花炮厂" and feature["properties"]["colour"] == "#ff7d00"
    assert feature["properties"]["最高风险等级"] == "较大风险" and feature["properties"]["风险点"] == 2
    assert api("leader").get("/api/map/risk-enterprises.geojson", {"region": "430181111"}).json()["features"] == []
    assert api("nobody").get("/api/map/risk-enterprises.geojson").json()["features"] == []
