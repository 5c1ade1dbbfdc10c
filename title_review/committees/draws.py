"""抽取评委: a round's committee drawn at random from the expert pool (issue 13).

The rules (人社部发〔2024〕56号 and provincial practice, domain.md §1.2), with the province's numbers in
PolicySetting: an odd number of members, at least `committee.min_members_series` (25) for a committee of a
whole series or `committee.min_members_specialty` (11) for one of named specialties; alternates drawn with
them (`committee.draw_ratio`: 2 draws twice the seats, the second half in order as alternates); at least
`committee.outside_share_percent` (10 %) from outside the host's region. Before the draw, the experts who
must stand aside are recorded (自动回避): applicants of the round, anyone working at an applicant's unit, experts
with a relation declared with an applicant, and an applicant's 破格 recommenders (committees.recusals).

The draw is a pure function of the seed and the pool as it stood (`select`), both recorded on the Draw, so
anyone may draw it again (`replay`) and get the same committee.
"""

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.access.policies import require
from title_review.accounts.models import User
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError
from title_review.core.policies import get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.rounds.models import Round

from . import recusals, services
from .models import (
    Draw,
    DrawnExpert,
    Expert,
    ExpertStatus,
    Meeting,
    MeetingMember,
    MeetingStatus,
    Recusal,
    SeatRole,
)


@dataclass(frozen=True)
class Selection:
    members: list[int]  # expert ids, in the order drawn
    alternates: list[int]


def region_prefix(code: str) -> str:
    """The part of a 行政区划 code that names the area: 330000 → 33 (province), 330100 → 3301, 330102 → 330102."""
    code = code or ""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def select(
    seed: str, candidates: Sequence[int], outside: Sequence[int], *, size: int, alternates: int, outside_needed: int
) -> Selection:
    """The draw itself: the outside quota first, the other seats from everyone left, then the alternates."""
    rng = random.Random(seed)  # noqa: S311 — a reproducible draw from a recorded seed, not a secret
    pool = sorted(candidates)
    outside_pool = sorted(set(outside) & set(pool))
    picked_outside = rng.sample(outside_pool, outside_needed)
    rest = [pk for pk in pool if pk not in set(picked_outside)]
    rng.shuffle(rest)
    members = picked_outside + rest[: size - outside_needed]
    rng.shuffle(members)
    return Selection(members=members, alternates=rest[size - outside_needed : size - outside_needed + alternates])


def replay(draw: Draw) -> Selection:
    return select(
        draw.seed,
        draw.candidate_ids,
        draw.outside_ids,
        size=draw.size,
        alternates=draw.alternates,
        outside_needed=draw.outside_needed,
    )


def minimum_members(specialties: Sequence[str]) -> int:
    key = "committee.min_members_specialty" if specialties else "committee.min_members_series"
    return int(get_policy(key))


def _recusals(round_: Round, experts: list[Expert]) -> dict[int, str]:
    """自动回避: expert id → the reason, for applicants of the round (whatever their declaration's stage), colleagues
    of an accepted applicant, relations declared with one, and an accepted applicant's 破格 recommenders."""
    accepted = list(
        Declaration.objects.filter(round=round_, status=Status.ACCEPTED)
        .select_related("employer")
        .only("applicant_id", "applicant_name", "employer__name", "recommenders")
        .order_by("pk")
    )
    applying = set(
        Declaration.objects.filter(round=round_).exclude(status=Status.WITHDRAWN).values_list("applicant_id", flat=True)
    )
    names = dict(User.objects.filter(pk__in=[e.user_id for e in experts]).values_list("pk", "real_name"))
    relations = recusals.declared_relations([e.pk for e in experts], [d.applicant_id for d in accepted])
    # Only the declarations that could concern an expert are asked (same unit, a declared relation, a name among
    # the recommenders): a pool of thousands against hundreds of applicants stays linear.
    by_employer: dict[int, list[Declaration]] = {}
    by_applicant: dict[int, list[Declaration]] = {}
    by_recommender: dict[str, list[Declaration]] = {}
    for declaration in accepted:
        by_employer.setdefault(declaration.employer_id, []).append(declaration)
        by_applicant.setdefault(declaration.applicant_id, []).append(declaration)
        for name in recusals.recommenders_of(declaration):
            by_recommender.setdefault(name, []).append(declaration)
    related: dict[int, list[Declaration]] = {}
    for expert_id, applicant_id in relations:
        related.setdefault(expert_id, []).extend(by_applicant.get(applicant_id, []))
    reasons: dict[int, str] = {}
    for expert in experts:
        if expert.user_id in applying:
            reasons[expert.pk] = "本人为本次评审活动的申报人"
            continue
        name = names.get(expert.user_id, "").strip()
        reviewer = recusals.Reviewer(expert.user_id, name, expert.employer_id, expert.pk)
        concerned = [
            *by_employer.get(expert.employer_id, []),
            *related.get(expert.pk, []),
            *by_recommender.get(name, []),
        ]
        found = next((r for d in concerned if (r := recusals.reason(d, reviewer, relations))), "")
        if found:
            reasons[expert.pk] = found
    return reasons


