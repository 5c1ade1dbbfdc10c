import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.committees.models import Expert, ExpertStatus
from title_review.core.identity import validate_identity
from title_review.demo.data import (
    ACCOUNTS,
    COMMITTEE,
    DEMO_PASSWORD,
    EXPERTS,
    ORGANISATIONS,
    PERSONAL_IDENTITIES,
    ROOT,
    ROUND,
)
from title_review.dictionaries.models import Entry
from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import services
from title_review.organisations.models import EmployerStaff, Organisation
from title_review.rounds import services as rounds
from title_review.rounds.models import Round, RoundStatus


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
        self._committee_stage(orgs, builder)
        builder.grants.all().delete()
        builder.delete()

    def _committee_stage(self, orgs: dict[str, Organisation], builder: User) -> None:
        """评委会评审: the province's committee with its 备案, a round it reviews (closed for declarations), and
        the expert pool, each expert with an account of their own (one password hash for all: cheap)."""
        today = timezone.localdate()
        now = timezone.now()
        series = Entry.objects.get(type__code="series", code=COMMITTEE["series"])
        filed_on = today - dt.timedelta(days=COMMITTEE["filed_days_ago"])
        committee = rounds.create_committee(
            actor=builder,
            host=orgs[str(COMMITTEE["host"])],
            name=str(COMMITTEE["name"]),
            series=series,
            levels=list(COMMITTEE["levels"]),
            specialties=[],
            filing_number=str(COMMITTEE["filing_number"]),
            filed_on=filed_on,
            valid_until=filed_on + dt.timedelta(days=3 * 365 - 1),  # within 3 years, leap day or not
        )
        round_ = rounds.create_round(
            actor=builder,
            publisher=committee.host,
            title=str(ROUND["title"]).format(year=today.year),
            year=today.year,
            kind="review",
            series=series,
            committee=committee,
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=10),
        )
        rounds.update_round(
            actor=builder,
            round_id=round_.pk,
            changes={"levels": list(ROUND["levels"]), "routes": list(ROUND["routes"])},
            scope=[committee.host],
        )
        # Published when its window opened (publish_round refuses a window already past).
        Round.objects.filter(pk=round_.pk).update(status=RoundStatus.PUBLISHED, published_at=round_.opens_at)

        password = make_password(DEMO_PASSWORD)
        accounts = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in EXPERTS])}
        new = [
            User(username=username, real_name=name, organisation=orgs[org_key], password=password)
            for username, name, org_key, *_rest in EXPERTS
            if username not in accounts
        ]
        User.objects.bulk_create(new)
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=Role.EXPERT, organisation=user.organisation) for user in new
        )
        accounts.update({u.username: u for u in new})
        starts = today - dt.timedelta(days=200)
        Expert.objects.bulk_create(
            Expert(
                user=accounts[username],
                employer=orgs[org_key],
                series=series,
                specialty=specialty,
                title_name=title_name,
                level=level,
                term_starts=starts,
                term_ends=starts + dt.timedelta(days=2 * 365),
                status=ExpertStatus.ACTIVE,
            )
            for username, _name, org_key, specialty, (title_name, level) in EXPERTS
        )
