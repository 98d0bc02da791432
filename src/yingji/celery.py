"""The Celery app. With YINGJI_BROKER_URL set, run `yingji worker` and `yingji beat`; without one,
tasks run in-process (eager) and core/framework/scheduler.py fires the beat schedule inside `yingji serve`.
The beat schedule comes from the apps' declared ``periodic_jobs`` (set in CoreConfig.ready)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

app = Celery("yingji")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule is every app's ``periodic_jobs`` (core/framework/contributions.py), set in
# CoreConfig.ready once the apps are loaded.
