"""The Celery app. With YINGJI_BROKER_URL set, run `yingji worker` and `yingji beat`; without one,
tasks run in-process (eager) and core/scheduler.py fires the beat schedule inside `yingji serve`."""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (for modules adding crontab entries)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

app = Celery("yingji")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs: name -> (task, every N seconds). Modules add their own entries here.
app.conf.beat_schedule = {
    "heartbeat": {"task": "yingji.core.tasks.heartbeat", "schedule": 300.0},
    "hazards-overdue": {"task": "yingji.hazards.tasks.mark_overdue", "schedule": 600.0},
    "hazards-due-soon": {"task": "yingji.hazards.tasks.remind_due_soon", "schedule": 3600.0},
    "alarms-escalation": {"task": "yingji.monitoring.tasks.escalate_alarms", "schedule": 60.0},
    "readings-aggregates": {"task": "yingji.monitoring.tasks.refresh_aggregates", "schedule": 60.0},
    "sensors-offline": {"task": "yingji.monitoring.tasks.mark_offline", "schedule": 60.0},
    "warnings-chase": {"task": "yingji.warnings.tasks.chase_unanswered", "schedule": 60.0},
    "incident-clocks": {"task": "yingji.incidents.tasks.reporting_clocks", "schedule": 60.0},
    "plan-revisions": {"task": "yingji.incidents.tasks.plan_revisions", "schedule": 86400.0},
    "stock-alerts": {"task": "yingji.resources.tasks.stock_alerts", "schedule": 3600.0},
    "readings-storage": {"task": "yingji.monitoring.tasks.maintain_storage", "schedule": 86400.0},
}
