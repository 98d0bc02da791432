"""Session limits (等保 2.0 practice: 登录连接超时自动退出) and the first thing a one-time password does.

- A session ends ``YINGJI_SESSION_HOURS`` after its sign-in, however busy, and after
  ``YINGJI_SESSION_IDLE_MINUTES`` without any request (0: no idle limit). An open page is not idle:
  its notification badge asks every 30 seconds. The next request finds the user signed out: a page
  goes to the login page with the reason, an API call gets 401.
- An account signed in with a one-time password (``must_change_password``) may only set its own
  password or sign out until it has; anything else leads to the password page (an API call: 403).
  API tokens are not sessions: ``/api/token/`` refuses such an account instead (logins.TokenView).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

SIGNED_IN = "_yingji_signed_in"
SEEN = "_yingji_seen"
SEEN_EVERY_S = 60  # the last request's time is written at most once a minute (one session write)


def _expired(session, now: float) -> str:
    signed_in = session.get(SIGNED_IN)
    if signed_in is None:
        return ""
    if now - signed_in > settings.SESSION_HOURS * 3600:
        return f"登录已满 {settings.SESSION_HOURS:g} 小时，请重新登录"
    idle = settings.SESSION_IDLE_MINUTES
    if idle and now - session.get(SEEN, signed_in) > idle * 60:
        return f"超过 {idle:g} 分钟没有操作，已自动退出，请重新登录"
    return ""


def _open_to_unchanged_password(path: str) -> bool:
    """What an account still using a one-time password may reach: the password page, signing out,
    static files and the public pages."""
    allowed = (reverse("password_change"), reverse("logout"), reverse("login"), settings.STATIC_URL, "/public/")
    return path.startswith(allowed)


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            if SIGNED_IN not in session:  # signed in before this rule, or by a test client
                session[SIGNED_IN] = session[SEEN] = now
            reason = _expired(session, now)
            if reason:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": reason}, status=401)
                messages.info(request, reason)
                return _away(request, redirect_to_login(request.get_full_path()))
            if now - session.get(SEEN, 0) > SEEN_EVERY_S:
                session[SEEN] = now
            if getattr(user, "must_change_password", False) and not _open_to_unchanged_password(request.path):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先设置自己的密码（当前使用的是一次性密码）"}, status=403)
                if _background(request):
                    return HttpResponse(status=204)  # the badge and the live feed wait for the password
                return redirect("password_change")
        return self.get_response(request)


def _background(request) -> bool:
    """A page's own background request (htmx, the live feed), not a page the user asked for."""
    return bool(request.headers.get("HX-Request")) or "text/event-stream" in request.headers.get("Accept", "")


def _away(request, response):
    """Leave the page: htmx follows HX-Redirect with the whole page (not the login page inside a badge)."""
    if request.headers.get("HX-Request"):
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = response["Location"]
        return answer
    return response


def signed_in(sender, request, user, **kwargs):
    """user_logged_in: the session's clock starts."""
    now = time.time()
    request.session[SIGNED_IN] = now
    request.session[SEEN] = now
