"""Every declared read view (core/framework/readviews.py), walked as every demo role on the demo county
(the shared `demo_county` layer, loaded once):

- a role the declaration refuses gets 403 (404 for a map layer), and its menu leaves the page out; a
  role it admits gets the page (no 403, no 5xx), and its menu shows it;
- anonymous visitors are sent to the login page (pages) or refused (API);
- scope: for the township user (大瑶镇), a record outside the township named by a page's address is not
  found (404), and every page without an address argument (the maps, dashboards, summaries, downloads)
  answers exactly the same after every record of its registry outside the township is deleted — the
  page reads nothing from other townships. The same deletion does change some page of a county user,
  so the comparison can see a leak.
"""

from __future__ import annotations

import datetime
import re
from unittest import mock

from django.db import transaction
from django.urls import reverse

from tests.test_chinese_pages import _role_users
from tests.test_demo import demo_county, load_demo  # noqa: F401  (the shared demo layer)
from yingji.core.framework import readviews
from yingji.core.framework.access import restrict

# Address arguments other than a record's pk: an example value per read view (a new read view with such
# an argument must add one here).
EXAMPLES = {"risk_list": {"name": "high-risks"}}
# Address arguments that name a record of the view's registry by another field than its pk.
RECORD_ARGS = {"pk": "pk", "code": "credit_code"}  # the 企业全息档案 is addressed by 统一社会信用代码
ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _args(route: str) -> list[str]:
    return [m.group(2) for m in ARG.finditer(route)]


def _url(route, name, decl, user):
    """The address of a read view for ``user``: a record the user may see where it takes a pk (None when
    the user sees no such record)."""
    from yingji.core.framework.registry import get_registry

    kwargs = dict(EXAMPLES.get(name, {}))
    record_args = [a for a in _args(route) if a in RECORD_ARGS]
    if record_args:
        reg = get_registry(decl.record_registry)
        record = reg.queryset(user).order_by("pk").first() or reg.model._default_manager.order_by("pk").first()
        if record is None:
            return None
        kwargs.update({a: getattr(record, RECORD_ARGS[a]) for a in record_args})
    assert set(_args(route)) <= set(kwargs), f"{name}: give an example for {set(_args(route)) - set(kwargs)}"
    return reverse(name, kwargs=kwargs)


def _get(client, route, url):
    """GET, or POST an empty body where the endpoint only takes POST (the dispatch plan)."""
    from django.urls import resolve

    cls = getattr(resolve(url).func, "cls", None)
    if cls is not None and not hasattr(cls, "get") and hasattr(cls, "post"):
        return client.post(url, {}, content_type="application/json")
    return client.get(url)


def _views():
    views = [(route, name, decl) for route, name, decl in readviews.declared() if name]
    assert len(views) > 30, "the read-only pages are declared read views"
    return views


def test_every_read_view_admits_and_refuses_as_declared(demo_county, client):  # noqa: F811
    from yingji.core.framework.access import can
    from yingji.core.framework.menu import menu_for

    views = _views()
    anonymous = {name: _get(client, route, url).status_code
                 for route, name, decl in views if (url := _url(route, name, decl, _role_users()[0]))}
    for name, status in anonymous.items():
        assert status in (302, 401, 403), (name, status)
    checked = refused_seen = 0
    for user in _role_users():
        client.force_login(user)
        shown = {item["url"] for group in menu_for(user, "/") for item in group["items"]}
        for route, name, decl in views:
            # What the declaration says, worked out here from the role's grants and scope.
            admitted = can(user, "view", decl.model) and (decl.scope == "user" or not (
                user.scope_region_id or user.scope_organization_id) or user.is_superuser)
            url = _url(route, name, decl, user)
            if url is None:
                continue
            status = _get(client, route, url).status_code
            assert status < 500, (user.username, name, status)
            if admitted:
                assert status != 403, (user.username, name)
                if not _args(route) or decl.record_registry and decl.queryset(user).exists():
                    assert status != 404 or set(_args(route)) & set(RECORD_ARGS), (user.username, name, status)
            else:
                refused_seen += 1
                assert status == (404 if decl.not_found else 403), (user.username, name, status)
            if not _args(route) and readviews.for_url_name(name) is decl and url in _menu_urls():
                assert (url in shown) == admitted, (user.username, name, "menu")
            checked += 1
    assert checked and refused_seen, "some role is refused some read view"


