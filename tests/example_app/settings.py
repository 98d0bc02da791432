"""The platform's settings with the apps under ``tests`` discovered too: the only way the example app
gets installed (a deployment's settings discover ``yingji`` only)."""

from yingji.core.framework import contributions
from yingji.settings import *  # noqa: F403
from yingji.settings import INSTALLED_APPS, YINGJI_APPS

_ALL = contributions.discover(("yingji", "tests"))
INSTALLED_APPS = contributions.app_paths(_ALL) + INSTALLED_APPS[len(YINGJI_APPS):]
YINGJI_APPS = _ALL
