"""Background jobs of the framework: large imports run by a worker; the to-do inbox's reconcile."""

from celery import shared_task


@shared_task(name="yingji.core.framework.tasks.run_import")
def run_import(job_id: int):
    """A large import (services.start_import) run by a worker: same validation, all-or-nothing."""
    from yingji.core.framework.services import run_import_job

    run_import_job(job_id)


@shared_task(name="yingji.core.framework.tasks.clean_submission_keys")
def clean_submission_keys(now=None) -> str:
    """Delete the submission keys of idempotent operations older than YINGJI_SUBMISSION_KEY_DAYS."""
    from yingji.core.framework.operations import clean_submission_keys as clean

    return f"已清理 {clean(now)} 个过期的提交标识"


@shared_task(name="yingji.core.framework.tasks.reconcile_todos")
def reconcile_todos() -> int:
    """Every to-do in line with its record (todos.reconcile): catches changes made behind the platform's
    back (QuerySet.update, a due time computed from other records). Returns how many it changed.
    The first run on a database without any to-do (an upgrade) fills the inbox without notifying
    everyone of every waiting record at once: the badge and the 待办 page show them."""
    from yingji.core.framework import todos
    from yingji.core.framework.models import ToDo

    return todos.reconcile(tell=ToDo.objects.exists())
