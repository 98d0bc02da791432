from celery import shared_task


@shared_task(name="tests.example_app.tasks.inspections_due")
def inspections_due() -> int:
    from tests.example_app.models import Hydrant

    return Hydrant.objects.filter(pressure_mpa=None).count()
