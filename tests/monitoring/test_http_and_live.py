"""HTTP batch ingest for gateways (auth, role, scope, located rejects), the series API, the live
event stream (scope, resume), and the monitoring pages."""

import json
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import make_user
from yingji.core.framework import live
from yingji.core.models import LiveEvent
from yingji.monitoring.models import Alarm, MonitoringPoint, Reading, Sensor

T0 = float(int(time.time()) // 60 * 60 - 3600)  # recent: older readings are refused
URL = "/api/ingest/readings/"


@pytest.fixture
def sensor_b(tree, orgs):
    point = MonitoringPoint.objects.create(name="金刚储罐", kind="hazard_source", organization=orgs["b"],
                                           region=tree["vb"], lon=113.86, lat=28.03)
    return Sensor.objects.create(device_id="GAS-B", name="可燃气体B", point=point, quantity="combustible_gas", level1=20)


@pytest.fixture
def gateway(orgs):
    user = make_user("gw_a", "gateway", organization=orgs["a"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_gateway_posts_a_batch_and_gets_each_refusal_located(sensor, sensor_b, gateway):
    res = post(gateway, {"readings": [{"device": "GAS-1", "ts": T0, "value": 5},
                                      {"device": "GAS-B", "ts": T0, "value": 5},
                                      {"device": "GAS-1", "ts": T0 + 60, "value": 30, "unit": "%LEL"},
                                      {"device": "GAS-1", "ts": "yesterday", "value": 1}]})
    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["received"], body["stored"], body["alarms"]["opened"]) == (4, 2, 1)
    assert {(r["index"], r["device"], r["reason"]) for r in body["rejected"]} == {
        (1, "GAS-B", "out_of_scope"), (3, "GAS-1", "bad_time")}
    assert Reading.objects.count() == 2 and Alarm.objects.get().sensor == sensor
    again = post(gateway, {"device": "GAS-1", "ts": T0, "value": 5}).json()
    assert (again["stored"], again["duplicates"]) == (0, 1)


def test_ingest_refuses_wrong_roles_and_all_bad_payloads(sensor, gateway, api):
    assert APIClient().post(URL, data="[]", content_type="application/json").status_code in (401, 403)
    assert post(api("readonly"), {"device": "GAS-1", "ts": T0, "value": 1}).status_code == 403
    bad = gateway.post(URL, data="{oops", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["rejected"][0]["reason"] == "bad_json"
    assert post(api("admin"), {"device": "GAS-1", "ts": T0, "value": 1}).json()["stored"] == 1


HTTP_POISON = {  # body → (reason, words the message must contain)
    "nul": (b'{"device": "GAS-1\\u0000", "ts": %d, "value": 1}', "bad_text", "device"),
    "400_digits": (b'{"device": "GAS-1", "ts": %d, "value": 1' + b"0" * 400 + b"}", "out_of_range", "位整数"),
    "ts_minus_1e13": (b'{"device": "GAS-1", "ts": -1e13, "value": 1}', "past_time", "早于"),
    "deep": (b'{"readings": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "bad_json", "嵌套"),
    "1e308": (b'{"device": "GAS-1", "ts": %d, "value": 1e308}', "out_of_range", "合理范围"),
}


@pytest.mark.parametrize("name", HTTP_POISON)
def test_poison_payloads_answer_400_with_the_reason(sensor, gateway, name):
    body, reason, words = HTTP_POISON[name]
    body = body.replace(b"%d", str(int(T0)).encode())
    res = gateway.post(URL, data=body, content_type="application/json")
    assert res.status_code == 400, res.content[:300]
    (rejected,) = res.json()["rejected"]
    assert rejected["reason"] == reason and words in rejected["message"]
    assert Reading.objects.count() == 0


def test_a_poison_reading_among_valid_ones_is_located_and_the_rest_stored(sensor, gateway):
    """As for every located refusal (docs/monitoring.md): 200 when anything was accepted."""
    import time

    now = time.time()
    body = json.dumps({"readings": [{"device": "GAS-1", "ts": now - 60, "value": 5},
                                     {"device": "GAS-1\u0000", "ts": now - 50, "value": 5},
                                     {"device": "GAS-1", "ts": now - 40, "value": 10 ** 400}]})
    res = gateway.post(URL, data=body, content_type="application/json")
    assert res.status_code == 200, res.content
    assert res.json()["stored"] == 1
    assert {(x["index"], x["reason"]) for x in res.json()["rejected"]} == {(1, "bad_text"), (2, "out_of_range")}


def test_series_api_is_scoped_and_returns_raw_points(sensor, sensor_b, gateway, api):
    import time

    now = time.time()
    post(gateway, [{"device": "GAS-1", "ts": now - 120 + i * 10, "value": float(i)} for i in range(5)])
    data = api("enterprise_a").get(f"/api/monitoring/sensors/{sensor.pk}/series/?minutes=60").json()
    assert data["resolution"] == "raw" and [p[1] for p in data["points"]] == [0, 1, 2, 3, 4]
    assert data["thresholds"] == [20, 40]
    from datetime import UTC, datetime

    from yingji.monitoring import storage

    storage.refresh_aggregates(datetime.fromtimestamp(now - 7200, tz=UTC), datetime.fromtimestamp(now + 60, tz=UTC))
    day = api("enterprise_a").get(f"/api/monitoring/sensors/{sensor.pk}/series/?minutes=2880").json()
    assert day["resolution"] == "minute" and sum(1 for _ in day["points"]) >= 1
    assert api("enterprise_a").get(f"/api/monitoring/sensors/{sensor_b.pk}/series/").status_code == 404


def read_stream(user, query):
    async def go():
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(f"/live/stream?{query}")
        assert response["Content-Type"] == "text/event-stream"
        return b"".join([chunk async for chunk in response.streaming_content]).decode()

    return async_to_sync(go)()


def test_live_stream_sends_only_in_scope_events_and_resumes(users, tree, orgs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live.publish("alarms", {"id": 1, "where": "A"}, region=tree["va"])
        live.publish("alarms", {"id": 2, "where": "B"}, region=tree["vb"])
        live.publish("warnings", {"id": 3, "where": "A"}, region=tree["a"])
    first = LiveEvent.objects.order_by("id").first().pk
    text = read_stream(users["township_a"], f"channels=alarms&max_s=0.3&after={first - 1}")
    assert '"where": "A"' in text and '"where": "B"' not in text and '"id": 3' not in text
    assert f"id: {first}\nevent: alarms\n" in text
    with django_capture_on_commit_callbacks(execute=True):
        live.publish("alarms", {"id": 4, "where": "org A"}, region=tree["va"], organization_id=orgs["a"].pk)
        live.publish("alarms", {"id": 5, "where": "org X"}, region=tree["va"], organization_id=orgs["b"].pk)
    mine = read_stream(users["enterprise_a"], f"channels=alarms&max_s=0.3&after={first - 1}")
    assert '"where": "org A"' in mine and '"where": "org X"' not in mine
    both = read_stream(users["admin"], f"channels=alarms,warnings&max_s=0.3&after={first}")  # resume after the first
    assert '"id": 1' not in both and '"id": 2' in both and '"id": 3' in both


@pytest.fixture
def private_redis(monkeypatch, tmp_path):
    """A Redis of the test's own (scripts/test.sh installs redis-server), set as the broker."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    monkeypatch.setenv("YINGJI_BROKER_URL", url)
    yield url
    proc.terminate()
    proc.wait(10)


def test_live_events_wake_every_web_worker_through_redis(private_redis, tree, django_capture_on_commit_callbacks):
    """With a Redis broker a committed event is announced on the pub/sub channel that each web
    worker's stream listens to, instead of every worker polling the table."""
    async def announced():
        pubsub = await live._subscribe()
        assert pubsub is not None, "the stream should listen on Redis when the broker is Redis"
        try:
            await pubsub.get_message(timeout=0.5)  # drain anything left; subscribed already
            await sync_to_async(publish_one)()
            for _ in range(20):
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                if message:
                    return message
        finally:
            await pubsub.aclose()

    def publish_one():
        with django_capture_on_commit_callbacks(execute=True):
            live.publish("alarms", {"id": 9}, region=tree["va"])

    message = async_to_sync(announced)()
    assert message["channel"].decode() == live.REDIS_CHANNEL
    assert int(message["data"]) == LiveEvent.objects.get().pk


def test_live_stream_needs_login(db):
    async def go():
        return (await AsyncClient().get("/live/stream")).status_code

    assert async_to_sync(go)() == 401


def test_monitoring_pages_render(sensor, web, gateway):
    post(gateway, {"device": "GAS-1", "ts": T0, "value": 45})
    page = web("enterprise_a").get("/monitoring/live/").content.decode()
    assert "报警值守台" in page and "可燃气体1号" in page and "2级" in page
    assert web("enterprise_a").get(f"/monitoring/sensors/{sensor.pk}/chart/").status_code == 200
    assert web("enterprise_a").get("/monitoring/dead-letters/").status_code == 403
    post(gateway, {"device": "NOPE", "ts": T0, "value": 1})
    letters = web("admin").get("/monitoring/dead-letters/?reason=unknown_device").content.decode()
    assert "设备 NOPE 未在传感器登记簿中登记" in letters
