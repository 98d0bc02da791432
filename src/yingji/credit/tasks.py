"""Periodic jobs: the listing rules propose (a person decides), management periods end, credit classes
are recomputed and written into the 名录库."""

from celery import shared_task


@shared_task(name="yingji.credit.tasks.propose_listings")
def propose_listings() -> int:
    from yingji.credit import services

    return len(services.propose())


@shared_task(name="yingji.credit.tasks.end_periods")
def end_periods() -> int:
    from yingji.credit import services

    return services.expire_due()


@shared_task(name="yingji.credit.tasks.refresh_classes")
def refresh_classes() -> int:
    from yingji.credit import services

    return len(services.refresh_classes())
