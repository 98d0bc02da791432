"""Background jobs of the directory. ``heartbeat`` is the sample periodic job: it proves the scheduler
runs (operators see its runs under 系统管理 → 后台任务) and reports basic data health."""

from celery import shared_task
from django.utils import timezone

from yingji.core.models import JobRun, Organization, Region


@shared_task(name="yingji.core.directory.tasks.heartbeat")
def heartbeat():
    run = JobRun.objects.create(name="heartbeat", started_at=timezone.now())
    missing_geo = Region.objects.filter(geometry__isnull=True).exclude(level="village").count()
    unlocated = Organization.objects.filter(lon=None).count()
    run.detail = f"区划缺边界 {missing_geo} 个（村社区除外）；单位缺坐标 {unlocated} 家"
    run.ok = True
    run.finished_at = timezone.now()
    run.save()
    JobRun.objects.filter(name="heartbeat", started_at__lt=timezone.now() - timezone.timedelta(days=30)).delete()
    return run.detail
