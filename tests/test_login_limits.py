"""Failed-login limits (django-axes, core/framework/logins.py) on the login page and /api/token/."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from yingji import cli

RIGHT, WRONG = "pw-for-tests-1", "not-the-password"
LOCKED = "登录失败次数过多"


def login(client, username, password, ip="10.0.0.1", **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def token(client, username, password, ip="10.0.0.1"):
    return client.post("/api/token/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_refuses_the_right_password_after_too_many_wrong_ones(client, users, settings):
    for _ in range(settings.LOGIN_FAILURES - 1):
        assert login(client, "staff", WRONG).status_code == 200  # the form again, with its error
    locked = login(client, "staff", WRONG)  # the last allowed failure already answers with the lockout
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    refused = login(client, "staff", RIGHT)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert "15 分钟后再试" in refused.content.decode()
    assert not logged_in(client)
    # Per account *and* address: the same person from another address still gets in.
    assert login(client, "staff", RIGHT, ip="10.0.0.2").status_code == 302 and logged_in(client)


def test_token_endpoint_is_limited_and_answers_json(client, users, settings):
    for _ in range(settings.LOGIN_FAILURES - 1):
        response = token(client, "staff", WRONG)
        assert response.status_code == 400 and "non_field_errors" in response.json()
    assert token(client, "staff", WRONG).status_code == 429
    refused = token(client, "staff", RIGHT)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json") and LOCKED in refused.json()["detail"]
    assert not Token.objects.filter(user=users["staff"]).exists()
    # The two endpoints share the count: the login page is closed to this account here too.
    assert login(client, "staff", RIGHT).status_code == 429


def test_one_address_is_limited_across_accounts(client, users, settings):
    settings.LOGIN_ADDRESS_FAILURES = 6
    for name in ("staff", "leader", "readonly"):
        for _ in range(2):
            login(client, name, WRONG, ip="10.0.0.7")
    refused = login(client, "township_a", RIGHT, ip="10.0.0.7")  # never mistyped, but from that address
    assert refused.status_code == 429 and not logged_in(client)
    assert login(client, "township_a", RIGHT, ip="10.0.0.8").status_code == 302


def test_one_account_is_limited_across_addresses(client, users, settings):
    settings.LOGIN_ACCOUNT_FAILURES = 6
    for n in range(3):
        for _ in range(2):
            login(client, "leader", WRONG, ip=f"10.0.1.{n}")
    assert login(client, "leader", RIGHT, ip="10.0.1.99").status_code == 429
    assert not logged_in(client)


def test_unlock_with_the_yingji_command(client, users, settings, monkeypatch):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's transaction
    for _ in range(settings.LOGIN_FAILURES):
        login(client, "staff", WRONG)
    assert login(client, "staff", RIGHT).status_code == 429
    cli.main(["unlock", "staff"])  # → axes_reset_username
    assert login(client, "staff", RIGHT).status_code == 302 and logged_in(client)
    client.logout()
    for _ in range(settings.LOGIN_FAILURES):
        login(client, "staff", WRONG, ip="10.0.0.3")
    assert login(client, "staff", RIGHT, ip="10.0.0.3").status_code == 429
    cli.main(["axes_reset_ip", "10.0.0.3"])
    assert login(client, "staff", RIGHT, ip="10.0.0.3").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, users, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.LOGIN_FAILURES):
        login(client, "staff", WRONG)
    assert login(client, "staff", RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert login(client, "staff", RIGHT).status_code == 302


def test_a_good_login_clears_the_count(client, users, settings):
    for _ in range(settings.LOGIN_FAILURES - 1):
        login(client, "staff", WRONG)
    assert login(client, "staff", RIGHT).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURES - 1):
        login(client, "staff", WRONG)
    assert login(client, "staff", RIGHT).status_code == 302  # not locked: the count restarted


@pytest.mark.parametrize("forwarded", ["203.0.113.5", "198.51.100.1, 203.0.113.5"])
def test_behind_the_trusted_proxy_each_citizen_has_an_own_count(client, users, settings, forwarded):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(settings.LOGIN_FAILURES):
        login(client, "staff", WRONG, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert login(client, "staff", RIGHT, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code == 429
    # Another client behind the same proxy is not locked out with the first.
    assert login(client, "staff", RIGHT, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77").status_code == 302


def test_force_login_is_not_counted(client, users):
    from axes.models import AccessAttempt

    client.force_login(users["staff"])
    assert client.get("/").status_code == 200
    assert not AccessAttempt.objects.exists()
