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
    graph = net.graph.T.tocsr() if reverse else net.graph
    return dijkstra(graph, directed=True, indices=int(node), limit=limit, return_predecessors=predecessors)


def nearest(net: RoadNetwork | None, lon: float, lat: float, candidates: list[dict], n: int = 5,
            with_routes: bool = True) -> list[Leg]:
    """The ``n`` candidates (dicts with ``id``, ``lon``, ``lat``) that reach the point soonest."""
    if not candidates:
        return []
    c_lon = np.array([c["lon"] for c in candidates], dtype=float)
    c_lat = np.array([c["lat"] for c in candidates], dtype=float)
    s_secs, s_metres = straight(c_lon, c_lat, lon, lat)
    if net is None or net.n_nodes == 0:
        order = np.argsort(s_secs, kind="stable")[:n]
        return [Leg(candidates[i]["id"], float(s_secs[i]), float(s_metres[i]), "straight_line",
                    [(c_lon[i], c_lat[i]), (lon, lat)]) for i in order]
    (p_node,), (p_gap,) = net.snap([lon], [lat])
    c_node, c_gap = net.snap(c_lon, c_lat)
    # One search on the reversed graph gives every node's time *to* the place, and the next hop.
    to_place, pred = one_to_all(net, p_node, reverse=True, predecessors=True)
    to_place_m = _path_lengths(net, pred, c_node)
    access = (c_gap + p_gap) / (ACCESS_KMH / 3.6)
    road_secs = to_place[c_node] + access
    reachable = np.isfinite(road_secs)
    secs = np.where(reachable, road_secs, s_secs)
    order = np.argsort(secs, kind="stable")[:n]
    legs = []
    for i in order:
        if reachable[i]:
            line = [(c_lon[i], c_lat[i])] + _walk(net, pred, int(c_node[i])) + [(lon, lat)] if with_routes else []
            legs.append(Leg(candidates[i]["id"], float(secs[i]), float(to_place_m[i] + c_gap[i] + p_gap), "road", line))
        else:
            legs.append(Leg(candidates[i]["id"], float(s_secs[i]), float(s_metres[i]), "straight_line",
                            [(c_lon[i], c_lat[i]), (lon, lat)]))
    return legs


def _walk(net: RoadNetwork, pred: np.ndarray, node: int) -> list[tuple[float, float]]:
    """Nodes from ``node`` to the search root following reversed-search predecessors (next hops)."""
    out = []
    while node >= 0:
        out.append((float(net.lon[node]), float(net.lat[node])))
        node = int(pred[node])
    return out


def _path_lengths(net: RoadNetwork, pred: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    lengths = np.zeros(len(nodes))
    for k, node in enumerate(nodes):
        node, total = int(node), 0.0
        while pred[node] >= 0:
            total += net.length_m[node, int(pred[node])]
            node = int(pred[node])
        lengths[k] = total
    return lengths


def matrix(net: RoadNetwork, sources: np.ndarray, targets: np.ndarray, limit: float = np.inf) -> np.ndarray:
    """Seconds from each source node to each target node (inf where not connected)."""
    sources = np.asarray(sources, dtype=int)
    targets = np.asarray(targets, dtype=int)
    if len(sources) <= len(targets):
        return dijkstra(net.graph, directed=True, indices=sources, limit=limit)[:, targets]
    return dijkstra(net.graph.T.tocsr(), directed=True, indices=targets, limit=limit)[:, sources].T


def route(net: RoadNetwork, a: int, b: int) -> tuple[float, list[tuple[float, float]]]:
    """Fastest path from node ``a`` to node ``b``: (seconds, line); (inf, []) when not connected."""
    dist, pred = one_to_all(net, a, predecessors=True)
    if not np.isfinite(dist[b]):
        return float("inf"), []
    path, node = [], b
    while node >= 0:
        path.append((float(net.lon[node]), float(net.lat[node])))
        node = int(pred[node])
    return float(dist[b]), path[::-1]
