"""Routing, coverage and allocation engines: hand-checkable graphs, a real OSM extract checked
against networkx, and allocation optimality against brute force on small instances."""

import itertools
import math
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from yingji.logistics import allocation, coverage, network, routing
from yingji.logistics.allocation import Demand, Supply

OSM = Path(__file__).resolve().parents[1] / "data" / "osm" / "pyrosm-test.osm.pbf"
# A 1 km grid near 浏阳: 0.01° of longitude at 28.15° N is 981 m, 0.01° of latitude 1,112 m.
X0, Y0, D = 113.60, 28.10, 0.01


def line(*pts, **props):
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]},
            "properties": props}


def pt(i, j):
    return (X0 + i * D, Y0 + j * D)


def secs(a, b, kmh):
    return float(network.haversine_m(*a, *b)) / (kmh / 3.6)


@pytest.fixture
def square():
    """A—B fast (primary 55), B—C slow residential, A—D—C tertiary, and C→A a one-way shortcut."""
    a, b, c, d = pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1)
    doc = {"type": "FeatureCollection", "features": [
        line(a, b, highway="primary"), line(b, c, highway="residential"),
        line(a, d, highway="tertiary"), line(d, c, highway="tertiary"),
        line(c, a, highway="secondary", oneway="yes"),
        line(a, b, highway="track"),  # a slower parallel way: the faster arc must win
        line(pt(5, 5), pt(6, 5), highway="primary"),  # an island, not connected
        line(pt(0, 0), pt(0, -1), highway="footway"),  # not for vehicles: ignored
    ]}
    return network.from_geojson(doc), (a, b, c, d)


def node(net, p):
    return int(net.snap([p[0]], [p[1]])[0][0])


def test_times_follow_road_classes_one_way_and_fastest_parallel_arc(square):
    net, (a, b, c, d) = square
    assert net.n_nodes == 6  # the footway added nothing
    t = routing.one_to_all(net, node(net, a))
    assert t[node(net, b)] == pytest.approx(secs(a, b, 55))
    via_b = secs(a, b, 55) + secs(b, c, 20)
    via_d = secs(a, d, 35) + secs(d, c, 35)
    assert t[node(net, c)] == pytest.approx(min(via_b, via_d))
    # C → A may use the one-way diagonal; A → C may not.
    assert routing.one_to_all(net, node(net, c))[node(net, a)] == pytest.approx(secs(c, a, 45))
    assert t[node(net, c)] > secs(c, a, 45)
    assert math.isinf(t[node(net, pt(5, 5))])  # the island


def test_nearest_by_road_with_route_and_labelled_straight_line_fallback(square):
    net, (a, b, c, d) = square
    teams = [{"id": "near-by-air", "lon": pt(5, 5)[0], "lat": pt(5, 5)[1]},  # on the island
             {"id": "at-a", "lon": a[0], "lat": a[1]}, {"id": "at-d", "lon": d[0], "lat": d[1]}]
    legs = routing.nearest(net, c[0], c[1], teams, n=3)
    by_id = {leg.id: leg for leg in legs}
    # From A to C the one-way diagonal (C → A only) is closed: the team drives round.
    assert by_id["at-a"].method == "road" and by_id["at-a"].seconds == pytest.approx(min(
        secs(a, b, 55) + secs(b, c, 20), secs(a, d, 35) + secs(d, c, 35)))
    assert by_id["at-d"].seconds == pytest.approx(secs(d, c, 35))
    assert by_id["at-d"].metres == pytest.approx(float(network.haversine_m(*d, *c)))
    assert by_id["at-a"].metres == pytest.approx(float(network.haversine_m(*a, *b) + network.haversine_m(*b, *c))
                                                 if secs(a, b, 55) + secs(b, c, 20) < secs(a, d, 35) + secs(d, c, 35)
                                                 else float(network.haversine_m(*a, *d) + network.haversine_m(*d, *c)))
    assert by_id["at-d"].line[0] == d and by_id["at-d"].line[-1] == c
    assert by_id["near-by-air"].method == "straight_line"  # disconnected: clearly labelled estimate
    assert [leg.id for leg in legs][0] == "at-d"
    no_net = routing.nearest(None, c[0], c[1], teams, n=2)
    assert {leg.method for leg in no_net} == {"straight_line"}
    assert no_net[0].seconds == pytest.approx(float(network.haversine_m(*d, *c)) / (40 / 3.6))


def test_a_resource_on_the_places_own_node_has_no_road_to_travel(square):
    net, (a, b, c, d) = square
    leg, = routing.nearest(net, c[0], c[1], [{"id": "here", "lon": c[0], "lat": c[1]}], n=1)
    assert (leg.method, leg.metres, leg.seconds) == ("road", 0.0, 0.0)


def test_matrix_agrees_both_ways_round(square):
    net, (a, b, c, d) = square
    src = [node(net, p) for p in (a, c)]
    dst = [node(net, p) for p in (a, b, c, d)]
    m1 = routing.matrix(net, src, dst)
    m2 = routing.matrix(net, src * 3, dst[:1])  # more sources than targets: solved on the reversed graph
    assert m1.shape == (2, 4) and m1[0, 0] == 0
    assert m2[:, 0].tolist() == pytest.approx([m1[0, 0], m1[1, 0]] * 3)


def test_bad_network_input_is_refused_with_a_reason():
    with pytest.raises(network.NetworkError, match="没有可通行的道路"):
        network.from_geojson({"type": "FeatureCollection", "features": [line(pt(0, 0), pt(1, 0), highway="footway")]})
    with pytest.raises(network.NetworkError, match="第 1 个要素"):
        network.from_geojson({"type": "FeatureCollection", "features": [line(("x", 1), pt(1, 0), highway="primary")]})


