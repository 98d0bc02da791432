"""Periodic jobs: overdue measures, the 回头看 opened a year after 结案, overdue drills."""

from celery import shared_task


@shared_task(name="yingji.reviews.tasks.mark_overdue")
def mark_overdue() -> int:
    from yingji.reviews import services

    return services.mark_overdue()


@shared_task(name="yingji.reviews.tasks.open_lookbacks")
def open_lookbacks() -> int:
    from yingji.reviews import services

    return len(services.open_lookbacks())


@shared_task(name="yingji.reviews.tasks.drill_alerts")
def drill_alerts() -> int:
    from yingji.reviews import services

    made, resolved = services.drill_alerts()
    return len(made) + resolved
