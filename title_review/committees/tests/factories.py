"""A committee's sitting for the vote tests: a secretary, experts and an accepted declaration, through the
real services where the stage exists (the chain up to 受理) and as rows where it does not yet (the draw). The
committee has a valid 备案: a 未备案 one holds no meeting (ADR 0032)."""

import datetime as dt

from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.committees import services
from title_review.dictionaries.models import Entry
from title_review.exchange.tests.factories import accepted_for, publish_round
from title_review.organisations.models import Organisation
from title_review.rounds import services as rounds
from title_review.rounds.models import Round

HOST = "杭州市职称工作领导小组办公室"


def filing() -> dict:
    """A valid 备案 for a test committee: a meeting needs one (ADR 0032)."""
    return {"filing_number": "浙职改备〔2026〕12号", "valid_until": timezone.localdate() + dt.timedelta(days=365)}


def _account(username: str, name: str, organisation: Organisation, role: Role) -> User:
    user = User.objects.create_user(username=username, password=None, real_name=name, organisation=organisation)
    RoleGrant.objects.create(user=user, organisation=organisation, role=role)
    return user


def sitting(members: int = 25) -> dict:
    """A published round reviewed by the 杭州市中小学教师评委会, one declaration accepted in it, its secretary,
    and a meeting of `members` experts, started."""
    host = Organisation.objects.get(name=HOST)
    hzadmin = User.objects.get(username="hzadmin")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=hzadmin,
        host=host,
        name="杭州市中小学教师评委会",
        series=series,
        levels=levels,
        specialties=[],
        **filing(),
    )
    round_ = publish_round()
    Round.objects.filter(pk=round_.pk).update(committee=committee)
    declaration = accepted_for("teacher", round_)
    secretary = _account("pwmishu", "评委会秘书", host, Role.COMMITTEE_SECRETARY)
    experts = [_account(f"expert{i:02d}", f"专家{i:02d}", host, Role.EXPERT) for i in range(1, members + 1)]
    meeting = services.create_meeting(
        actor=secretary,
        round_id=round_.pk,
        committee_id=committee.pk,
        title="2026年度中小学教师评委会评审会议",
        member_ids=[e.pk for e in experts],
    )
    services.start_meeting(actor=secretary, meeting_id=meeting.pk)
    return {
        "committee": committee,
        "round": round_,
        "declaration": declaration,
        "secretary": secretary,
        "experts": experts,
        "meeting": meeting,
    }


def sign_in(world: dict, count: int) -> None:
    for expert in world["experts"][:count]:
        services.sign_in(actor=expert, meeting_id=world["meeting"].pk)
