"""Periodic job: the rule tags recomputed over every enterprise."""

from celery import shared_task


@shared_task(name="yingji.profiles.tasks.recompute_tags")
def recompute_tags() -> dict:
    from yingji.profiles import services

    return services.recompute()
