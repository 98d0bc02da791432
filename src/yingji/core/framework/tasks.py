"""Background jobs of the framework: large imports run by a worker."""

from celery import shared_task


@shared_task(name="yingji.core.framework.tasks.run_import")
def run_import(job_id: int):
    """A large import (services.start_import) run by a worker: same validation, all-or-nothing."""
    from yingji.core.framework.services import run_import_job

    run_import_job(job_id)
