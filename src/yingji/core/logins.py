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
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

# The order of settings.AXES_LOCKOUT_PARAMETERS: account+address, address, account.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]


def limits() -> list[int]:
    return [settings.LOGIN_FAILURES, settings.LOGIN_ADDRESS_FAILURES, settings.LOGIN_ACCOUNT_FAILURES]


class LoginLimitHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit (AXES_FAILURE_LIMIT, the account+address
    limit); this reports a count that has reached that limit as soon as any of the three counts
    reaches its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        counts = [sum(qs.values_list("failures_since_start", flat=True)) for qs in
                  self.get_user_attempts(request, credentials)]
        found = counts[0] if counts else 0
        for count, limit in zip(counts[1:], limits()[1:], strict=False):
            if count >= limit:
                found = max(found, base)
        return found


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

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):  # set by axes on this (DRF) request
            return Response({"detail": message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if not valid:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
