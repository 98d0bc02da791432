"""Background jobs of warning release: sending, and chasing unanswered recipients."""

from celery import shared_task


@shared_task(name="yingji.warnings.tasks.disseminate")
def disseminate(warning_id: int) -> dict:
    from yingji.warnings import dissemination
    from yingji.warnings.models import Warning

    warning = Warning.objects.select_related("region").get(pk=warning_id)
    pending = warning.recipients.filter(deliveries__isnull=True).select_related("person")
    return dissemination.send(warning, list(pending))


@shared_task(name="yingji.warnings.tasks.chase_unanswered")
def chase_unanswered() -> dict:
    from yingji.warnings import dissemination

    return dissemination.chase_unanswered()


@shared_task(name="yingji.warnings.tasks.poll_feeds")
def poll_feeds() -> dict:
    """Poll every active CAP subscription (CapFeed)."""
    from yingji.warnings import feeds

    return feeds.poll_all()