def _menu_urls() -> set[str]:
    from django.urls import NoReverseMatch

    from yingji.core.framework.menu import entries

    out = set()
    for _, items in entries():
        for item in items:
            if item.url_name:
                try:
                    out.add(reverse(item.url_name))
                except NoReverseMatch:
                    pass
    return out


# What differs from one answer to the next by itself (CSRF tokens), and the chrome every page carries
# that is not the page's own reading (the 待办 and notification badges: their own tests).
NOISE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"|'
                   rb'<span hx-get="/(?:todos|notifications)/badge/"[^\n]*')


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook  # the cells, not the zip (it stamps its own time)

        book = load_workbook(io.BytesIO(content), read_only=True)
        return repr([list(ws.iter_rows(values_only=True)) for ws in book.worksheets]).encode()
    return NOISE.sub(b"", content)


def _out_of_scope_deleted(model, user) -> int:
    """Delete every record of ``model`` outside ``user``'s scope (inside the caller's savepoint)."""
    from django.db.models import ProtectedError

    outside = model._default_manager.exclude(pk__in=restrict(model._default_manager.all(), user).values("pk"))

    def delete(qs, depth=0):
        for _ in range(10):  # what protects them (a dispatch of an outside team, a measure of a drill) goes first
            try:
                return qs.delete()[0]
            except ProtectedError as exc:
                if depth > 4:
                    raise
                for record in exc.protected_objects:
                    delete(type(record)._default_manager.filter(pk=record.pk), depth + 1)
        return qs.delete()[0]

    return delete(outside)


def _same_without_outside(client, reader, cut, views) -> dict[str, bool]:
    """As ``reader``, for each page without address arguments that both ``reader`` and ``cut`` may open:
    does it answer the same once every record of its registry outside ``cut``'s scope is deleted?"""
    client.force_login(reader)
    same = {}
    for route, name, decl in views:
        if _args(route) or decl.refused(reader) or decl.refused(cut):
            continue
        url = reverse(name)
        before = _get(client, route, url)
        with transaction.atomic():
            removed = _out_of_scope_deleted(decl.model, cut)
            after = _get(client, route, url)
            transaction.set_rollback(True)
        if removed:
            same[name] = (before.status_code, _body(before)) == (after.status_code, _body(after))
    return same


def test_township_user_reads_nothing_of_other_townships(demo_county, client):  # noqa: F811
    from yingji.core.framework.registry import get_registry
    from yingji.core.models import User

    township = User.objects.get(username="township")
    views = _views()
    now = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        same = _same_without_outside(client, township, township, views)
        leaked = sorted(name for name, ok in same.items() if not ok)
        assert not leaked, f"pages of the township user change with other townships' data: {leaked}"
        assert len(same) >= 10, same  # the maps, dashboards and summaries were compared
        # The comparison sees a leak: a county user's pages do change when the records outside 大瑶镇 go.
        county = _same_without_outside(client, User.objects.get(username="leader"), township, views)
        assert not all(county.values()), "no page changed: the comparison could not see a leak"

    client.force_login(township)
    for route, name, decl in views:
        record_args = [a for a in _args(route) if a in RECORD_ARGS]
        if not record_args or decl.refused(township):
            continue
        reg = get_registry(decl.record_registry)
        outside = reg.model._default_manager.exclude(pk__in=reg.queryset(township).values("pk")).order_by("pk").first()
        if outside is not None:
            kwargs = {**EXAMPLES.get(name, {}), **{a: getattr(outside, RECORD_ARGS[a]) for a in record_args}}
            status = _get(client, route, reverse(name, kwargs=kwargs)).status_code
            assert status == 404, (name, outside.pk, status)

