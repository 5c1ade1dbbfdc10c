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


def accepted_many(world: dict, count: int, *, start: int = 0) -> list:
    """`count` more accepted declarations in the sitting's round, at 朱老师's unit, as bulk rows (申报人000, 申报人001…;
    no dossier content): the long lists of a big round."""
    from title_review.declarations.models import Declaration
    from title_review.declarations.workflow import Status

    template = world["declaration"]
    people = User.objects.bulk_create(
        User(username=f"bulkapplicant{n:04d}", real_name=f"申报人{n:03d}", password="!")
        for n in range(start, start + count)
    )
    now = timezone.now()
    return Declaration.objects.bulk_create(
        Declaration(
            applicant=person,
            applicant_name=person.real_name,
            round_id=template.round_id,
            employer_id=template.employer_id,
            filled_by=person,
            status=Status.ACCEPTED,
            pledge_version="2026-11",
            pledge_accepted_at=now,
            submitted_at=now,
            snapshot={},
        )
        for person in people
    )


def closed_ballots(world: dict, declarations: list, *, attempt: int = 1, passed: bool = True) -> list:
    """A closed ballot on each of `declarations` at the sitting (17 present; 12 同意 passes, 11 does not), as rows."""
    from title_review.committees.models import Ballot, BallotOutcome, BallotStatus

    now = timezone.now()
    approve = 12 if passed else 11
    return Ballot.objects.bulk_create(
        Ballot(
            meeting=world["meeting"],
            declaration=declaration,
            attempt=attempt,
            status=BallotStatus.CLOSED,
            members_count=25,
            present_count=17,
            approve=approve,
            reject=17 - approve,
            outcome=BallotOutcome.PASSED if passed else BallotOutcome.FAILED,
            opened_at=now,
            closed_at=now,
            opened_by=world["secretary"],
            closed_by=world["secretary"],
        )
        for declaration in declarations
    )


def panel_of(world: dict, declarations: list) -> object:
    """A 评议组 (中学组) of the sitting's first three experts, given `declarations` (as rows)."""
    from title_review.committees import panels

    panel = panels.form_panel(
        actor=world["secretary"],
        meeting_id=world["meeting"].pk,
        name="中学组",
        member_user_ids=[e.pk for e in world["experts"][:3]],
    )
    give(world, panel, declarations)
    return panel


def give(world: dict, panel: object, declarations: list) -> list:
    """`declarations` assigned to `panel`, as rows."""
    from title_review.committees.models import PanelDeclaration

    return PanelDeclaration.objects.bulk_create(
        PanelDeclaration(panel=panel, meeting=world["meeting"], declaration=d) for d in declarations
    )


def open_ballots(world: dict, declarations: list, present: int = 17) -> list:
    """An open ballot on each of `declarations` (rows), the first `present` members entitled to vote."""
    from title_review.committees.models import Ballot, BallotVoter, MeetingMember

    now = timezone.now()
    ballots = Ballot.objects.bulk_create(
        Ballot(
            meeting=world["meeting"],
            declaration=d,
            members_count=25,
            present_count=present,
            opened_at=now,
            opened_by=world["secretary"],
        )
        for d in declarations
    )
    seats = list(MeetingMember.objects.filter(meeting=world["meeting"]).order_by("pk")[:present])
    BallotVoter.objects.bulk_create(BallotVoter(ballot=b, member=m) for b in ballots for m in seats)
    return ballots