def test_real_osm_extract_matches_networkx():
    net = network.from_osm(str(OSM))
    assert net.n_nodes > 500
    g = nx.DiGraph()
    coo = net.graph.tocoo()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    assert any(not g.has_edge(v, u) for u, v in list(g.edges)[:2000])  # the extract has one-way streets
    for origin in (0, net.n_nodes // 2, net.n_nodes - 1):
        ours = routing.one_to_all(net, origin)
        ref = nx.single_source_dijkstra_path_length(g, origin)
        reached = np.flatnonzero(np.isfinite(ours))
        assert set(reached.tolist()) == set(ref)
        assert all(ours[k] == pytest.approx(ref[k]) for k in ref)
    seconds, path = routing.route(net, 0, int(reached[-1]))
    assert path[0] == (net.lon[0], net.lat[0]) and math.isfinite(seconds)


def test_isochrone_and_coverage_shares(square):
    net, (a, b, c, d) = square
    iso = coverage.isochrone(net, [a], minutes=secs(a, b, 55) / 60)
    from shapely.geometry import Point

    assert iso.contains(Point(*b)) and not iso.contains(Point(*c))
    # Villages at B (1,000 people), D (3,000) and on the island (500); one station at A, 1.5 minutes.
    lon, lat = zip(b, d, pt(5, 5), strict=True)
    cov = coverage.coverage(net, [a], lon, lat, [1000, 3000, 500], minutes=1.5)
    reach_b, reach_d = secs(a, b, 55) <= 90, secs(a, d, 35) <= 90
    assert (reach_b, reach_d) == (True, False)
    assert cov.share == pytest.approx(1000 / 4500) and cov.gaps[0] == 2  # the unreachable island first
    assert coverage.coverage(None, [a], lon, lat, [1000, 3000, 500], minutes=1.5).method == "straight_line"


def brute_force(supplies, demands, travel, objective="time"):
    """Every integer shipment plan; the best by (unmet units, objective)."""
    cells = [(i, j) for i, s in enumerate(supplies) for j, d in enumerate(demands)
             if s.material == d.material and math.isfinite(travel[i][j])
             and s.ready_hours + travel[i][j] <= d.latest_hours]
    best = None
    for qs in itertools.product(*[range(min(supplies[i].quantity, demands[j].quantity) + 1) for i, j in cells]):
        out = [0] * len(supplies)
        got = [0] * len(demands)
        for (i, j), q in zip(cells, qs, strict=True):
            out[i] += q
            got[j] += q
        if any(o > s.quantity for o, s in zip(out, supplies, strict=True)) or \
                any(g > d.quantity for g, d in zip(got, demands, strict=True)):
            continue
        unmet = sum(d.quantity - g for d, g in zip(demands, got, strict=True))
        cost = sum(q * (supplies[i].ready_hours + travel[i][j]) * demands[j].weight for (i, j), q in zip(cells, qs, strict=True))
        if best is None or (unmet, cost) < best[:2]:
            best = (unmet, cost)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_allocation_is_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    supplies = [Supply(f"W{i}", rng.choice("ab"), rng.randint(0, 4), rng.choice([0, 0, 6])) for i in range(3)]
    demands = [Demand(f"D{j}", rng.choice("ab"), rng.randint(1, 4), rng.choice([5, 12, float("inf")]),
                      rng.choice([1, 2])) for j in range(3)]
    travel = [[rng.choice([1, 2, 3, 7, float("inf")]) for _ in demands] for _ in supplies]
    plan = allocation.allocate(supplies, demands, travel)
    unmet, cost = brute_force(supplies, demands, travel)
    assert sum(q for _, _, q, _ in plan.unmet) == unmet
    assert plan.objective == pytest.approx(cost)
    for s in supplies:  # never more than the stock
        assert sum(x.quantity for x in plan.shipments if x.supply == s.id) <= s.quantity
    for x in plan.shipments:  # never later than asked
        assert x.arrival_hours <= next(d for d in demands if d.id == x.demand).latest_hours


def test_unmet_demand_says_why():
    supplies = [Supply("县库", "tent", 10), Supply("协议商", "tent", 50, ready_hours=24)]
    demands = [Demand("远村", "tent", 5, latest_hours=12), Demand("近村", "tent", 8, latest_hours=12),
               Demand("孤岛", "tent", 1, latest_hours=12), Demand("某镇", "water", 3)]
    travel = [[13, 1, float("inf"), 1], [1, 1, float("inf"), 1]]
    plan = allocation.allocate(supplies, demands, travel)
    assert plan.shipped_to("近村") == 8
    why = {d: reason for d, _, _, reason in plan.unmet}
    assert "13.0 小时" in why["远村"] and "超过要求的 12 小时" in why["远村"]
    assert "路网不连通" in why["孤岛"]
    assert "无 water 库存" in why["某镇"]
    with pytest.raises(ValueError, match="不能为负"):
        allocation.allocate([Supply("x", "tent", -1)], demands, [[1, 1, 1, 1]])


def test_priority_weight_decides_who_waits():
    supplies = [Supply("近库", "boat", 1), Supply("远库", "boat", 1)]
    demands = [Demand("普通", "boat", 1, weight=1), Demand("危急", "boat", 1, weight=5)]
    plan = allocation.allocate(supplies, demands, [[1, 1], [4, 4]])
    assert {(s.supply, s.demand) for s in plan.shipments} == {("近库", "危急"), ("远库", "普通")}
