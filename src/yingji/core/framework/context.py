from django.conf import settings
from django.utils.functional import SimpleLazyObject

from yingji import __version__
from yingji.core.framework.menu import menu_for


def platform(request):
    """What the base template shows on every page. Worked out only when a template reads it (an
    htmx fragment reads none of it), each once per request: the two badges' counts in one query."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    counts = SimpleLazyObject(lambda: _counts(user) if signed_in else {"unread": 0, "todos": 0})
    return {
        "menu": SimpleLazyObject(lambda: menu_for(user, request.path, getattr(request, "session", None))
                                 if signed_in else []),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_gcj02": settings.MAP_TILE_GCJ02,
        "version": __version__,
        "unread_count": SimpleLazyObject(lambda: counts["unread"]),
        "todo_count": SimpleLazyObject(lambda: counts["todos"]),
    }


def _counts(user) -> dict:
    """Unread notifications and open to-dos of ``user``: one statement of two scalar subqueries."""
    from django.contrib.auth import get_user_model
    from django.db.models import Func, IntegerField, Subquery

    from yingji.core.framework.notify import unread
    from yingji.core.framework.todos import for_user

    def count(qs):
        return Subquery(qs.order_by().annotate(_n=Func("pk", function="COUNT")).values("_n"),
                        output_field=IntegerField())

    row = get_user_model().objects.filter(pk=user.pk).values(
        unread=count(unread(user)), todos=count(for_user(user))).first()
    return row or {"unread": 0, "todos": 0}
