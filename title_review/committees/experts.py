"""专家库: experts enter the pool by application or a unit's nomination, the title office approves them for
one 届 (≤ 3 years), and may take them out (出库) with a reason. An approved expert signs in with their own
account and holds the 评审专家 role; a removed one loses it."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.access.models import RoleGrant
from title_review.access.policies import forget_grants, require
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError
from title_review.dictionaries.models import Entry
from title_review.organisations.models import EmployerStaff, Organisation

from .draws import valid_term
from .models import DeclaredRelation, Expert, ExpertStatus


@transaction.atomic
def propose_expert(
    *,
    actor: Any,
    user_id: int,
    employer_id: int,
    series_code: str,
    specialty: str,
    title_name: str,
    level: str,
    term_starts: dt.date,
    term_ends: dt.date,
) -> Expert:
    """入库申请 (by the person, for their own unit) or 推荐 (by a unit's administrator, of the unit's own staff):
    waits for the title office's approval."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    employer = Organisation.objects.filter(pk=employer_id, is_active=True).first()
    if user is None or employer is None:
        raise Http404
    nominating = user.pk != actor.pk
    if nominating:
        require(actor, "employer.manage", employer, message="只有专家所在单位的管理员可以推荐其入库。")
        if employer.pk not in own_employers(user):
            raise DomainError(
                f"只能推荐本单位的工作人员入库：{user}不是{employer.name}登记的工作人员。",
                field="user",
                code="not_staff",
            )
    else:
        _check_own_employer(user, employer)
    series = Entry.objects.filter(type__code="series", code=series_code, is_active=True).first()
    if series is None:
        raise DomainError("请选择评审系列。", field="series")
    title_name = (title_name or "").strip()
    if not title_name:
        raise DomainError("请填写专业技术职务。", field="title_name")
    if not valid_term(term_starts, term_ends):
        raise DomainError("聘期应在开始之后结束，且一届不超过 3 年。", field="term_ends")
    if Expert.objects.filter(user=user).exclude(status=ExpertStatus.REMOVED).exists():
        raise Conflict("该人员已在专家库中或正在等待审核。", code="already_in_pool")
    Expert.objects.filter(user=user, status=ExpertStatus.REMOVED).delete()
    expert = Expert.objects.create(
        user=user,
        employer=employer,
        series=series,
        specialty=(specialty or "").strip(),
        title_name=title_name,
        level=(level or "").strip(),
        term_starts=term_starts,
        term_ends=term_ends,
        nominated_by=employer if nominating else None,
    )
    record_event(actor=actor, action="expert.propose", obj=expert, organisation=employer)
    return expert


def own_employers(user: Any) -> set[int]:
    """The units a person works at: their account's organisation and the units that registered them as staff
    (单位工作人员, still active)."""
    ids = set(EmployerStaff.objects.filter(person_id=user.pk, is_active=True).values_list("employer_id", flat=True))
    if user.organisation_id:
        ids.add(user.organisation_id)
    return ids


def _check_own_employer(user: Any, employer: Organisation) -> None:
    """本人申请入库: the unit given must be the applicant's own."""
    own = own_employers(user)
    if employer.pk in own:
        return
    if not own:
        raise DomainError(
            "您的账号尚未关联工作单位，请先由单位将您登记为工作人员后再申请入库。", field="employer", code="no_employer"
        )
    names = "、".join(Organisation.objects.filter(pk__in=own).order_by("pk").values_list("name", flat=True))
    raise DomainError(f"申请入库须填写本人的工作单位（{names}）。", field="employer", code="not_own_employer")


def _locked(actor: Any, expert_id: int) -> Expert:
    expert = Expert.objects.select_for_update(of=("self",)).select_related("employer").filter(pk=expert_id).first()
    if expert is None or not scoped.experts.allows(actor, expert, "manage"):
        raise Http404
    return expert


@transaction.atomic
def approve_expert(*, actor: Any, expert_id: int) -> Expert:
    """入库: the expert is in the pool and holds the 评审专家 role at their unit."""
    expert = _locked(actor, expert_id)
    if expert.status != ExpertStatus.PENDING:
        raise Conflict(f"该专家{expert.get_status_display()}，不能审核入库。", code="stale")
    expert.status = ExpertStatus.ACTIVE
    expert.save(update_fields=["status", "updated_at"])
    RoleGrant.objects.get_or_create(user=expert.user, organisation=expert.employer, role=Role.EXPERT)
    forget_grants(expert.user)
    record_event(actor=actor, action="expert.approve", obj=expert, organisation=expert.employer)
    return expert


