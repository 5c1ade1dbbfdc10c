"""manage.py make_test_ca <dir>: a self-signed test CA and a 电子证书 signing certificate, for development only."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from title_review.certificates.signing import make_test_ca


class Command(BaseCommand):
    help = "生成自签名测试 CA 和电子证书签名证书（仅用于开发和测试）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="写入 signer.key、signer.pem、ca.pem 的目录，如 var/signing")
        parser.add_argument("--force", action="store_true", help="目录中已有文件时仍重新生成")

    def handle(self, *args: Any, folder: str, force: bool, **options: Any) -> None:
        target = Path(folder)
        if (target / "ca.pem").exists() and not force:
            self.stdout.write(f"{target} 中已有测试 CA，未改动（重新生成请加 --force）。")
            return
        files = make_test_ca(target)
        self.stdout.write(
            f"已生成测试 CA：{files.trust_roots[0]}，签名证书：{files.cert}，私钥：{files.key}。仅用于开发和测试。"
        )
