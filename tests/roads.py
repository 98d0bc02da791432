"""A hand-checkable road for the dispatch tests (fixtures `road` and `places` in conftest.py).

One two-way road along latitude 28.0 from 113.70 to 113.80 with a node every 0.01° (about 983 m)
at 36 km/h (10 m/s): node to node 98.3 s. Village 大瑶村 is centred on the node at 113.77 and 金刚村
on the node at 113.70, so times between them and stations on nodes are sums of whole segments.
"""

from yingji.logistics.network import haversine_m

LAT = 28.0
NODES = [round(113.70 + k / 100, 2) for k in range(11)]


def seconds(lon_a, lon_b):
    """Road seconds between two nodes on the hand road."""
    lo, hi = sorted((lon_a, lon_b))
    stops = [x for x in NODES if lo <= x <= hi]
    return sum(float(haversine_m(a, LAT, b, LAT)) / 10.0 for a, b in zip(stops[:-1], stops[1:], strict=True))


def square(lon, lat, half=0.002):
    return {"type": "Polygon", "coordinates": [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
                                                [lon - half, lat + half], [lon - half, lat - half]]]}
