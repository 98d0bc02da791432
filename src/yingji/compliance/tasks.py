"""Periodic job: the compliance rules over every enterprise (alerts opened and cleared, certificates' status)."""

from celery import shared_task


@shared_task(name="yingji.compliance.tasks.run_checks")
def run_checks() -> int:
    from yingji.compliance import services

    opened, cleared = services.refresh()
    return opened + cleared