@transaction.atomic
def remove_expert(*, actor: Any, expert_id: int, reason: str) -> Expert:
    """出库: never drawn again; the 评审专家 role goes."""
    expert = _locked(actor, expert_id)
    if expert.status == ExpertStatus.REMOVED:
        raise Conflict("该专家已出库。", code="stale")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写出库原因。", field="reason")
    expert.status = ExpertStatus.REMOVED
    expert.removal_reason = reason[:200]
    expert.save(update_fields=["status", "removal_reason", "updated_at"])
    RoleGrant.objects.filter(user=expert.user, role=Role.EXPERT).delete()
    record_event(actor=actor, action="expert.remove", obj=expert, reason=reason, organisation=expert.employer)
    return expert


RELATION_MAX_LENGTH = 50


@transaction.atomic
def declare_relation(*, actor: Any, expert_id: int, applicant_id: int, relation: str) -> DeclaredRelation:
    """申报回避关系: the expert, the applicant, or the title office over the expert's unit records a relation
    (亲属, 师生, 合作者…) between them; from then on the expert stands aside from that applicant's review
    (committees.recusals: the draw, panels, 代表作 送审)."""
    expert = Expert.objects.select_related("employer", "user").filter(pk=expert_id).first()
    applicant = User.objects.filter(pk=applicant_id).first()
    if expert is None or applicant is None:
        raise Http404
    if actor.pk not in (expert.user_id, applicant.pk) and not scoped.experts.allows(actor, expert, "manage"):
        raise Http404
    if expert.user_id == applicant.pk:
        raise DomainError("专家与申报人是同一人，无须申报回避关系。", field="applicant")
    relation = (relation or "").strip()
    if not relation:
        raise DomainError("请填写与申报人的关系（如亲属、师生、合作者）。", field="relation")
    if len(relation) > RELATION_MAX_LENGTH:
        raise DomainError(f"关系不能超过 {RELATION_MAX_LENGTH} 字。", field="relation")
    if DeclaredRelation.objects.filter(expert=expert, applicant=applicant).exists():
        raise Conflict(f"{expert.user}与{applicant}的回避关系已申报。", code="already_declared")
    row = DeclaredRelation.objects.create(
        expert=expert, applicant=applicant, relation=relation, declared_by=actor, declared_at=timezone.now()
    )
    record_event(
        actor=actor,
        action="expert.declare_relation",
        obj=expert,
        after={"applicant": applicant.pk, "relation": relation},
        organisation=expert.employer,
    )
    return row


@transaction.atomic
def declare_own_relation(*, actor: Any, applicant_name: str, id_number: str, relation: str) -> DeclaredRelation:
    """回避关系 an expert declares on their own page: the applicant is named by 姓名 and 证件号码, both of which must
    match one account (a wrong pair says nothing about which half was wrong)."""
    expert = Expert.objects.filter(user_id=actor.pk).exclude(status=ExpertStatus.REMOVED).first()
    if expert is None:
        raise DomainError("您不在专家库中，无须申报回避关系。")
    applicant = _applicant_named(applicant_name, id_number)
    return declare_relation(actor=actor, expert_id=expert.pk, applicant_id=applicant.pk, relation=relation)


@transaction.atomic
def record_relation(
    *, actor: Any, expert_id: int, applicant_name: str, id_number: str, relation: str
) -> DeclaredRelation:
    """回避关系 the title office over the expert's unit records on the 专家库 page (a relation reported to it on
    paper, or found by its own checks): the applicant named by 姓名 and 证件号码, as on the expert's page."""
    expert = Expert.objects.filter(pk=expert_id).select_related("employer").first()
    if expert is None or not scoped.experts.allows(actor, expert, "manage"):
        raise Http404
    if expert.status == ExpertStatus.REMOVED:
        raise DomainError(f"{expert}已出库，无须登记回避关系。", code="removed")
    applicant = _applicant_named(applicant_name, id_number)
    return declare_relation(actor=actor, expert_id=expert.pk, applicant_id=applicant.pk, relation=relation)


def _applicant_named(applicant_name: str, id_number: str) -> Any:
    """The one account with this 姓名 and 证件号码 (a wrong pair says nothing about which half was wrong)."""
    applicant_name = (applicant_name or "").strip()
    id_number = (id_number or "").strip().upper()
    if not applicant_name or not id_number:
        raise DomainError("请填写申报人的姓名和证件号码。", field="id_number")
    applicant = User.objects.filter(real_name=applicant_name, id_number=id_number).first()
    if applicant is None:
        raise DomainError("未找到姓名与证件号码相符的人员，请核对后重新填写。", field="id_number")
    return applicant


def own_relations(user: Any) -> list[DeclaredRelation]:
    """The relations declared for the expert `user` (theirs to see: their own pool entry's)."""
    rows = DeclaredRelation.objects.filter(expert__user_id=user.pk).select_related("applicant")
    return list(rows.order_by("-declared_at", "-pk")[:200])
