from django.conf import settings

from yingji import __version__
from yingji.core.framework.menu import menu_for


def platform(request):
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user, request.path, getattr(request, "session", None)) if user and user.is_authenticated else [],
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_gcj02": settings.MAP_TILE_GCJ02,
        "version": __version__,
        "unread_count": _unread(user),
        "todo_count": _todos(user),
    }


def _unread(user) -> int:
    if not user or not user.is_authenticated:
        return 0
    from yingji.core.framework.notify import unread

    return unread(user).count()


def _todos(user) -> int:
    if not user or not user.is_authenticated:
        return 0
    from yingji.core.framework.todos import count_for

    return count_for(user)
