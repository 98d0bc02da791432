"""Routing, coverage and allocation engines at county-network scale.

A synthetic road graph of 450 × 450 = 202,500 nodes (a jittered grid 100 m apart with a road-class
mix: every 10th line primary, every 5th secondary, the rest residential; 5 % of residential
streets one-way), then:

- one-to-all travel times from one node (median of 10), with a plain networkx
  ``single_source_dijkstra_path_length`` of the same query in the same run as the reference;
- a 200 × 5,000 travel-time matrix;
- coverage within 5 minutes from 50 stations of 20,000 weighted demand points;
- allocation: 100 warehouses × 1,000 demand points × 20 materials (2,000 supplies, 20,000
  demands), travel times from the matrix engine, solved per material as a min-cost flow.

    python benchmarks/logistics.py
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time

import numpy as np

from yingji.logistics import allocation, coverage, network, routing

SIDE = 450
STEP = 0.001  # ≈ 100 m


def grid() -> network.RoadNetwork:
    rng = random.Random(7)
    jitter = {(i, j): (113.3 + i * STEP + rng.uniform(-3e-4, 3e-4), 28.0 + j * STEP + rng.uniform(-3e-4, 3e-4))
              for i in range(SIDE) for j in range(SIDE)}
    segments = []
    for i in range(SIDE):
        for j in range(SIDE):
            for di, dj, k in ((1, 0, j), (0, 1, i)):
                if i + di < SIDE and j + dj < SIDE:
                    kind = "primary" if k % 10 == 0 else "secondary" if k % 5 == 0 else "residential"
                    one_way = 1 if kind == "residential" and rng.random() < 0.05 else 0
                    segments.append(([jitter[i, j], jitter[i + di, j + dj]], network.speed_of(kind), one_way))
    return network.build(segments, "synthetic grid")


def timed(fn, repeat=1):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return out, statistics.median(runs)


def main():
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    net, t_build = timed(grid)
    print(f"road graph: {net.n_nodes:,} nodes, {net.n_arcs:,} arcs (built in {t_build:.1f} s)")
    rng = np.random.default_rng(1)
    origin = net.n_nodes // 2 + SIDE // 2

    dist, t_one = timed(lambda: routing.one_to_all(net, origin), repeat=10)
    import networkx as nx

    coo = net.graph.tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    ref, t_nx = timed(lambda: nx.single_source_dijkstra_path_length(g, origin))
    assert len(ref) == int(np.isfinite(dist).sum()) and abs(max(ref.values()) - np.nanmax(dist[np.isfinite(dist)])) < 1e-6
    print(f"one-to-all travel times:        {t_one * 1000:8.1f} ms  (networkx reference, same query: "
          f"{t_nx * 1000:,.0f} ms; {t_nx / t_one:.0f}×)")

    src = rng.choice(net.n_nodes, 200, replace=False)
    dst = rng.choice(net.n_nodes, 5000, replace=False)
    m, t_matrix = timed(lambda: routing.matrix(net, src, dst))
    print(f"200 × 5,000 matrix:             {t_matrix * 1000:8.0f} ms  ({np.isfinite(m).mean():.1%} of pairs connected)")

    stations = [(net.lon[k], net.lat[k]) for k in rng.choice(net.n_nodes, 50, replace=False)]
    pts = rng.choice(net.n_nodes, 20_000, replace=False)
    cov, t_cov = timed(lambda: coverage.coverage(net, stations, net.lon[pts], net.lat[pts],
                                                 rng.integers(10, 500, len(pts)), minutes=5), repeat=3)
    print(f"coverage, 50 stations, 5 min:   {t_cov * 1000:8.0f} ms  (share reached {cov.share:.1%}, "
          f"{len(cov.gaps):,} gap points)")

    wh = rng.choice(net.n_nodes, 100, replace=False)
    places = rng.choice(net.n_nodes, 1000, replace=False)
    travel_s, t_travel = timed(lambda: routing.matrix(net, wh, places))
    travel_h = travel_s / 3600 + 0.5  # loading and unloading
    materials = [f"M{k:02d}" for k in range(20)]
    supplies = [allocation.Supply(f"W{i}-{mat}", mat, int(rng.integers(0, 400)), float(rng.choice([0, 0, 0, 6])))
                for i in range(100) for mat in materials]
    demands = [allocation.Demand(f"P{j}-{mat}", mat, int(rng.integers(0, 30)), float(rng.choice([4, 12, 24])),
                                 float(rng.choice([1, 2, 3])))
               for j in range(1000) for mat in materials]
    s_at = np.repeat(np.arange(100), 20)
    d_at = np.repeat(np.arange(1000), 20)
    full = travel_h[s_at][:, d_at]
    plan, t_alloc = timed(lambda: allocation.allocate(supplies, demands, full))
    need = sum(d.quantity for d in demands)
    unmet = sum(q for _, _, q, _ in plan.unmet)
    print(f"allocation 100 × 1,000 × 20:    {t_alloc * 1000:8.0f} ms  ({len(plan.shipments):,} shipments, "
          f"{(need - unmet) / need:.1%} of {need:,} units met; travel matrix {t_travel * 1000:.0f} ms before it)")


if __name__ == "__main__":
    main()
