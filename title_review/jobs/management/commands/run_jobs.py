from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db import DatabaseBackend

from title_review.jobs.worker import JobWorker


class Command(BaseCommand):
    help = (
        "后台任务进程：执行导出、批量打印、导入等任务，接管中断的任务，并每天运行一次定时任务。"
        "可在多台服务器上同时运行多个（docs/decisions/0036-background-work-on-django-tasks.md）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--sleep", type=float, default=1.0, help="队列为空时的等待秒数")
        parser.add_argument("--queue", default=DEFAULT_TASK_QUEUE_NAME, help="要处理的队列，多个用逗号分隔")
        parser.add_argument("--worker-id", default="", help="进程标识（默认随机生成；多个进程不得相同）")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "run_jobs 需要数据库任务队列：TASKS['default'] 应为 django_tasks_db.DatabaseBackend"
                f"（当前为 {type(backend).__name__}）。"
            )
        if len(options["worker_id"]) > 64:
            raise CommandError("进程标识（--worker-id）不能超过 64 个字符。")
        worker = JobWorker(
            queue_names=options["queue"].split(","),
            interval=max(0.1, options["sleep"]),
            batch=options["once"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
