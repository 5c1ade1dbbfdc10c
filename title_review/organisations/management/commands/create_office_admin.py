"""An administrator for an existing title office (a city or county 职改办), made at the command line when
nobody above can do it through the pages (for example when an office's only administrator has left)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.access.roles import Role
from title_review.organisations.models import Organisation

from .create_province_admin import create_admin


class Command(BaseCommand):
    help = "为已有的职改办（市、县）创建管理员，打印一次性密码（首次登录须修改）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", required=True, help="职改办的机构代码")
        parser.add_argument("--username", required=True)
        parser.add_argument("--real-name", required=True)
        parser.add_argument("--phone", default="")
        parser.add_argument("--roles", default=str(Role.OFFICE_ADMIN))

    def handle(self, *args: Any, **options: Any) -> None:
        office = Organisation.objects.filter(code=options["office"], kind="title_office").first()
        if office is None:
            raise CommandError(f"没有机构代码为 {options['office']} 的职改办。")
        create_admin(self, office, options)
