"""Public tip-offs: no login, a tracking code, progress, rewards — and floods refused without storing."""

import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.models import Attachment
from yingji.hazards import public
from yingji.hazards.models import Hazard, TipOff

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def village_shape(tree):
    tree["va"].geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.8, 27.9], [113.8, 28.0],
                                                               [113.7, 28.0], [113.7, 27.9]]]}
    tree["va"].save()


def old_token(seconds=10):
    return signing.dumps(time.time() - seconds, salt="tip-off")


def post(client, ip="10.0.0.1", **fields):
    data = {"token": old_token(), "description": "某某厂仓库门口堆放大量烟花成品，消防通道被堵", "place": "大瑶村路口",
            "lon": "113.75", "lat": "27.95", "contact_name": "", "contact_phone": "", **fields}
    return client.post("/public/tip-off/", data, REMOTE_ADDR=ip)


def test_anyone_can_report_and_follow_progress(client, village_shape, users, api):
    assert client.get("/public/tip-off/").status_code == 200  # no login
    response = post(client, photos=[SimpleUploadedFile("现场.png", PNG, "image/png")])
    assert response.status_code == 200
    tip = TipOff.objects.get()
    assert tip.tracking_code in response.content.decode()
    hazard = tip.hazard
    assert (hazard.channel, hazard.state, hazard.region.code) == ("public_tip_off", "reported", "430181110001")
    assert Attachment.objects.get().record == hazard
    status = client.get("/public/tip-off/status/", {"code": tip.tracking_code.lower()}).content.decode()
    assert "已受理，等待核实" in status
    Hazard.objects.filter(pk=hazard.pk).update(measures="清理", responsible_person="李", deadline="2030-01-01")
    api("township_a").post(f"/api/hazards/{hazard.pk}/transitions/", {"name": "verify"}, format="json")
    assert "已核实，正在督促整改" in client.get("/public/tip-off/status/", {"code": tip.tracking_code}).content.decode()
    assert "没有找到这个查询码" in client.get("/public/tip-off/status/", {"code": "NOPE"}).content.decode()


def test_rewards_only_for_eligible_tip_offs(client, village_shape, users, api):
    post(client)
    tip = TipOff.objects.get()
    staff = api("staff")
    refused = staff.patch(f"/api/tip-offs/{tip.pk}/", {"reward_cny": "500"}, format="json")
    assert refused.json()["reward_cny"] == ["只有经核实符合奖励条件的举报才能登记奖励金额"]
    assert staff.patch(f"/api/tip-offs/{tip.pk}/", {"reward_eligible": True, "reward_cny": "500"},
                       format="json").status_code == 200
    assert "举报奖励 500.00 元" in client.get("/public/tip-off/status/", {"code": tip.tracking_code}).content.decode()
    assert staff.post("/api/tip-offs/", {}, format="json").status_code == 405  # arrive only from the public form
    client.force_login(users["staff"])
    assert client.get("/registry/tip-offs/new/").status_code == 403


@pytest.mark.parametrize("fields, message", [
    ({"website": "http://spam"}, "提交失败"),
    ({"token": "forged"}, "页面已过期"),
    ({"description": "太短"}, "请至少用 10 个字描述"),
    ({"lon": "120.5", "lat": "30.1"}, "所选位置不在本辖区内"),
    ({"photos": [SimpleUploadedFile("x.exe", b"MZ")]}, "不支持的文件类型 .exe"),
])
def test_bad_submissions_are_refused_and_store_nothing(client, village_shape, fields, message):
    response = post(client, **fields)
    assert message in response.content.decode()
    assert not TipOff.objects.exists() and not Hazard.objects.exists()


def test_too_fast_is_refused(client, village_shape):
    response = post(client, token=public.form_token())  # submitted the instant the form was served
    assert "提交过快" in response.content.decode()


def test_flood_from_one_client_is_cut_off(client, village_shape):
    for _ in range(public.PER_CLIENT_PER_HOUR):
        assert post(client, ip="10.9.9.9").status_code == 200
    response = post(client, ip="10.9.9.9")
    assert response.status_code == 429 and "太频繁" in response.content.decode()
    assert TipOff.objects.count() == public.PER_CLIENT_PER_HOUR
    assert post(client, ip="10.9.9.10").status_code == 200  # another client is unaffected
    assert TipOff.objects.exclude(client_hash=public.client_hash("10.9.9.9")).count() == 1
    assert "10.9.9" not in "".join(TipOff.objects.values_list("client_hash", flat=True))  # no raw IPs kept


def test_global_cap_holds_against_many_clients(client, village_shape, monkeypatch):
    monkeypatch.setattr(public, "ALL_CLIENTS_PER_HOUR", 2)
    assert post(client, ip="10.1.0.1").status_code == 200
    assert post(client, ip="10.1.0.2").status_code == 200
    assert "系统繁忙" in post(client, ip="10.1.0.3").content.decode()
    assert TipOff.objects.count() == 2
