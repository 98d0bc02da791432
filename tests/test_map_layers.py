"""Map layers by view (issue 16, decision 0014): bounding box and zoom, grid clusters at low zoom that
count what the user may see, a hard cap on features, simplified outlines, and a number of queries that
does not grow with the table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import credit
from yingji.core.framework import maplayers
from yingji.core.models import Organization
from yingji.risk.models import RiskPoint

# Township A's village lies around (113.78, 27.98), township B's around (113.86, 28.03) (conftest).
COUNTY_VIEW = {"west": 113.2, "south": 27.9, "east": 114.2, "north": 28.5}


def spread(tree, n, *, village="va", lon=113.70, lat=27.92, step=0.002, start=100, kind="enterprise"):
    """``n`` organizations on a grid of ``step`` degrees from (lon, lat), in one village."""
    side = max(1, int(n ** 0.5))
    return Organization.objects.bulk_create([
        Organization(credit_code=credit(start + i), name=f"单位{start + i}", region=tree[village], kind=kind,
                     lon=round(lon + step * (i % side), 6), lat=round(lat + step * (i // side), 6))
        for i in range(n)])


def layer(api, user, slug="organizations", **params):
    response = api(user).get(f"/api/map/{slug}.geojson", params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(data):
    return {f["properties"]["id"] for f in data["features"] if not f["properties"].get("cluster")}


def test_the_bounding_box_filters_rows(tree, orgs, users, api):
    around_a = {"west": 113.77, "south": 27.97, "east": 113.79, "north": 27.99}
    data = layer(api, "staff", **around_a)
    assert ids(data) == {orgs["a"].pk} and data["total"] == 1 and data["clustered"] is False
    assert ids(layer(api, "staff")) == {orgs["a"].pk, orgs["b"].pk}  # no box: the whole layer
    # What a point carries: enough to draw and link it, nothing of its region.
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [113.78, 27.98]}
    assert feature["properties"] == {"id": orgs["a"].pk, "name": "大瑶花炮厂", "url": f"/registry/organizations/{orgs['a'].pk}/"}


def test_a_points_popup_details_are_read_by_id_within_scope(tree, orgs, users, api):
    (feature,) = layer(api, "staff", id=orgs["a"].pk)["features"]
    assert feature["properties"]["name"] == "大瑶花炮厂" and feature["properties"]["统一社会信用代码"] == orgs["a"].credit_code
    assert layer(api, "township_b", id=orgs["a"].pk)["features"] == []  # outside the township: nothing


def test_low_zoom_clusters_count_the_points_in_view_and_only_those_in_scope(tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 20)
    spread(tree, 60, village="va")  # township A
    spread(tree, 40, village="vb", lon=113.95, lat=28.2, start=500)  # township B, further north-east
    county = layer(api, "staff", zoom=10, **COUNTY_VIEW)
    assert county["clustered"] is True and county["total"] == 102
    assert sum(f["properties"].get("count", 1) for f in county["features"]) == 102
    assert any(f["properties"].get("cluster") for f in county["features"])
    for f in county["features"]:
        if f["properties"].get("cluster"):
            w, s, e, n = f["properties"]["bbox"]
            lon, lat = f["geometry"]["coordinates"]
            assert f["properties"]["count"] > 1 and w <= lon <= e and s <= lat <= n
    # A township user sees the same view clustered from their township's records only.
    township = layer(api, "township_a", zoom=10, **COUNTY_VIEW)
    assert township["total"] == 61 and sum(f["properties"].get("count", 1) for f in township["features"]) == 61
    # Only part of the view: only what lies in it.
    west = layer(api, "staff", zoom=10, **{**COUNTY_VIEW, "east": 113.9, "north": 28.1})
    assert west["total"] == 62
    # Zoomed in (at and above CLUSTER_ZOOM), the same records are points.
    close = layer(api, "staff", zoom=maplayers.CLUSTER_ZOOM, **COUNTY_VIEW)
    assert close["clustered"] is False and len(close["features"]) == 102


def test_a_registry_filter_still_applies_to_clusters(tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 5)
    spread(tree, 30, kind="enterprise")
    spread(tree, 12, kind="government", start=400, lon=114.0)
    data = layer(api, "staff", zoom=9, kind="government", **COUNTY_VIEW)
    assert data["clustered"] is True and data["total"] == 12


def test_a_layer_never_returns_more_than_the_cap(tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "MAX_FEATURES", 10)
    firms = spread(tree, 200, step=0.01)
    RiskPoint.objects.bulk_create([
        RiskPoint(name=f"点{o.pk}", organization=o, region=tree["va"], kind="site", hazard_factor="physical",
                  accident_types="火灾", responsible_person="张三", level="low", lon=o.lon, lat=o.lat) for o in firms])
    for params in ({}, {"zoom": 18}, {"zoom": 18, **COUNTY_VIEW}, {"zoom": 3, **COUNTY_VIEW},
                   {"zoom": 8, "west": -180, "south": -90, "east": 180, "north": 90}):
        for slug, total in (("organizations", 202), ("risk-points", 200), ("risk-enterprises", 200)):
            data = layer(api, "leader", slug, **params)
            assert len(data["features"]) <= 10, (slug, params)
            assert data["clustered"] is True and data["total"] == total and data["cap"] == 10, (slug, params)


def test_risk_enterprise_layer_by_view(tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 5)
    firms = spread(tree, 30, step=0.01)
    RiskPoint.objects.bulk_create([
        RiskPoint(name=f"点{i}", organization=o, region=tree["va"], kind="site", hazard_factor="physical",
                  accident_types="火灾", responsible_person="张三", level=("major" if i == 7 else "low"))
        for i, o in enumerate(firms) for _ in range(2)])
    data = layer(api, "leader", "risk-enterprises", zoom=9, **COUNTY_VIEW)
    assert data["clustered"] is True and data["total"] == 30  # enterprises, not their 60 risk points
    colours = {f["properties"]["colour"] for f in data["features"]}
    assert "#d9001b" in colours  # the cluster holding the major risk shows red
    close = layer(api, "leader", "risk-enterprises", zoom=16, **COUNTY_VIEW)
    assert close["clustered"] is False and len(close["features"]) == 30
    assert {f["properties"]["风险点"] for f in close["features"]} == {2}
    box = {"west": 113.695, "south": 27.915, "east": 113.705, "north": 27.925}  # the first firm only
    (feature,) = layer(api, "leader", "risk-enterprises", zoom=16, **box)["features"]
    assert feature["properties"]["id"] == firms[0].pk


def test_region_layer_by_view_and_zoom(tree, orgs, users, api):
    import math

    ring = [[113.7 + 0.1 * math.cos(t / 50 * math.pi), 27.95 + 0.05 * math.sin(t / 50 * math.pi)] for t in range(100)]
    tree["a"].geometry = {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
    tree["a"].save()
    tree["b"].geometry = {"type": "Polygon", "coordinates": [[[114.0, 28.3], [114.1, 28.3], [114.1, 28.4], [114.0, 28.3]]]}
    tree["b"].save()
    names = lambda d: {f["properties"]["name"] for f in d["features"]}  # noqa: E731
    everything = layer(api, "leader", "regions", level="township")
    assert names(everything) == {"大瑶镇", "金刚镇"}
    assert len(everything["features"][0]["geometry"]["coordinates"][0]) == 101  # as stored without a zoom
    near_a = layer(api, "leader", "regions", level="township", west=113.5, south=27.8, east=113.9, north=28.1)
    assert names(near_a) == {"大瑶镇"}
    coarse = layer(api, "leader", "regions", level="township", zoom=6)
    fine = layer(api, "leader", "regions", level="township", zoom=16)
    vertices = lambda d: len(next(f for f in d["features"] if f["properties"]["name"] == "大瑶镇")["geometry"]["coordinates"][0])  # noqa: E731
    assert vertices(coarse) < 20 < vertices(fine)
    # An edited outline is not served from the cache.
    tree["a"].geometry = {"type": "Polygon", "coordinates": [[[113.6, 27.9], [113.8, 27.9], [113.8, 28.0], [113.6, 27.9]]]}
    tree["a"].save()
    again = layer(api, "leader", "regions", level="township", zoom=6)
    outline = next(f for f in again["features"] if f["properties"]["name"] == "大瑶镇")["geometry"]
    assert outline["coordinates"][0][0] == [113.6, 27.9]
    assert names(layer(api, "township_b", "regions", level="township", zoom=10)) == {"金刚镇"}  # scope kept
    # The page colours by one attribute: the others' providers are not run.
    assert "risk" not in layer(api, "leader", "regions", level="township", attribute="population")["features"][0]["properties"]
    assert "risk" in layer(api, "leader", "regions", level="township", attribute="risk")["features"][0]["properties"]


def test_bad_view_parameters_are_a_400(tree, orgs, users, api):
    for params, name in [({"zoom": "x"}, "zoom"), ({"zoom": "40"}, "zoom"), ({"west": "null", "north": ""}, "west"),
                         ({**COUNTY_VIEW, "west": "114.5"}, "west"), ({**COUNTY_VIEW, "north": "95"}, "north")]:
        for slug in ("organizations", "regions", "risk-enterprises"):
            response = api("admin").get(f"/api/map/{slug}.geojson", params)
            assert response.status_code == 400 and name in response.json(), (slug, params, response.content)


@pytest.mark.parametrize("slug, params, clustered", [
    ("organizations", {"zoom": 10, **COUNTY_VIEW}, True),
    ("organizations", {"zoom": 16, **COUNTY_VIEW}, False),
    ("organizations", {}, False),  # no view: points up to the cap …
    ("organizations", {"zoom": 16}, True),  # … else clusters over the layer's extent (a cap of 8 here)
    ("risk-enterprises", {"zoom": 10, **COUNTY_VIEW}, True),
    ("risk-enterprises", {"zoom": 16, **COUNTY_VIEW}, False),
    ("regions", {"level": "village", "zoom": 10, **COUNTY_VIEW}, None),
])
def test_queries_per_layer_request_do_not_grow_with_rows(slug, params, clustered, tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 5)
    monkeypatch.setattr(maplayers, "MAX_FEATURES", 8 if params == {"zoom": 16} else 500)
    client = api("staff")
    counted = []
    for n, start in ((10, 1000), (90, 2000)):  # 10 rows, then 100
        firms = spread(tree, n, start=start, step=0.003)
        RiskPoint.objects.bulk_create([
            RiskPoint(name=f"点{o.pk}", organization=o, region=tree["va"], kind="site", hazard_factor="physical",
                      accident_types="火灾", responsible_person="张三", level="high") for o in firms])
        client.get(f"/api/map/{slug}.geojson", params)  # warm: session, permissions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/map/{slug}.geojson", params)
        assert response.status_code == 200
        if clustered is not None:
            assert response.json()["clustered"] is clustered
        counted.append(len(queries))
    assert Organization.objects.count() == 102
    assert counted[0] == counted[1], counted


def test_schema_lists_the_view_parameters(api, users):
    schema = api("admin").get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/map/{slug}.geojson", "/api/map/regions.geojson", "/api/map/risk-enterprises.geojson"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"west", "south", "east", "north", "zoom"} <= names, path


def test_a_cluster_shows_its_most_severe_colour(tree, orgs, users, api, monkeypatch):
    monkeypatch.setattr(maplayers, "CLUSTER_ABOVE", 5)
    RiskPoint.objects.bulk_create([
        RiskPoint(name=f"点{i}", organization=orgs["a"], region=tree["va"], kind="site", hazard_factor="physical",
                  accident_types="火灾", responsible_person="张三", level=level, lon=113.70 + 0.001 * i, lat=27.92)
        for i, level in enumerate(["low"] * 8 + ["major"] + ["moderate"] * 3)])
    (cluster,) = layer(api, "leader", "risk-points", zoom=9, **COUNTY_VIEW)["features"]
    assert cluster["properties"]["count"] == 12 and cluster["properties"]["colour"] == "#d9001b"
    RiskPoint.objects.filter(level="major").update(level="")  # not assessed: grey, below every level
    (cluster,) = layer(api, "leader", "risk-points", zoom=9, **COUNTY_VIEW)["features"]
    assert cluster["properties"]["colour"] == "#f7ba1e"


def test_a_records_parts_are_a_layer_filtered_by_its_relation(tree, orgs, users, api, web):
    """A record page's map asks for its located parts by the relation its panel's "查看全部" names,
    also where that relation is no declared filter of the registry (a warehouse's 管理单位); a key that
    names no record answers an empty layer, and the filter keeps to the user's scope."""
    from yingji.resources.models import Warehouse

    def store(name, org, village, lon):
        return Warehouse.objects.create(name=name, level="county", region=tree[village], organization=org,
                                        lon=lon, lat=27.98).pk

    own = {store(f"甲库{i}", orgs["a"], "va", 113.78 + i / 1000) for i in range(3)}
    store("乙库", orgs["b"], "vb", 113.86)
    store("无主库", None, "va", 113.77)
    assert "organization" not in next(r for r in maplayers_registries() if r.slug == "warehouses").filter_fields
    query = {"organization": orgs["a"].credit_code}
    assert ids(layer(api, "staff", "warehouses", **query)) == own
    assert ids(layer(api, "staff", "warehouses", organization="91430181MA4L0XXX9X")) == set()
    assert ids(layer(api, "township_b", "warehouses", **query)) == set()  # township B sees none of A's
    page = web("staff").get(f"/registry/organizations/{orgs['a'].pk}/")
    spec = next(s for s in page.context["layers"] if s["slug"] == "warehouses")
    assert spec["query"] == f"organization={orgs['a'].credit_code}" and spec["label"] == "储备库"


def test_a_records_parts_out_of_scope_are_neither_listed_nor_mapped(tree, orgs, users, web):
    """The check which related registries hold parts is not scoped (it spares the empty ones a query);
    what the page shows is: a part in another township is not in a township user's panel or layers."""
    from yingji.risk.models import RiskPoint

    RiskPoint.objects.create(name="越界工房", organization=orgs["a"], region=tree["vb"], kind="site",
                             hazard_factor="physical", lon=113.86, lat=28.03)
    page = f"/registry/organizations/{orgs['a'].pk}/"
    mine = web("township_a").get(page)
    assert "越界工房" not in mine.content.decode() and mine.context["layers"] == []
    assert all(p["reg"].slug != "risk-points" or p["total"] == 0 for p in mine.context["related"])
    county = web("staff").get(page)  # the county sees it, listed and mapped
    assert "越界工房" in county.content.decode() and [s["slug"] for s in county.context["layers"]] == ["risk-points"]


def maplayers_registries():
    from yingji.core.framework.registry import registries

    return registries()
