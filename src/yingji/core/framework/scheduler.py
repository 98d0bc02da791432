"""In-process beat for the embedded default: fires Celery's beat schedule from a daemon thread so
deadlines and periodic jobs run under `yingji demo`/`yingji serve` with no broker. With a broker
configured this is not started; `yingji beat` and `yingji worker` do the job."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)


class EmbeddedScheduler:
    def __init__(self, schedule: dict, app, clock=time.monotonic):
        self.app = app
        self.clock = clock
        self.entries = {name: (entry["task"], float(entry["schedule"])) for name, entry in schedule.items()
                        if isinstance(entry["schedule"], int | float)}
        self.next_due = dict.fromkeys(self.entries, 0.0)
        self._stop = threading.Event()

    def tick(self) -> list[str]:
        """Run every entry that is due; returns the names run."""
        now = self.clock()
        ran = []
        for name, (task_name, every) in self.entries.items():
            if now >= self.next_due[name]:
                self.next_due[name] = now + every
                try:
                    self.app.tasks[task_name].apply()
                except Exception:  # a failing job must not stop the others
                    log.exception("periodic job %s failed", name)
                ran.append(name)
        return ran

    def run_forever(self, poll_seconds: float = 5.0):
        from django.db import connections

        while not self._stop.is_set():
            self.tick()
            connections.close_all()  # between ticks this thread holds no connection (back to the pool)
            self._stop.wait(poll_seconds)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="yingji-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self):
        self._stop.set()
