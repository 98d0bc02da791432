"""Declared read views: the pages and GET endpoints that only read — dashboards, maps, summaries,
printable pages, downloads, chart data. What ``Registry`` declares for a registry's list and detail
pages, a read view declares for such a page: which registry's records it reads. From that one
declaration

- the page or endpoint refuses a role that may not view that registry (403 with the reason, as the
  registry's own pages answer; 404 for a map layer, as the generic point layers answer), through
  :func:`yingji.core.framework.access.read_refused` — no view checks a permission by hand;
- the menu shows its entry exactly to those it admits (menu.py asks the declaration);
- what it reads it reads through the registry's scoped queryset (``ReadView.queryset``) or the models'
  ``for_user``/``restrict``, so a township user reads only their township;
- the generic test (tests/test_read_views.py) finds every declared read view in the URL conf and walks
  it as every role: allowed or refused as declared, and blind to data outside the user's scope.

Use: ``@read_page("hazards")`` on a page function (it also sends anonymous visitors to the login
page), ``@read_api("hazards")`` on a GET API function (DRF: token or session, JSON errors; put
``extend_schema`` above it), or ``ReadAPIView`` with a ``read_view = ReadView("incidents")`` class
attribute for a class-based API view."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.views import APIView

from yingji.core.framework.access import read_refused


@dataclass(frozen=True)
class ReadView:
    """``registry``: the slug of the registry whose records the view reads (its view permission admits).
    ``scope``: "user" — it reads within the user's scope; "global" — the data carries no region to
    restrict by, so only users of global scope may read it. ``record``: the registry whose record the
    URL's ``pk`` names, where it is not ``registry`` (the tests open one in and one out of scope).
    ``not_found``: refuse with 404 instead of 403 (map layers, like the generic point layers)."""

    registry: str
    scope: str = "user"
    record: str = ""
    not_found: bool = False

    def __post_init__(self):
        if self.scope not in ("user", "global"):
            raise ValueError(f"read view scope {self.scope!r}: 'user' or 'global'")

    @property
    def model(self):
        from yingji.core.framework.registry import get_registry

        reg = get_registry(self.registry)
        if reg is None:
            raise LookupError(f"read view declares unknown registry {self.registry!r}")
        return reg.model

    @property
    def record_registry(self) -> str:
        return self.record or self.registry

    def refused(self, user) -> str | None:
        return read_refused(user, self.model, global_only=self.scope == "global")

    def check(self, user) -> None:
        """Raise the refusal (403 with its reason, or 404), or return when ``user`` may read."""
        reason = self.refused(user)
        if reason:
            raise Http404 if self.not_found else PermissionDenied(reason)

    def queryset(self, user):
        """The declared registry's records as ``user`` may read them (its scoped queryset)."""
        from yingji.core.framework.registry import get_registry

        return get_registry(self.registry).queryset(user)


def read_page(registry: str, **options):
    """A read-only page: anonymous visitors go to the login page; the declaration decides the rest."""
    decl = ReadView(registry, **options)

    def wrap(func):
        @functools.wraps(func)
        def view(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            decl.check(request.user)
            return func(request, *args, **kwargs)

        view.read_view = decl
        return view

    return wrap


def read_api(registry: str, methods=("GET",), **options):
    """A read-only API function (DRF ``api_view``: token or session, JSON errors, in the schema)."""
    decl = ReadView(registry, **options)

    def wrap(func):
        view = api_view(list(methods))(permission_classes([IsAuthenticated, ReadPermission])(func))
        view.read_view = view.cls.read_view = decl  # ReadPermission reads it off the view
        return view

    return wrap


class ReadPermission(BasePermission):
    """DRF: the view's ``read_view`` declaration admits the user (else 403 with its reason, or 404)."""

    def has_permission(self, request, view):
        view.read_view.check(request.user)
        return True


class ReadAPIView(APIView):
    """A class-based read-only API view; subclasses set ``read_view = ReadView("<registry>")``."""

    permission_classes = [IsAuthenticated, ReadPermission]
    read_view: ReadView


def declaration_of(callback) -> ReadView | None:
    """The read-view declaration behind a URL pattern's callback, if it has one."""
    return getattr(callback, "read_view", None) or getattr(getattr(callback, "cls", None), "read_view", None)


def declared() -> list[tuple[str, str, ReadView]]:
    """Every declared read view in the URL conf: (route, url name, declaration)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                decl = declaration_of(p.callback)
                if decl is not None:
                    out.append((prefix + str(p.pattern), p.name or "", decl))

    walk(get_resolver().url_patterns, "")
    return out


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, ReadView]:
    return {name: decl for _, name, decl in declared() if name}


def for_url_name(name: str) -> ReadView | None:
    """The declaration of the read view named ``name`` (a menu entry's page), if it is one."""
    return _by_name().get(name)
