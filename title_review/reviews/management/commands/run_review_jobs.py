import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from title_review.reviews.services import run_scheduled


class Command(BaseCommand):
    help = "审核流程的每日任务：公示期满转待上报、补正截止前提醒、逾期未补正视为撤回。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        on = dt.date.fromisoformat(options["date"]) if options.get("date") else None
        result = run_scheduled(on=on)
        self.stdout.write(
            f"公示期满 {result['publicities_ended']} 份，补正提醒 {result['reminders_sent']} 份，"
            f"逾期撤回 {result['corrections_expired']} 份。"
        )
