"""Road networks as sparse graphs of travel times (pure: no Django).

A network is built from OpenStreetMap data (an ``.osm.pbf`` extract read with pyosmium) or from
GeoJSON LineStrings. Each segment's travel time comes from its road class (``SPEED_KMH``) unless
the way gives ``maxspeed``; one-way streets (``oneway=yes/1/true/-1``, roundabouts and motorways)
get an arc in one direction only. Shortest paths run on the result with SciPy's compiled
``csgraph`` routines, never a hand-written Dijkstra.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8
# Free-flow speeds for emergency vehicles by OSM road class, km/h (county roads in China: 国道 ≈ trunk/primary,
# 省道 ≈ secondary, 县道 ≈ tertiary, 乡道/村道 ≈ unclassified/residential).
SPEED_KMH = {
    "motorway": 90, "motorway_link": 50, "trunk": 70, "trunk_link": 40, "primary": 55, "primary_link": 35,
    "secondary": 45, "secondary_link": 30, "tertiary": 35, "tertiary_link": 25, "unclassified": 25,
    "residential": 20, "living_street": 10, "service": 15, "road": 25, "track": 12,
}
ONE_WAY_BY_DEFAULT = {"motorway", "motorway_link"}


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres (arrays or scalars)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(x, dtype=float)) for x in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def speed_of(highway: str, maxspeed: str | None = None) -> float | None:
    """km/h for a way, or None when the class is not for vehicles (footway, cycleway …)."""
    base = SPEED_KMH.get(highway)
    if base is None:
        return None
    if maxspeed:
        try:
            given = float(str(maxspeed).split()[0])
            if "mph" in str(maxspeed):
                given *= 1.609
            if 5 <= given <= 150:
                return given
        except ValueError:
            pass
    return float(base)


def direction(tags: dict) -> int:
    """+1 forward only, -1 backward only, 0 both ways."""
    oneway = str(tags.get("oneway", "")).lower()
    if oneway in ("yes", "1", "true"):
        return 1
    if oneway == "-1":
        return -1
    if oneway in ("no", "0", "false"):
        return 0
    if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") in ONE_WAY_BY_DEFAULT:
        return 1
    return 0


@dataclass
class RoadNetwork:
    lon: np.ndarray  # (n,) node coordinates
    lat: np.ndarray
    graph: sparse.csr_matrix  # (n, n) travel time in seconds on arc i → j
    length_m: sparse.csr_matrix  # (n, n) arc length in metres, same pattern
    source: str = ""
    _tree: cKDTree | None = field(default=None, repr=False)

    @cached_property
    def reverse_graph(self) -> sparse.csr_matrix:
        """Arcs turned round, for times *to* a place; built once per network."""
        return self.graph.T.tocsr()

    @property
    def n_nodes(self) -> int:
        return len(self.lon)

    @property
    def n_arcs(self) -> int:
        return self.graph.nnz

    def _xy(self, lon, lat):
        # Local equirectangular metres around the network's middle: good enough to pick the nearest node.
        lat0 = math.radians(float(np.mean(self.lat))) if self.n_nodes else 0.0
        return np.column_stack([np.radians(lon) * EARTH_RADIUS_M * math.cos(lat0), np.radians(lat) * EARTH_RADIUS_M])

    def snap(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node of each point and its distance in metres."""
        if self._tree is None:
            self._tree = cKDTree(self._xy(self.lon, self.lat))
        lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
        _, idx = self._tree.query(self._xy(lon, lat))
        return idx, haversine_m(lon, lat, self.lon[idx], self.lat[idx])


class NetworkError(ValueError):
    """A road network that cannot be built or used, with the reason in Chinese."""


