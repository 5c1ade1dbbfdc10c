import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.exchange.services import export_package


class Command(BaseCommand):
    help = "导出交换数据包：某评审活动已受理的申报材料（提交时的版本、附件、校验值）写入一个 .zip 文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, help="评审活动编号")
        parser.add_argument("--out", required=True, help="输出文件，如 round-3.zip")
        parser.add_argument("--ids", default="", help="只导出这些申报编号（逗号分隔），默认全部已受理的")
        parser.add_argument(
            "--user", default="", help="以该账号的权限范围导出（登录名）；不填则导出该评审活动全部已受理的申报材料"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"没有登录名为“{options['user']}”的账号。")
        try:
            ids = [int(part) for part in options["ids"].split(",") if part.strip()] or None
        except ValueError as exc:
            raise CommandError("--ids 请填写逗号分隔的申报编号。") from exc
        out = Path(options["out"])
        # Written beside the target and renamed at the end: a failed export leaves no half file behind.
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent or ".")
        os.close(fd)
        try:
            summary = export_package(actor=actor, round_id=options["round"], declaration_ids=ids, out=partial)
            Path(partial).replace(out)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(
            f"已导出 {summary.declarations} 份申报材料、{summary.attachments} 个附件到 {out}"
            f"（清单校验值 {summary.manifest_sha256}）。"
        )
