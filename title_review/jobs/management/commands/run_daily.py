from typing import Any

from django.core.management.base import BaseCommand

from title_review.jobs.services import run_daily


class Command(BaseCommand):
    help = (
        "运行今天的定时任务（公示期满、补正期限、下载文件到期）。每天每项只运行一次，"
        "无论有多少进程或定时器同时调用；run_jobs 进程也会自动运行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ran = run_daily()
        self.stdout.write("已运行：" + "、".join(ran) if ran else "今天的定时任务均已运行。")