@transaction.atomic
def draw_committee(
    *, actor: Any, round_id: int, title: str, size: int | None = None, seed: str | None = None
) -> Meeting:
    """抽取评委 for a round: records the automatic recusals, draws members and alternates, and makes the
    meeting with the members drawn. Names stay with the secretary (the `meeting` policy)."""
    round_ = Round.objects.select_related("committee__host__region").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    committee = round_.committee
    if committee is None:
        raise DomainError(f"评审活动“{round_.title}”尚未指定评委会，不能抽取评委。", code="no_committee")
    require(actor, "meeting.manage", committee.host)
    today = timezone.localdate()
    if not committee.is_active:
        raise DomainError(f"“{committee.name}”已停用，不能抽取评委。", code="committee_inactive")
    services.refuse_unfiled(committee, today)
    if Meeting.objects.filter(round=round_, committee=committee).exclude(status=MeetingStatus.CLOSED).exists():
        raise Conflict("本评审活动已有评委会会议，不能重复抽取。", code="already_drawn")
    minimum = minimum_members(committee.specialties)
    size = size or minimum
    if size % 2 == 0 or size < minimum:
        raise DomainError(f"评委人数应为不少于 {minimum} 的单数，现为 {size} 人。", field="size")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写会议名称。", field="title")

    pool = Expert.objects.filter(
        status=ExpertStatus.ACTIVE,
        series_id=committee.series_id,
        term_starts__lte=today,
        term_ends__gte=today,
        integrity_flag=False,
        user__is_active=True,
    ).select_related("employer__region")
    if committee.specialties:
        pool = pool.filter(specialty__in=committee.specialties)
    experts = list(pool.order_by("pk"))
    recused = _recusals(round_, experts)
    candidates = [e for e in experts if e.pk not in recused]
    home = region_prefix(committee.host.region.code)
    outside = [e.pk for e in candidates if not e.employer.region.code.startswith(home)]
    ratio = int(get_policy("committee.draw_ratio"))
    alternates = size * (ratio - 1)
    outside_needed = -(-size * int(get_policy("committee.outside_share_percent")) // 100)
    if len(candidates) < size + alternates or len(outside) < outside_needed:
        raise DomainError(
            f"专家库中符合条件的专家 {len(candidates)} 人（其中外地专家 {len(outside)} 人，另有 {len(recused)} 人须回避），"
            f"抽取评委 {size} 人和候补 {alternates} 人共需 {size + alternates} 人，其中外地专家至少 {outside_needed} 人。"
            "请先补充专家库。",
            code="pool_too_small",
        )
    seed = seed or secrets.token_hex(16)
    chosen = select(
        seed, [e.pk for e in candidates], outside, size=size, alternates=alternates, outside_needed=outside_needed
    )
    now = timezone.now()
    meeting = Meeting.objects.create(round=round_, committee=committee, title=title, created_by=actor)
    draw = Draw.objects.create(
        meeting=meeting,
        seed=seed,
        size=size,
        alternates=alternates,
        outside_needed=outside_needed,
        candidate_ids=[e.pk for e in candidates],
        outside_ids=outside,
        drawn_at=now,
        drawn_by=actor,
    )
    users = {e.pk: e.user_id for e in candidates}
    outside_set = set(outside)
    DrawnExpert.objects.bulk_create(
        DrawnExpert(draw=draw, expert_id=pk, position=position, role=role, outside=pk in outside_set)
        for position, (pk, role) in enumerate(
            [(pk, SeatRole.MEMBER) for pk in chosen.members] + [(pk, SeatRole.ALTERNATE) for pk in chosen.alternates],
            start=1,
        )
    )
    Recusal.objects.bulk_create(
        Recusal(draw=draw, expert_id=pk, automatic=True, reason=reason, recorded_at=now)
        for pk, reason in recused.items()
    )
    MeetingMember.objects.bulk_create(MeetingMember(meeting=meeting, user_id=users[pk]) for pk in chosen.members)
    record_event(
        actor=actor,
        action="committee.draw",
        obj=draw,
        after={
            "seed": seed,
            "size": size,
            "alternates": alternates,
            "outside_needed": outside_needed,
            "candidates": len(candidates),
            "recused": len(recused),
        },
        organisation=committee.host,
    )
    return meeting


@transaction.atomic
def recuse(*, actor: Any, meeting_id: int, expert_id: int, reason: str) -> DrawnExpert:
    """手动回避: a drawn member stands aside before the meeting starts; the first alternate in drawn order
    takes the seat (an outside one when the outside quota would otherwise fall short)."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("committee__host").filter(pk=meeting_id)
    found = meeting.first()
    if found is None or not scoped.meetings.allows(actor, found, "manage"):
        raise Http404
    if found.status != MeetingStatus.PREPARING:
        raise Conflict("会议已开始，不能再调整评委。", code="meeting_started")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写回避原因。", field="reason")
    draw = Draw.objects.filter(meeting=found).first()
    if draw is None:
        raise DomainError("本次会议的评委不是抽取产生的，没有候补专家可以递补。", code="not_drawn")
    seat = DrawnExpert.objects.select_related("expert").filter(draw=draw, expert_id=expert_id).first()
    if seat is None or seat.role != SeatRole.MEMBER:
        raise DomainError("该专家不是本次抽取的评委。", field="expert")
    seats = list(DrawnExpert.objects.filter(draw=draw).order_by("position"))
    outside_left = sum(1 for s in seats if s.role == SeatRole.MEMBER and s.outside and s.pk != seat.pk)
    waiting = [s for s in seats if s.role == SeatRole.ALTERNATE]
    if outside_left < draw.outside_needed:
        waiting = [s for s in waiting if s.outside]
    if not waiting:
        raise DomainError("候补专家已用完，不能再回避；请重新抽取。", code="no_alternate")
    replacement = waiting[0]
    seat.role = SeatRole.RECUSED
    seat.save(update_fields=["role"])
    replacement.role = SeatRole.MEMBER
    replacement.save(update_fields=["role"])
    Recusal.objects.create(draw=draw, expert=seat.expert, automatic=False, reason=reason, recorded_at=timezone.now())
    MeetingMember.objects.filter(meeting=found, user_id=seat.expert.user_id).delete()
    replacing = Expert.objects.only("user_id").get(pk=replacement.expert_id)
    MeetingMember.objects.create(meeting=found, user_id=replacing.user_id)
    record_event(
        actor=actor,
        action="committee.recuse",
        obj=draw,
        after={"position": seat.position, "replaced_by_position": replacement.position},
        reason=reason,
        organisation=found.committee.host,
    )
    return replacement


def valid_term(starts: dt.date, ends: dt.date) -> bool:
    """一届不超过 3 年."""
    if starts.year + 3 > dt.MAXYEAR:  # three years on is past the calendar: every later date is within them
        return starts <= ends
    try:
        limit = starts.replace(year=starts.year + 3)
    except ValueError:  # 29 February
        limit = starts.replace(year=starts.year + 3, day=28)
    return starts <= ends <= limit
