"""manage.py restore ARCHIVE: checks every byte of a backup, then restores it into an empty database and file
store. `--check` only checks."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.system import backups


class Command(BaseCommand):
    help = "校验备份文件，并恢复到空的数据库和文件存储（--check 只校验不恢复）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--check", action="store_true", help="只校验备份文件，不恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = backups.verify(options["archive"])
                self.stdout.write(
                    f"备份完好：{len(manifest['tables'])} 张表，{len(manifest['files'])} 个文件，"
                    f"生成于 {manifest['created_at']}。"
                )
                return
            done = backups.restore(options["archive"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：{done.tables} 张表 {done.rows} 行，{done.files} 个文件。")
