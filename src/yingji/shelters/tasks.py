"""Periodic job of shelter operations: anonymise personal data after the retention period."""

from celery import shared_task


@shared_task(name="yingji.shelters.tasks.anonymise_expired")
def anonymise_expired(now=None) -> str:
    """Anonymise the people of shelters closed longer ago than the retention period (安置规则)."""
    from yingji.shelters import services

    return f"{services.anonymise_expired(now)} 个安置点的个人信息已匿名化"
