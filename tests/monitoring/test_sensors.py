"""Sensors through the generic layer: their alarm rules are checked by the rule engine itself."""

from yingji.monitoring.models import Sensor


def make_point(api, orgs):
    response = api("staff").post("/api/monitoring-points/", {"name": "甲醇储罐区", "kind": "hazard_source",
                                                             "organization": orgs["a"].credit_code,
                                                             "region": "430181110001", "lon": 113.78, "lat": 27.98},
                                 format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_sensor_rules_are_validated_and_feed_the_engine(tree, orgs, users, api):
    point = make_point(api, orgs)
    staff = api("staff")
    body = {"device_id": "GAS-0001", "name": "可燃气体探测器1号", "point": str(point), "quantity": "combustible_gas",
            "level1": 40, "level2": 20}
    bad = staff.post("/api/sensors/", body, format="json")
    assert bad.status_code == 400 and bad.json()["level2"] == ["报警阈值应按严重程度依次升高"]
    gap = staff.post("/api/sensors/", {**body, "level1": None, "level2": 20}, format="json")
    assert gap.json()["level1"] == ["阈值须从一级开始依次填写，不能跳级"]
    ok = staff.post("/api/sensors/", {**body, "level1": 20, "level2": 40, "deadband": 2}, format="json")
    assert ok.status_code == 201, ok.json()
    sensor = Sensor.objects.get(device_id="GAS-0001")
    assert sensor.unit == "%LEL" and sensor.region.code == "430181110001" and sensor.organization == orgs["a"]
    assert sensor.rule() == {"thresholds": [20.0, 40.0], "rising": True, "deadband": 2.0, "min_duration_s": 0,
                             "max_rate_per_min": None, "interval_s": 60}
    from yingji.monitoring.rules import RuleSet

    assert RuleSet.build([sensor.rule()]).thresholds[0, :2].tolist() == [20.0, 40.0]


def test_the_measuring_range_is_validated_with_the_thresholds(tree, orgs, users, api):
    point = make_point(api, orgs)
    staff = api("staff")
    body = {"device_id": "GAS-0002", "name": "可燃气体探测器2号", "point": str(point), "quantity": "combustible_gas",
            "level1": 20, "level2": 40, "range_min": 100, "range_max": 0}
    upside_down = staff.post("/api/sensors/", body, format="json")
    assert upside_down.status_code == 400 and upside_down.json()["range_max"] == ["量程上限须大于量程下限"]
    narrow = staff.post("/api/sensors/", {**body, "range_min": 0, "range_max": 30}, format="json")
    assert narrow.status_code == 400 and "报警阈值 40 不在量程内" in narrow.json()["range_max"][0]
    ok = staff.post("/api/sensors/", {**body, "range_min": 0, "range_max": 100}, format="json")
    assert ok.status_code == 201, ok.json()
    sensor = Sensor.objects.get(device_id="GAS-0002")
    assert (sensor.range_min, sensor.range_max) == (0, 100)
