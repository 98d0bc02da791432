from django.conf import settings

from yingji import __version__
from yingji.core.menu import menu_for


def platform(request):
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user, request.path) if user and user.is_authenticated else [],
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_gcj02": settings.MAP_TILE_GCJ02,
        "version": __version__,
    }
