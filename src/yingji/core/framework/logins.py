"""Limits on failed logins (django-axes), for the login page, the admin login and /api/token/.

Three counts, each with its own limit (YINGJI_LOGIN_*): one account from one address (a person
mistyping, or a guesser at one account), one address over all accounts (a guesser trying many
accounts), one account over all addresses (a guesser spread over many addresses). Reaching any of
them pauses logins of that kind for the cool-off; ``yingji unlock 用户名`` (axes_reset_username; or
``axes_reset_ip 地址`` / ``axes_reset``) unlocks before that. A successful login clears the count
of its account at its address.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


def limit_of(parameter) -> int:
    """The limit of one entry of settings.AXES_LOCKOUT_PARAMETERS."""
    if parameter == "ip_address":
        return settings.LOGIN_ADDRESS_FAILURES
    if parameter == "username":
        return settings.LOGIN_ACCOUNT_FAILURES
    return settings.LOGIN_FAILURES  # ["username", "ip_address"]: one account from one address


class LoginLimitHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit (AXES_FAILURE_LIMIT = YINGJI_LOGIN_FAILURES);
    this reports the account+address count, raised to that limit as soon as any other count reaches
    its own limit, so each count has its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        found = 0
        for parameter, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials),
                                       strict=True):
            count = sum(attempts.values_list("failures_since_start", flat=True))
            if isinstance(parameter, str):
                count = settings.AXES_FAILURE_LIMIT if count >= limit_of(parameter) else 0
            found = max(found, count)
        return found


def paused(username: str) -> bool:
    """Whether logins of account ``username`` are paused now, from one address or from all (an
    address paused for all its accounts is the address's, not the account's)."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    counts = list(attempts.values_list("failures_since_start", flat=True))
    return bool(counts) and (max(counts) >= settings.LOGIN_FAILURES or sum(counts) >= settings.LOGIN_ACCOUNT_FAILURES)


def unlock(username: str) -> int:
    """Clear the failed logins of account ``username`` (what ``yingji unlock`` does)."""
    from axes.utils import reset

    return reset(username=username)


def message() -> str:
    minutes = int(get_cool_off().total_seconds() // 60)
    return (f"登录失败次数过多，已暂停登录，请 {minutes} 分钟后再试；"
            "如需立即解锁，请联系系统管理员")


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer while locked: a Chinese page, 429."""
    return render(request, "lockout.html", {"message": message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)


class TokenView(ObtainAuthToken):
    """/api/token/: DRF's token view, answering a locked client with a JSON 429 (not a 400 that
    looks like a wrong password, and not the login page's HTML)."""

    @extend_schema(responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="用户名或密码错误"),
        429: OpenApiResponse(OpenApiTypes.OBJECT, description="登录失败次数过多，暂停登录（detail 为说明）"),
    })
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):  # set by axes on this (DRF) request
            return Response({"detail": message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if not valid:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        from rest_framework.authtoken.models import Token

        user = serializer.validated_data["user"]
        if getattr(user, "must_change_password", False):  # a one-time password opens the password page only
            return Response({"non_field_errors": ["该账号正在使用一次性密码：请先在登录页面登录并设置自己的密码"]},
                            status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
