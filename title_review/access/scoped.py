"""Policies of the kinds whose rule is "a capability over the organisation the row belongs to".

Each purpose names the capability (roles.CAPABILITIES) and the field holding the organisation's path;
a purpose may add a condition on the row itself (a 工作账号 is a user of kind sub_account).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from title_review.accounts.models import AccountKind, User
from title_review.achievements.models import Achievement, Appraisal, Education, Training, WorkHistory
from title_review.api.models import ApiToken
from title_review.certificates.models import Certificate
from title_review.committees.models import (
    Ballot,
    BlindReview,
    Expert,
    Meeting,
    MeetingMember,
    MeetingPanel,
    PanelDeclaration,
)
from title_review.dictionaries.models import Entry
from title_review.eligibility.models import IntegrityRecord
from title_review.exchange.models import ReceivedDeclaration, ReceivedFile
from title_review.organisations.models import Organisation, OrganisationNameChange
from title_review.reviews.models import Objection, Publicity
from title_review.system.models import WorkingDayOverride

from .kinds import ObjectPolicy, both, either, register
from .policies import has_capability, person_pk, scope_filter, scope_org_ids


@dataclass(frozen=True)
class Grant:
    capability: str
    path_field: str
    where: Q = field(default_factory=Q)
    # The row's own organisation column (``organisation_id``): the scope is then resolved to organisation ids
    # first (policies.scope_org_ids) instead of joining each row's organisation to compare its path.
    org_field: str | None = None

    def scope(self, user: Any) -> Q | None:
        if self.org_field is not None:
            return scope_org_ids(user, self.capability, self.org_field)
        return scope_filter(user, self.capability, path_field=self.path_field)


class ScopedPolicy(ObjectPolicy[Any]):
    """A policy from a table purpose -> Grant (or several grants, any of which allows)."""

    def __init__(self, kind: str, model: type[models.Model], grants: dict[str, tuple[Grant, ...]]) -> None:
        self.kind = kind  # type: ignore[misc]  # instance-level kind: one class, many tables
        self.model = model  # type: ignore[misc]
        self.grants = grants
        self.purposes = frozenset(grants)  # type: ignore[misc]

    def rule(self, user: Any, purpose: str) -> Q | None:
        return either(*(both(g.scope(user), g.where) for g in self.grants[purpose]))


def _one(capability: str, path_field: str, where: Q | None = None) -> tuple[Grant, ...]:
    return (Grant(capability, path_field, where if where is not None else Q()),)


organisations = register(
    ScopedPolicy(
        "organisation",
        Organisation,
        {
            "view": _one("organisation.view", "path"),
            "create_child": _one("organisation.create_child", "path"),
            "change": _one("organisation.change", "path"),
            "disable": _one("organisation.disable", "path"),
            "remove": _one("organisation.remove", "path"),
        },
    )
)
# 更名记录: seen wherever the unit is seen, and by its 归口部门 (the direct parent; a 人才服务局's administrator
# sees no unit below it otherwise); withdrawn by the unit; decided only by the 归口部门.
name_changes = register(
    ScopedPolicy(
        "name_change",
        OrganisationNameChange,
        {
            "view": (
                Grant("organisation.view", "organisation__path"),
                Grant("employer.rename_decide", "organisation__parent__path"),
            ),
            "withdraw": _one("employer.manage", "organisation__path"),
            "decide": _one("employer.rename_decide", "organisation__parent__path"),
        },
    )
)
# 评审会议 and its ballots (表决): the committee's secretary, at the committee's host (ADR 0030). Members take
# part through their seat (committees.services), never through this policy.
meetings = register(
    ScopedPolicy(
        "meeting",
        Meeting,
        {
            "manage": _one("meeting.manage", "committee__host__path"),
            # 评审结果 go to the title office that published the round (once the meeting is closed).
            "results": _one("round.manage", "round__publisher__path", Q(status="closed")),
        },
    )
)
panels = register(
    ScopedPolicy("meeting_panel", MeetingPanel, {"manage": _one("meeting.manage", "meeting__committee__host__path")})
)
ballots = register(ScopedPolicy("ballot", Ballot, {"manage": _one("meeting.manage", "meeting__committee__host__path")}))


class _Seats(ObjectPolicy[Any]):
    """A member's own part in a meeting: the meetings they sit on, their ballots, their panels' declarations.

    Who may vote on a ballot (present at its opening, once) is the vote service's rule; this says only
    which objects a member may reach at all."""

    def __init__(self, kind: str, model: type[models.Model], purpose: str, seat_field: str) -> None:
        self.kind = kind  # type: ignore[misc]  # instance-level kind, as ScopedPolicy
        self.model = model  # type: ignore[misc]
        self.purposes = frozenset({purpose})  # type: ignore[misc]
        self.seat_field = seat_field

    def rule(self, user: Any, purpose: str) -> Q | None:
        if not has_capability(user, "meeting.take_part"):
            return None
        seats = MeetingMember.objects.filter(user_id=user.pk)
        if self.seat_field == "panel":
            return Q(panel__in=seats.values("panels__panel_id"))
        return Q(**{f"{self.seat_field}__in": seats.values("meeting_id")})


meeting_seats = register(_Seats("meeting_seat", Meeting, "take_part", "pk"))
ballot_seats = register(_Seats("ballot_seat", Ballot, "vote", "meeting"))
panel_seats = register(_Seats("panel_assignment", PanelDeclaration, "write", "panel"))


class _BlindReviews(ObjectPolicy[Any]):
    """代表作评审: a reviewer reaches their own reviews only (the applicant and everyone else, nothing)."""

    kind = "blind_review"
    model = BlindReview
    purposes = frozenset({"review"})

    def rule(self, user: Any, purpose: str) -> Q | None:
        return Q(reviewer_id=user.pk) if has_capability(user, "meeting.take_part") else None


blind_reviews = register(_BlindReviews())
experts = register(ScopedPolicy("expert", Expert, {"manage": _one("expert.manage", "employer__path")}))
# 工作账号: the employer's administrator manages its own operator accounts.
sub_accounts = register(
    ScopedPolicy(
        "sub_account",
        User,
        {"manage": _one("employer.manage", "organisation__path", Q(kind=AccountKind.SUB_ACCOUNT))},
    )
)
tokens = register(ScopedPolicy("token", ApiToken, {"manage": _one("token.manage", "user__organisation__path")}))
# Code tables and the working-day calendar are the province's (ROOT capabilities: the path is not read).
entries = register(ScopedPolicy("dictionary_entry", Entry, {"manage": _one("dictionary.manage", "code")}))
workdays = register(ScopedPolicy("workday_override", WorkingDayOverride, {"manage": _one("workday.manage", "note")}))
integrity = register(
    ScopedPolicy(
        "integrity_record",
        IntegrityRecord,
        {
            "view": _one("integrity.view", "organisation__path"),
            "manage": _one("integrity.manage", "organisation__path"),
        },
    )
)


class CertificatePolicy(ScopedPolicy):
    """证书信息 by the office's subtree; the 电子证书 PDF also to the holder's unit and to the holder (by the
    person's 证件类型 + 证件号码, so a certificate recorded before the account existed is theirs too)."""

    def rule(self, user: Any, purpose: str) -> Q | None:
        if purpose != "download":
            return super().rule(user, purpose)
        mine: Q | None = None
        if has_capability(user, "certificate.mine"):
            pk = person_pk(user)
            person = user if pk == user.pk else User.objects.filter(pk=pk or 0).first()
            if person is not None and person.id_number:
                mine = Q(id_type=person.id_type, id_number=person.id_number)
        return either(
            scope_org_ids(user, "certificate.view", "organisation_id"),
            scope_org_ids(user, "certificate.unit", "organisation_id"),
            mine,
        )


def _by_organisation(capability: str) -> tuple[Grant, ...]:
    # 证书信息 at ~300,000 (the list pattern, ADR 0053): the scope as organisation ids, so that the
    # certificate indexes that start with the organisation, or the newest-first one, serve each list.
    return (Grant(capability, "organisation__path", org_field="organisation_id"),)


certificates = register(
    CertificatePolicy(
        "certificate",
        Certificate,
        {
            "view": _by_organisation("certificate.view"),
            "number": _by_organisation("certificate.number"),
            "revoke": _by_organisation("certificate.revoke"),
            "download": (),
        },
    )
)
received = register(
    ScopedPolicy("received_declaration", ReceivedDeclaration, {"manage": _one("exchange.manage", "organisation__path")})
)
received_files = register(
    ScopedPolicy("received_file", ReceivedFile, {"manage": _one("exchange.manage", "declaration__organisation__path")})
)


class PublicityPolicy(ScopedPolicy):
    """单位内部公示: the employer runs it; its 公示表 prints for the employer and the levels above it."""

    def rule(self, user: Any, purpose: str) -> Q | None:
        if purpose != "print":
            return super().rule(user, purpose)
        printers = scope_filter(user, "declaration.print", path_field="employer__path")
        sees = either(
            *(
                scope_filter(user, c, path_field="employer__path")
                for c in ("review.employer", "review.employer_view", "review.inbox")
            )
        )
        return None if printers is None or sees is None else printers & sees


publicities = register(
    PublicityPolicy(
        "publicity",
        Publicity,
        {"manage": _one("review.employer", "employer__path"), "print": _one("declaration.print", "employer__path")},
    )
)
objections = register(
    ScopedPolicy("objection", Objection, {"manage": _one("review.employer", "publicity__employer__path")})
)


class RecordPolicy(ObjectPolicy[Any]):
    """业绩档案: each person's records are their own."""

    def __init__(self, section: str, model: type[models.Model]) -> None:
        self.kind = f"record:{section}"  # type: ignore[misc]
        self.model = model  # type: ignore[misc]
        self.purposes = frozenset({"own"})  # type: ignore[misc]

    def rule(self, user: Any, purpose: str) -> Q | None:
        person = person_pk(user)
        return None if person is None else Q(owner_id=person)


records = {
    section: register(RecordPolicy(section, model))
    for section, model in (
        ("education", Education),
        ("work", WorkHistory),
        ("training", Training),
        ("appraisal", Appraisal),
        ("achievement", Achievement),
    )
}
