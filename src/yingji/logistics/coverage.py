"""Coverage: isochrones, the share of population reached within a time, and gaps (pure).

Demand is given as weighted points (village centres with population, built-up cells with area);
the plan indicators are shares of that weight: 消防救援 5 分钟响应覆盖率 (≥ 75 % in the plans),
the 15-minute rapid-response circle, and 12-hour material arrival.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from yingji.logistics.network import RoadNetwork
from yingji.logistics.routing import ACCESS_KMH, straight

ISOCHRONE_BUFFER_M = 150  # roadside band counted as reached


def times_from_nearest(net: RoadNetwork | None, origins: list[tuple[float, float]], points_lon, points_lat,
                       limit: float = np.inf) -> tuple[np.ndarray, str]:
    """Seconds from the nearest origin to each point, and the method used ("road"/"straight_line")."""
    p_lon, p_lat = np.asarray(points_lon, dtype=float), np.asarray(points_lat, dtype=float)
    if not origins:
        return np.full(len(p_lon), np.inf), "road"
    o_lon, o_lat = np.array([o[0] for o in origins]), np.array([o[1] for o in origins])
    if net is None:
        secs, _ = straight(o_lon[:, None], o_lat[:, None], p_lon[None, :], p_lat[None, :])
        return secs.min(axis=0), "straight_line"
    # Stations and warehouses sit on roads: they start at their nearest node. One multi-source search
    # gives every node's time from its nearest origin; each point adds its own access leg.
    o_node, _ = net.snap(o_lon, o_lat)
    p_node, p_gap = net.snap(p_lon, p_lat)
    base = dijkstra(net.graph, directed=True, indices=np.unique(o_node), limit=limit, min_only=True)
    return base[p_node] + p_gap / (ACCESS_KMH / 3.6), "road"


@dataclass
class Coverage:
    minutes: float
    share: float  # of the weight reached in time, 0..1
    reached_weight: float
    total_weight: float
    gaps: list  # indices of points not reached in time, slowest first
    seconds: np.ndarray
    method: str


def coverage(net: RoadNetwork | None, origins, points_lon, points_lat, weights, minutes: float) -> Coverage:
    secs, method = times_from_nearest(net, origins, points_lon, points_lat)
    w = np.asarray(weights, dtype=float)
    ok = secs <= minutes * 60
    total = float(w.sum())
    gaps = [int(i) for i in np.argsort(-np.where(ok, -np.inf, secs)) if not ok[i]]
    return Coverage(minutes, float(w[ok].sum() / total) if total else 0.0, float(w[ok].sum()), total, gaps, secs, method)


def isochrone(net: RoadNetwork, origins: list[tuple[float, float]], minutes: float):
    """The area reachable within ``minutes`` from any origin: reached road segments (partly reached
    ones cut where time runs out) with a roadside band, as one Shapely geometry in degrees."""
    limit = minutes * 60.0
    o_node, _ = net.snap([o[0] for o in origins], [o[1] for o in origins])
    t = dijkstra(net.graph, directed=True, indices=np.unique(o_node), limit=limit, min_only=True)
    coo = net.graph.tocoo()
    start_t = t[coo.row]
    reached = np.isfinite(start_t)
    rows, cols, secs = coo.row[reached], coo.col[reached], coo.data[reached]
    frac = np.clip((limit - t[rows]) / secs, 0, 1)
    # A two-way road fully reached from both ends is one piece of ground: keep it once.
    full = frac >= 1
    keep = ~full | (rows < cols) | ~_has_reverse(rows, cols, full)
    rows, cols, frac = rows[keep], cols[keep], frac[keep]
    x0, y0 = net.lon[rows], net.lat[rows]
    x1 = x0 + (net.lon[cols] - x0) * frac
    y1 = y0 + (net.lat[cols] - y0) * frac
    moved = (x0 != x1) | (y0 != y1)
    segments = shapely.linestrings(np.stack([np.c_[x0, y0], np.c_[x1, y1]], axis=1)[moved])
    deg = ISOCHRONE_BUFFER_M / 111_320.0
    # Buffer each segment, then one union (far faster than buffering the union of thousands of lines).
    return shapely.union_all(shapely.buffer(segments, deg, quad_segs=2))


def _has_reverse(rows: np.ndarray, cols: np.ndarray, full: np.ndarray) -> np.ndarray:
    """For each arc, whether its reverse arc is also fully reached."""
    n = int(max(rows.max(initial=0), cols.max(initial=0))) + 1
    keys = rows.astype(np.int64) * n + cols
    reverse = cols.astype(np.int64) * n + rows
    return np.isin(reverse, keys[full])
