from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.exchange.services import import_package


class Command(BaseCommand):
    help = "导入交换数据包：先逐个文件校验，全部无误才导入；已接收过的申报材料不重复导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="交换数据包（.zip）")
        parser.add_argument(
            "--user",
            required=True,
            help="接收人登录名：须有“交换数据包”权限，接收的申报材料归其所在机构管理，并记入操作日志",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"没有登录名为“{options['user']}”的账号。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            with path.open("rb") as handle:
                result = import_package(actor=actor, source=handle, package_name=path.name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.message)
