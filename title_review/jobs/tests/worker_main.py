"""`python -m title_review.jobs.tests.worker_main`: a real `manage.py run_jobs` process for the worker
tests, with a slow job kind (and, when SLOW_DAILY_DIR is set, a slow daily task) registered first."""

import os
import time
import uuid
from pathlib import Path
from typing import Any

SLOW_KIND = "tests.slow"
SLOW_DAILY = "tests.slow_daily"
MARKER = "tests.daily-work-"


def slow(job: Any, progress: Any) -> Any:
    """n steps of `pause` seconds each (`first_pause` on the first run, if given), reporting progress; its file
    lists the steps."""
    from title_review.jobs.registry import JobOutput

    steps = int(job.params["n"])
    pause = float(job.params["pause"])
    if job.attempts <= 1 and "first_pause" in job.params:
        pause = float(job.params["first_pause"])
    for step in range(steps):
        time.sleep(pause)
        progress(step + 1, steps)
    return JobOutput(name="慢任务.txt", content=",".join(str(i) for i in range(steps)).encode())


def slow_daily() -> None:
    """The day's work: one row written, then a pause long enough to be killed in (SLOW_DAILY_SECONDS)."""
    from title_review.jobs.models import ScheduledRun

    ScheduledRun.objects.create(name=f"{MARKER}{uuid.uuid4().hex[:12]}")
    Path(os.environ["SLOW_DAILY_DIR"], f"started-{os.getpid()}").touch()
    time.sleep(float(os.environ.get("SLOW_DAILY_SECONDS", "3")))


def main() -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from title_review.jobs import registry

    registry.register_handler(SLOW_KIND, "慢任务", slow)
    if os.environ.get("SLOW_DAILY_DIR"):
        registry.register_daily(SLOW_DAILY, slow_daily)
    call_command("run_jobs", "--sleep", "0.2")


if __name__ == "__main__":
    main()
