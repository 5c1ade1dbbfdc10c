"""The first administrator of an installation: the province title office (created if missing) and its
administrator, with a one-time password printed once (docs/deploy.md, 首个管理员)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from title_review.access.roles import Role
from title_review.core.errors import DomainError
from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import people, services
from title_review.organisations.models import Organisation

DEFAULT_ROLES = f"{Role.OFFICE_ADMIN},{Role.SECURITY_ADMIN}"


class Command(BaseCommand):
    help = "创建省职改办（如尚无）及其首个管理员，打印一次性密码（首次登录须修改）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="登录名（字母和数字，4 到 30 位）")
        parser.add_argument("--real-name", required=True, help="管理员姓名（实名）")
        parser.add_argument("--phone", default="", help="手机号码（可选）")
        parser.add_argument("--province", default="浙江省职称工作领导小组办公室", help="省职改办名称（仅首次创建时用）")
        parser.add_argument("--region", default="330000", help="省级行政区划代码（仅首次创建时用）")
        parser.add_argument(
            "--roles",
            default=DEFAULT_ROLES,
            help="逗号分隔的角色：默认职改办管理员 + 安全管理员（安全管理员再以“本级人员授权”添加系统管理员、审计管理员）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Organisation.objects.filter(parent=None).order_by("pk").first()
        if root is None:
            region = region_by_code(options["region"])
            if region is None:
                raise CommandError("缺少行政区划字典或代码不存在：请先运行 manage.py load_dictionaries。")
            root = services.create_root_organisation(name=options["province"], region=region)
            self.stdout.write(f"已创建省职改办：{root.name}（机构代码 {root.code}）")
        create_admin(self, root, options)


def create_admin(command: BaseCommand, organisation: Organisation, options: dict[str, Any]) -> None:
    roles = [r.strip() for r in options["roles"].split(",") if r.strip()]
    try:
        user, password = people.create_first_administrator(
            organisation=organisation,
            username=options["username"],
            real_name=options["real_name"],
            phone=options["phone"],
            roles=roles,
        )
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    command.stdout.write(f"已在“{organisation.name}”创建管理员 {user.username}。")
    command.stdout.write(f"一次性密码（只显示这一次，首次登录须修改）：{password}")
