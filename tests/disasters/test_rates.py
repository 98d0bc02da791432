"""The reporting-rate dashboard (DHIS2's expected / received / on time, via rates.py) on a worked
example, by level and township, filtered by type and period, scoped for a township user; and the 灾情
map attribute of the region layer."""

import datetime

import pytest

from yingji.disasters.models import DisasterDeadline, DisasterEvent, DisasterReport

ZONE = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour, minute=0):
    return datetime.datetime(2026, *day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def example(tree):
    """E1, a flood on 2026-06-10 learned at 08:00: 大瑶镇 sent at 08:40 (due 09:00, on time), 金刚镇 at
    09:30 (late), the county's 初报 at 09:50 (due 10:00, on time), its first 续报 (due 06-17) never.
    E2, a landslide on 2026-07-01: 大瑶镇 never sent (due 07-01 15:00); the county's 初报 is due in the
    future, so not yet expected."""
    square = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.9, 27.9], [113.9, 28.0], [113.7, 28.0],
                                                  [113.7, 27.9]]]}
    for key in ("a", "b"):
        tree[key].geometry = square
        tree[key].save()
    e1 = DisasterEvent.objects.create(name="6·10 暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 10),
                                      learned_at=at((6, 10), 8), region=tree["county"])
    e2 = DisasterEvent.objects.create(name="7·1 滑坡", disaster_type="landslide", onset_date=datetime.date(2026, 7, 1),
                                      learned_at=at((7, 1), 14), region=tree["county"])
    for event, town, seq, state, figures in [
        (e1, "a", 1, "submitted", {"affected_population": 100, "direct_loss": 1000000}),
        (e1, "a", 2, "accepted", {"affected_population": 150, "direct_loss": 2000000}),
        (e1, "b", 1, "submitted", {"affected_population": 80}),
        (e1, "b", 2, "draft", {"affected_population": 999}),  # not sent: not on the map
        (e2, "a", 1, "submitted", {"affected_population": 20}),
    ]:
        DisasterReport.objects.create(event=event, kind="initial" if seq == 1 else "followup", sequence=seq,
                                      level="township", region=tree[town], figures=figures, state=state)
    # The example's clocks replace those the platform keeps for the events (services.sync_clocks).
    DisasterDeadline.objects.filter(event__in=[e1, e2]).delete()
    future = datetime.datetime.now(ZONE) + datetime.timedelta(days=3)
    for event, key, due, done in [
        (e1, "township:大瑶镇", at((6, 10), 9), at((6, 10), 8, 40)),
        (e1, "township:金刚镇", at((6, 10), 9), at((6, 10), 9, 30)),
        (e1, "initial:county", at((6, 10), 10), at((6, 10), 9, 50)),
        (e1, "followup-1", at((6, 17), 9, 50), None),
        (e2, "township:大瑶镇", at((7, 1), 15), None),
        (e2, "initial:county", future, None),
    ]:
        DisasterDeadline.objects.create(event=event, key=key, label=key, due_at=due, done_at=done)
    return {**tree, "e1": e1, "e2": e2}


def rows(body, part):
    return {r["township"] or r["level"]: (r["expected"], r["received"], r["on_time"], r["late"], r["missing"],
                                          r["rate"], r["on_time_rate"]) for r in body[part]}


def test_rates_by_level_and_township_as_dhis2_counts_them(example, users, api):
    body = api("staff").get("/api/disasters/reporting-rates/").json()
    assert body["events"] == 2
    assert rows(body, "levels") == {"township": (3, 2, 1, 1, 1, 66.7, 33.3), "county": (2, 1, 1, 0, 1, 50.0, 50.0)}
    assert rows(body, "townships") == {"大瑶镇": (2, 1, 1, 0, 1, 50.0, 50.0), "金刚镇": (1, 1, 0, 1, 0, 100.0, 0.0)}


def test_rates_follow_the_type_and_period_chosen(example, users, api):
    floods = api("staff").get("/api/disasters/reporting-rates/?type=flood").json()
    assert rows(floods, "levels")["township"] == (2, 2, 1, 1, 0, 100.0, 50.0)
    july = api("staff").get("/api/disasters/reporting-rates/?since=2026-07-01&until=2026-07-31").json()
    assert july["events"] == 1 and rows(july, "levels") == {"township": (1, 0, 0, 0, 1, 0.0, 0.0)}


def test_a_bad_selection_is_a_400_naming_the_parameter(example, users, api):
    client = api("staff")
    assert client.get("/api/disasters/reporting-rates/?since=2026-13-01").json() == {"since": ["日期格式应为 YYYY-MM-DD"]}
    assert "until" in client.get("/api/disasters/reporting-rates/?since=2026-07-02&until=2026-07-01").json()
    assert client.get("/api/disasters/reporting-rates/?type=volcano").status_code == 400


def test_a_township_user_sees_only_its_own_township(example, users, api):
    body = api("township_b").get("/api/disasters/reporting-rates/").json()
    assert rows(body, "levels") == {"township": (1, 1, 0, 1, 0, 100.0, 0.0)}
    assert list(rows(body, "townships")) == ["金刚镇"]


def test_the_page_shows_the_tables_and_the_maps_selection(example, users, web):
    page = web("staff").get("/disasters/rates/?type=flood&indicator=direct_loss").content.decode()
    assert 'data-unit="金刚镇"' in page and "100.0%" in page
    assert '"attribute": "disaster-direct_loss"' in page and '"regionQuery": "type=flood"' in page
    assert web("staff").get("/disasters/rates/?since=bad").status_code == 200  # the error is shown, not a 500


def test_the_map_colours_townships_by_the_latest_report_sent(example, users, api):
    def values(query):
        body = api("staff").get(f"/api/map/regions.geojson?level=township&{query}").json()
        return {f["properties"]["name"]: f["properties"][query.split("&")[0].split("=")[1]] for f in body["features"]}

    e1 = example["e1"].pk
    assert values(f"attribute=disaster-affected_population&event={e1}") == {"大瑶镇": 150, "金刚镇": 80}
    assert values("attribute=disaster-affected_population") == {"大瑶镇": 170, "金刚镇": 80}  # both events
    assert values(f"attribute=disaster-direct_loss&event={e1}") == {"大瑶镇": 200, "金刚镇": None}  # 万元
    bad = api("staff").get("/api/map/regions.geojson?level=township&attribute=disaster-deaths&until=x")
    assert bad.status_code == 400 and "until" in bad.json()
    mine = api("township_b").get("/api/map/regions.geojson?level=township&attribute=disaster-affected_population").json()
    assert [(f["properties"]["name"], f["properties"]["disaster-affected_population"]) for f in mine["features"]] == [
        ("金刚镇", 80)]
