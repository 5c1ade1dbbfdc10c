import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from title_review.accounts.models import User
from title_review.demo import activity


class Command(BaseCommand):
    help = "载入演示业务数据：已发布的评审活动和处于各个环节的申报材料（仅首次运行时；已有则跳过）。"

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if not User.objects.filter(username=activity.data.OFFICE).exists():
            self.stdout.write("没有演示机构和账号（manage.py load_demo），跳过演示业务数据。")
            return
        if activity.already_loaded():
            self.stdout.write("已有演示评审活动，跳过演示业务数据。")
            return
        started = time.monotonic()
        with transaction.atomic():
            built = activity.build(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"演示业务数据已载入：{len(built.rounds)} 个评审活动，{len(built.declarations)} 份申报材料，1 场评审会议"
                f"（用时 {time.monotonic() - started:.1f} 秒）"
            )
        )
