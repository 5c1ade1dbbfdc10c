import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from title_review.jobs.services import claim_next, run_daily, run_job


class Command(BaseCommand):
    help = "后台任务进程：执行导出、批量打印、导入等任务，并每天运行一次定时任务。可同时运行多个。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--sleep", type=float, default=2.0, help="队列为空时的等待秒数")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            run_daily()
            job = claim_next()
            if job is not None:
                finished = run_job(job.pk)
                self.stdout.write(f"{finished.title}：{finished.get_status_display()}")
                continue
            if options["once"]:
                return
            time.sleep(options["sleep"])