def build(segments: list[tuple[list[tuple[float, float]], float, int]], source: str = "") -> RoadNetwork:
    """From ways given as (coordinates, speed km/h, direction): nodes are shared where ways share a
    coordinate (rounded to 1e-7°, about 1 cm)."""
    index: dict[tuple[int, int], int] = {}
    lons: list[float] = []
    lats: list[float] = []
    a_list, b_list, speeds, dirs = [], [], [], []
    for coords, speed, way_dir in segments:
        ids = []
        for lon, lat in coords:
            key = (round(lon * 1e7), round(lat * 1e7))
            if key not in index:
                index[key] = len(lons)
                lons.append(lon)
                lats.append(lat)
            ids.append(index[key])
        for a, b in zip(ids[:-1], ids[1:], strict=True):
            if a != b:
                a_list.append(a)
                b_list.append(b)
                speeds.append(speed)
                dirs.append(way_dir)
    if not a_list:
        raise NetworkError("路网中没有可通行的道路（需要带 highway 道路等级的线要素）")
    lon, lat = np.array(lons), np.array(lats)
    a, b = np.array(a_list), np.array(b_list)
    speed, way_dir = np.array(speeds, dtype=float), np.array(dirs)
    metres = haversine_m(lon[a], lat[a], lon[b], lat[b])
    seconds = metres / (speed / 3.6)
    fwd, bwd = way_dir >= 0, way_dir <= 0
    rows = np.concatenate([a[fwd], b[bwd]])
    cols = np.concatenate([b[fwd], a[bwd]])
    secs = np.concatenate([seconds[fwd], seconds[bwd]])
    lens = np.concatenate([metres[fwd], metres[bwd]])
    n = len(lon)
    # Parallel arcs between the same two nodes: keep the fastest (sum_duplicates would add them).
    order = np.lexsort((secs, cols, rows))
    rows, cols, secs, lens = rows[order], cols[order], secs[order], lens[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
    rows, cols, secs, lens = rows[first], cols[first], secs[first], lens[first]
    secs = np.maximum(secs, 1e-3)  # csgraph reads an explicit 0 as "no arc"
    graph = sparse.csr_matrix((secs, (rows, cols)), shape=(n, n))
    length = sparse.csr_matrix((lens, (rows, cols)), shape=(n, n))
    return RoadNetwork(lon, lat, graph, length, source)


def from_geojson(doc: dict, source: str = "GeoJSON") -> RoadNetwork:
    """LineString/MultiLineString features with properties ``highway`` (or ``speed_kmh``),
    optional ``maxspeed`` and ``oneway``."""
    segments = []
    for i, feature in enumerate(doc.get("features", [])):
        geom, props = feature.get("geometry") or {}, feature.get("properties") or {}
        lines = {"LineString": [geom.get("coordinates")], "MultiLineString": geom.get("coordinates")}.get(geom.get("type"))
        if not lines:
            continue
        speed = props.get("speed_kmh") or speed_of(str(props.get("highway", "road")), props.get("maxspeed"))
        if not speed:
            continue
        try:
            for line in lines:
                segments.append(([(float(x), float(y)) for x, y, *_ in line], float(speed), direction(props)))
        except (TypeError, ValueError):
            raise NetworkError(f"第 {i + 1} 个要素的坐标无效") from None
    return build(segments, source)


def from_osm(path: str) -> RoadNetwork:
    """Drivable ways of an OpenStreetMap extract (.osm.pbf / .osm / .osm.bz2) read with pyosmium."""
    import osmium

    segments = []

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            tags = {t.k: t.v for t in w.tags}
            speed = speed_of(tags.get("highway", ""), tags.get("maxspeed"))
            if speed is None or tags.get("access") in ("no", "private") or tags.get("area") == "yes":
                return
            coords = [(n.lon, n.lat) for n in w.nodes if n.location.valid()]
            if len(coords) >= 2:
                segments.append((coords, speed, direction(tags)))

    try:
        Ways().apply_file(str(path), locations=True)
    except RuntimeError as exc:
        raise NetworkError(f"无法读取 OSM 文件：{exc}") from None
    return build(segments, f"OSM {path}")
