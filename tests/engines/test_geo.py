"""Areas drawn on a map (core.geo): parsing with a named field in the error, and distances from an area."""

import json

import pytest
from shapely.geometry import Polygon

from yingji.core.framework import geo
from yingji.logistics.network import haversine_m

SQUARE = Polygon([(113.70, 28.10), (113.72, 28.10), (113.72, 28.12), (113.70, 28.12)])


def test_an_area_is_a_polygon_or_a_circle_and_errors_name_the_field():
    assert geo.parse_area(json.dumps(SQUARE.__geo_interface__)).equals(SQUARE)
    circle = geo.parse_area('{"circle": [113.7, 28.1, 2]}')
    assert circle.contains(SQUARE.centroid)  # 1.5 km from the centre
    assert not circle.contains(Polygon([(113.72, 28.11), (113.73, 28.11), (113.73, 28.12)]).centroid)  # 2.8 km
    with pytest.raises(ValueError, match="^影响范围不是有效的 JSON"):
        geo.parse_area("{", "影响范围")
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValueError, match="^影响范围应为有效的多边形"):
        geo.parse_area(json.dumps(bow_tie), "影响范围")


def test_distance_from_an_area_is_zero_inside_and_matches_great_circle_outside():
    reach = geo.AreaReach(SQUARE)
    east = 113.72 + 0.03  # 0.03° east of the east edge, at the square's middle latitude
    km = reach.km([113.71, east, 113.71], [28.11, 28.11, 28.14])
    assert km[0] == 0.0
    assert km[1] == pytest.approx(haversine_m(113.72, 28.11, [east], [28.11])[0] / 1000, rel=0.005)
    assert km[2] == pytest.approx(haversine_m(113.71, 28.12, [113.71], [28.14])[0] / 1000, rel=0.005)
    grown = reach.buffer(2.0)
    assert grown.contains(SQUARE) and grown.bounds[3] == pytest.approx(28.12 + 2 / geo.KM_PER_DEGREE, abs=1e-6)
