"""Travel times, nearest resources, matrices and routes on a road network (pure: no Django).

Shortest paths come from ``scipy.sparse.csgraph.dijkstra`` (compiled). Points off the network are
snapped to the nearest node and the gap is covered at ``ACCESS_KMH``. Without a network, or where
the network does not connect two points, a straight-line estimate at ``STRAIGHT_KMH`` is given
instead and labelled ``method="straight_line"`` so no one mistakes it for a road time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import dijkstra

from yingji.logistics.network import RoadNetwork, haversine_m

ACCESS_KMH = 20.0  # from a point to its nearest road node (yard, village lane)
STRAIGHT_KMH = 40.0  # straight-line fallback: as the crow flies at 40 km/h


@dataclass
class Leg:
    id: object
    seconds: float
    metres: float
    method: str  # "road" | "straight_line"
    line: list = field(default_factory=list)  # [(lon, lat), …] from the resource to the place

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0


def straight(lon1, lat1, lon2, lat2) -> tuple[np.ndarray, np.ndarray]:
    metres = haversine_m(lon1, lat1, lon2, lat2)
    return metres / (STRAIGHT_KMH / 3.6), metres


def one_to_all(net: RoadNetwork, node: int, *, reverse: bool = False, limit: float = np.inf,
               predecessors: bool = False):
    """Seconds from ``node`` to every node (``reverse``: from every node to ``node``)."""
    graph = net.reverse_graph if reverse else net.graph
    return dijkstra(graph, directed=True, indices=int(node), limit=limit, return_predecessors=predecessors)


def nearest(net: RoadNetwork | None, lon: float, lat: float, candidates: list[dict], n: int = 5,
            with_routes: bool = True) -> list[Leg]:
    """The ``n`` candidates (dicts with ``id``, ``lon``, ``lat``) that reach the point soonest."""
    if not candidates:
        return []
    c_lon = np.array([c["lon"] for c in candidates], dtype=float)
    c_lat = np.array([c["lat"] for c in candidates], dtype=float)
    s_secs, s_metres = straight(c_lon, c_lat, lon, lat)

    def straight_leg(i):
        return Leg(candidates[i]["id"], float(s_secs[i]), float(s_metres[i]), "straight_line",
                   [(c_lon[i], c_lat[i]), (lon, lat)])

    if net is None or net.n_nodes == 0:
        return [straight_leg(i) for i in np.argsort(s_secs, kind="stable")[:n]]
    (p_node,), (p_gap,) = net.snap([lon], [lat])
    c_node, c_gap = net.snap(c_lon, c_lat)
    # One search on the reversed graph gives every node's time *to* the place, and the next hop.
    to_place, pred = one_to_all(net, p_node, reverse=True, predecessors=True)
    road_secs = to_place[c_node] + (c_gap + p_gap) / (ACCESS_KMH / 3.6)
    reachable = np.isfinite(road_secs)
    secs = np.where(reachable, road_secs, s_secs)
    legs = []
    for i in np.argsort(secs, kind="stable")[:n]:  # paths are walked for the returned few only
        if not reachable[i]:
            legs.append(straight_leg(i))
            continue
        path = _path(pred, int(c_node[i]))
        metres = _path_metres(net, path) + c_gap[i] + p_gap
        line = ([(c_lon[i], c_lat[i])] + _coords(net, path) + [(lon, lat)]) if with_routes else []
        legs.append(Leg(candidates[i]["id"], float(secs[i]), float(metres), "road", line))
    return legs


def _path_metres(net, path: list[int]) -> float:
    """Length of a node path; a resource on the place's own node has travelled no road at all."""
    if len(path) < 2:
        return 0.0
    return float(np.asarray(net.length_m[path[:-1], path[1:]]).sum())


def _path(pred: np.ndarray, node: int) -> list[int]:
    """Nodes from ``node`` back to the search root, following predecessors."""
    out = []
    while node >= 0:
        out.append(node)
        node = int(pred[node])
    return out


def _coords(net: RoadNetwork, path: list[int]) -> list[tuple[float, float]]:
    return list(zip(net.lon[path].tolist(), net.lat[path].tolist(), strict=True))


def matrix(net: RoadNetwork, sources: np.ndarray, targets: np.ndarray, limit: float = np.inf) -> np.ndarray:
    """Seconds from each source node to each target node (inf where not connected)."""
    sources = np.asarray(sources, dtype=int)
    targets = np.asarray(targets, dtype=int)
    if len(sources) <= len(targets):
        return dijkstra(net.graph, directed=True, indices=sources, limit=limit)[:, targets]
    return dijkstra(net.reverse_graph, directed=True, indices=targets, limit=limit)[:, sources].T


def route(net: RoadNetwork, a: int, b: int) -> tuple[float, list[tuple[float, float]]]:
    """Fastest path from node ``a`` to node ``b``: (seconds, line); (inf, []) when not connected."""
    dist, pred = one_to_all(net, a, predecessors=True)
    if not np.isfinite(dist[b]):
        return float("inf"), []
    return float(dist[b]), _coords(net, _path(pred, b)[::-1])
