"""yingji (应急): the emergency-management platform.

Importing the package loads nothing else, so the pure engines (``yingji.risk.scoring`` …) import
without Django or Celery. The Celery app (yingji/celery.py) is created when Django starts, in
``CoreConfig.ready``, before any task module binds to it."""

__version__ = "0.1.0"


def __getattr__(name):
    if name == "celery_app":  # Celery's `-A yingji` looks for it
        from yingji.celery import app

        return app
    raise AttributeError(name)
