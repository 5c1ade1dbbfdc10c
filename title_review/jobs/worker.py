"""The job worker: django-tasks-db's worker with what a province's servers need (ADR 0036).

- It survives a lost database connection (PostgreSQL restarted, the connection terminated): it logs,
  waits with a growing pause, reconnects and carries on. A job that was running when the connection went
  is given back to the queue (or shown as 失败 with 重试 after JOBS_MAX_ATTEMPTS runs).
- While a task runs, a thread writes a heartbeat on its job every JOBS_HEARTBEAT_SECONDS. A worker killed
  with `kill -9` stops beating; any idle worker finds the job within JOBS_STALE_SECONDS + JOBS_SWEEP_SECONDS
  and takes it back.
- Every JOBS_SWEEP_SECONDS an idle worker also runs the day's daily work (claimed once per day in the
  database, whatever the number of workers).
"""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connection, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import services

logger = logging.getLogger(__name__)

MAX_PAUSE = 30.0  # seconds between reconnection attempts, at most


class Heartbeat(threading.Thread):
    """Beats for one task on its own database connection until stopped. A busy worker also takes back
    the jobs of dead workers from here (every JOBS_SWEEP_SECONDS), so a long export on every surviving
    worker does not delay that."""

    def __init__(self, task_id: str, every: float) -> None:
        super().__init__(name=f"heartbeat-{task_id}", daemon=True)
        self.task_id = task_id
        self.every = every
        self.stopped = threading.Event()
        self.last_sweep = time.monotonic()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    services.beat(self.task_id)
                    if time.monotonic() - self.last_sweep >= float(settings.JOBS_SWEEP_SECONDS):
                        self.last_sweep = time.monotonic()
                        services.recover_stalled_jobs()
                except DatabaseError as exc:
                    logger.warning("heartbeat for task %s not written: %s", self.task_id, exc)
                    connections.close_all()
                except Exception:
                    logger.exception("heartbeat for task %s: sweep failed", self.task_id)
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


class JobWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last_sweep = float("-inf")
        self.failures = 0

    def run(self) -> None:
        logger.info("job worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        while self.running:
            try:
                self.sweep()
                found = self.run_one()
            except DatabaseError as exc:
                if isinstance(exc, OperationalError) and is_locked_database_exception(exc):
                    found = False  # SQLite busy: try again after the interval
                else:
                    self.wait_for_database(exc)
                    continue
            self.failures = 0
            if self.batch and not found:
                logger.info("job worker %s: queue empty, exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and not found:
                time.sleep(self.interval)

    def sweep(self) -> None:
        """Take back the jobs of dead workers and run the day's daily work, every JOBS_SWEEP_SECONDS."""
        if time.monotonic() - self.last_sweep < float(settings.JOBS_SWEEP_SECONDS):
            return
        close_old_connections()
        services.recover_stalled_jobs()
        services.run_daily()
        self.last_sweep = time.monotonic()

    def run_one(self) -> bool:
        """Claim the next ready task (SELECT … FOR UPDATE SKIP LOCKED) and run it; False when none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return False
        self.run_task(task_result)
        close_old_connections()
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        task_id = str(db_task_result.id)
        heartbeat = Heartbeat(task_id, float(settings.JOBS_HEARTBEAT_SECONDS))
        heartbeat.start()
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            heartbeat.stop()
            self.wait_for_database(exc)
            if services.take_back_task(task_id):
                logger.warning("task %s: its job was given back after the database connection was lost", task_id)
        finally:
            heartbeat.stop()

    def wait_for_database(self, exc: BaseException) -> None:
        """Log, drop the broken connection and wait until the database answers again (`--once`: give up)."""
        if self.batch:
            raise exc
        while self.running:
            self.failures += 1
            pause = min(MAX_PAUSE, 0.5 * 2 ** min(self.failures, 6))
            logger.warning(
                "job worker %s: database connection lost (%s); reconnecting in %.1f s (attempt %s)",
                self.worker_id,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                pause,
                self.failures,
            )
            connections.close_all()
            time.sleep(pause)
            try:
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except DatabaseError as again:
                exc = again
                continue
            logger.warning("job worker %s: database connection restored", self.worker_id)
            return
