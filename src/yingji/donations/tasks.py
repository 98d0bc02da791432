"""Periodic job: the disclosure calendar of every open or recently ended campaign, so that a disclosure
that comes due opens its to-do in the responsible office's inbox (and turns red when overdue)."""

from celery import shared_task


@shared_task(name="yingji.donations.tasks.schedule_disclosures")
def schedule_disclosures() -> int:
    from yingji.donations import services
    from yingji.donations.models import Campaign

    return sum(len(services.schedule(c)) for c in Campaign.objects.all())
