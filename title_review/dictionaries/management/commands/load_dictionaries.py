import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from title_review.dictionaries import services

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


class Command(BaseCommand):
    help = "载入（或更新）种子代码集：seed/*.json,与“接收更新代码”同一服务。"

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sorted(SEED_DIR.glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            changes = services.apply_codeset(actor=None, document=document)
            added = sum(len(c.added) for c in changes)
            changed = sum(len(c.changed) for c in changes)
            self.stdout.write(f"{path.name}: 新增 {added} 条，修改 {changed} 条")
