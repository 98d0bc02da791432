"""Client addresses behind the configured trusted proxies (core/framework/net.py)."""

import pytest
from django.test import RequestFactory

from tests.hazards.test_tip_off import old_token, village_shape  # noqa: F401 (fixture)
from yingji import config
from yingji.core.framework.net import client_ip
from yingji.hazards import public
from yingji.hazards.models import TipOff


def address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    ([], "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # no proxies configured: the header is ignored
    (["127.0.0.1"], "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # from an untrusted peer: a spoof, ignored
    (["127.0.0.1"], "127.0.0.1", "203.0.113.5", "203.0.113.5"),
    (["127.0.0.1"], "127.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client wrote 1.2.3.4 itself
    (["127.0.0.1", "10.0.0.0/24"], "127.0.0.1", "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two proxies
    (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),  # the proxy itself, no header
    (["127.0.0.1"], "127.0.0.1", "garbage, 203.0.113.5", "203.0.113.5"),
    (["127.0.0.1"], "127.0.0.1", "203.0.113.5, garbage", "127.0.0.1"),  # unreadable last hop: not believed
    (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
])
def test_client_address(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert address(remote, forwarded) == expected


def test_bad_trusted_proxy_is_reported_by_check(monkeypatch):
    monkeypatch.setenv("YINGJI_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/33,nginx")
    problems = config.problems()
    assert "YINGJI_TRUSTED_PROXIES 中的 '10.0.0.0/33' 不是 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）" in problems
    assert "YINGJI_TRUSTED_PROXIES 中的 'nginx' 不是 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）" in problems


def post(client, ip, forwarded):
    data = {"token": old_token(), "description": "某某厂仓库门口堆放大量烟花成品，消防通道被堵", "place": "大瑶村路口",
            "lon": "113.75", "lat": "27.95", "contact_name": "", "contact_phone": ""}
    return client.post("/public/tip-off/", data, REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=forwarded)


def proxied(client, citizen, proxy="127.0.0.1"):
    return post(client, proxy, citizen)


def test_citizens_behind_the_trusted_proxy_are_limited_separately(client, village_shape, settings):  # noqa: F811
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(public.PER_CLIENT_PER_HOUR):
        assert proxied(client, "203.0.113.5").status_code == 200
    assert proxied(client, "203.0.113.5").status_code == 429  # that citizen has reached the limit
    assert proxied(client, "203.0.113.6").status_code == 200  # the next citizen is not blocked with them
    assert TipOff.objects.filter(client_hash=public.client_hash("203.0.113.6")).count() == 1


def test_a_direct_client_cannot_spoof_its_address(client, village_shape, settings):  # noqa: F811
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(public.PER_CLIENT_PER_HOUR):
        post(client, "198.51.100.9", f"203.0.113.{n}")
    response = post(client, "198.51.100.9", "203.0.113.200")
    assert response.status_code == 429  # each forged header was ignored: all counted to 198.51.100.9
    assert set(TipOff.objects.values_list("client_hash", flat=True)) == {public.client_hash("198.51.100.9")}
