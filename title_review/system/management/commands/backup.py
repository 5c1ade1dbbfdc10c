"""manage.py backup: one archive with the database and every stored file (docs/deploy.md 备份与恢复)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.system import backups
from title_review.system.services import backup_keep_count


class Command(BaseCommand):
    help = "备份数据库和全部上传、生成的文件到一个带校验清单的备份文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="备份目录（默认 var/backups）")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="只保留最新的若干份备份（默认按参数设置“保留的备份份数”；0 表示不删除旧备份）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep = options["keep"] if options["keep"] is not None else backup_keep_count()
        try:
            made = backups.make_backup(options["output"], keep=keep)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"备份完成：{made.archive}（{made.size} 字节；{made.tables} 张表 {made.rows} 行，{made.files} 个文件）"
        )
