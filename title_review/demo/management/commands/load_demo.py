from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from title_review.access.models import RoleGrant
from title_review.accounts.models import User
from title_review.core.identity import validate_identity
from title_review.demo.data import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS, PERSONAL_IDENTITIES, ROOT
from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import services
from title_review.organisations.models import EmployerStaff, Organisation


class Command(BaseCommand):
    help = "载入演示数据（仅首次运行时；已有机构则跳过）。"

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.exists():
            self.stdout.write("已有机构数据，跳过演示数据。")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入：{len(ACCOUNTS)} 个账号，密码 {DEMO_PASSWORD}"))

    def _load(self) -> None:
        region = region_by_code(ROOT["region"])
        if region is None:
            raise SystemExit("缺少行政区划字典：请先运行 manage.py load_dictionaries")
        orgs = {ROOT["key"]: services.create_root_organisation(name=ROOT["name"], region=region)}
        root = orgs[ROOT["key"]]
        builder = User(username="demo-setup", real_name="演示数据")
        builder.set_unusable_password()
        builder.save()
        RoleGrant.objects.create(user=builder, role="office_admin", organisation=root)
        for key, parent_key, name, kind, region_code in ORGANISATIONS:
            orgs[key] = services.create_organisation(
                actor=builder,
                parent_id=orgs[parent_key].pk,
                name=name,
                kind=kind,
                region=region_by_code(region_code),
            )
        for username, real_name, org_key, role, _description in ACCOUNTS:
            user = User(username=username, real_name=real_name, organisation=orgs[org_key])
            if role == "applicant":
                identity = PERSONAL_IDENTITIES[username]
                facts = validate_identity(identity["id_type"], identity["id_number"])
                user.kind = "personal"
                user.id_type = identity["id_type"]
                user.id_number = facts.number
                user.birth_date = facts.birth_date
                user.sex = facts.sex
                user.phone = identity["phone"]
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == "applicant":
                EmployerStaff.objects.create(employer=orgs[org_key], person=user)
            RoleGrant.objects.create(user=user, role=role, organisation=None if role == "applicant" else orgs[org_key])
        builder.grants.all().delete()
        builder.delete()
