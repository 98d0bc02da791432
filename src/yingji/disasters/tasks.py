"""Periodic job of disaster statistics: the reporting clocks (remind before, escalate after)."""

from celery import shared_task


@shared_task(name="yingji.disasters.tasks.reporting_clocks")
def reporting_clocks(now=None) -> dict:
    from yingji.disasters import services

    return services.run_clocks(now)
