"""Background jobs: the sample periodic job runs in-process (embedded default) and via Celery."""

from yingji.celery import app
from yingji.core.directory.tasks import heartbeat
from yingji.core.framework.scheduler import EmbeddedScheduler
from yingji.core.models import JobRun


def test_embedded_scheduler_fires_due_jobs_on_their_interval(tree):
    now = [1000.0]
    scheduler = EmbeddedScheduler({"heartbeat": {"task": "yingji.core.directory.tasks.heartbeat", "schedule": 300.0}}, app,
                                  clock=lambda: now[0])
    assert scheduler.tick() == ["heartbeat"]
    assert scheduler.tick() == []  # not due again yet
    now[0] += 301
    assert scheduler.tick() == ["heartbeat"]
    assert JobRun.objects.filter(name="heartbeat", ok=True).count() == 2


def test_heartbeat_reports_data_health(tree):
    detail = heartbeat.delay().get()  # eager without a broker: same call path as with one
    assert detail == "区划缺边界 4 个（村社区除外）；单位缺坐标 0 家"  # province, city, 2 townships
    assert JobRun.objects.get().detail == detail


def test_beat_schedule_names_registered_tasks():
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks


def test_failing_job_does_not_stop_the_scheduler(tree, monkeypatch):
    calls = []

    def boom():
        calls.append(1)
        raise RuntimeError("boom")

    monkeypatch.setattr(app.tasks["yingji.core.directory.tasks.heartbeat"], "apply", boom)
    scheduler = EmbeddedScheduler(app.conf.beat_schedule, app, clock=lambda: 0.0)
    assert scheduler.tick() == list(app.conf.beat_schedule) and calls == [1]  # the others still ran


def test_a_worker_runs_jobs_sent_through_a_broker(transactional_db):
    """The production path: a task sent to a broker and run by a Celery worker (a thread here).

    The broker is YINGJI_TEST_BROKER_URL — CI points it at the local Redis — else kombu's
    in-memory transport, so the test runs everywhere."""
    import os
    import time

    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    broker = os.environ.get("YINGJI_TEST_BROKER_URL", "memory://")
    worker_app = Celery("yingji-worker-test", broker=broker, set_as_current=False)
    worker_app.conf.update(task_always_eager=False, result_backend=None, broker_connection_retry_on_startup=False)
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        worker_app.send_task("yingji.core.directory.tasks.heartbeat")
        deadline = time.monotonic() + 20
        while not JobRun.objects.filter(name="heartbeat", ok=True).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert JobRun.objects.filter(name="heartbeat", ok=True).exists()
