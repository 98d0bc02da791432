"""Periodic job: climb unacknowledged alarms up the escalation chain."""

from celery import shared_task

from yingji.monitoring import alarms


@shared_task(name="yingji.monitoring.tasks.escalate_alarms")
def escalate_alarms() -> int:
    return alarms.escalate_unacknowledged()


@shared_task(name="yingji.monitoring.tasks.mark_offline")
def mark_offline() -> int:
    from yingji.monitoring import ingest

    return ingest.mark_offline()


@shared_task(name="yingji.monitoring.tasks.maintain_storage")
def maintain_storage() -> dict:
    """Prepare next months' partitions, drop data past retention, prune the live feed."""
    from django.utils import timezone

    from yingji import config
    from yingji.core.framework import live
    from yingji.monitoring import storage

    created = storage.ensure_partitions()
    dropped = storage.apply_retention(timezone.now(), {
        "monitoring_reading": int(config.env("YINGJI_READING_RETENTION_DAYS")),
        "monitoring_readingminute": int(config.env("YINGJI_MINUTE_RETENTION_DAYS")),
        "monitoring_readinghour": int(config.env("YINGJI_HOUR_RETENTION_DAYS"))})
    return {"created": created, "dropped": dropped, "live_pruned": live.prune()}


@shared_task(name="yingji.monitoring.tasks.refresh_aggregates")
def refresh_aggregates(hours: int = 2) -> int:
    """Minute/hour aggregates over the trailing window (late readings within it are taken in).
    Stored readings no sensor can produce are moved to the dead letters and reported first."""
    import datetime

    from django.utils import timezone

    from yingji.monitoring import ingest, storage

    now = timezone.now()
    since, until = now - datetime.timedelta(hours=hours), now + datetime.timedelta(minutes=1)
    bad = storage.quarantine_readings(since, until)
    if bad:  # reported, kept as dead letters; every other sensor aggregates as usual
        ingest.report_quarantined(bad, now)
    return storage.refresh_aggregates(since, until)
