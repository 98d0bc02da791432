__version__ = "0.1.0"

from yingji.celery import app as celery_app  # noqa: E402  (Celery's Django integration)

__all__ = ["celery_app", "__version__"]
