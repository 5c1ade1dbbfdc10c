"""Shared by every review decision: the desk check, locking, reasons, notices."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.utils import timezone

from title_review.access.declarations import DESK_CAPABILITIES, Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.policies import can
from title_review.core.errors import DomainError
from title_review.declarations.models import Declaration
from title_review.notifications.services import notify
from title_review.organisations.models import Organisation, OrganisationKind
from title_review.system.workdays import add_working_days

STALE = "已被他人处理，请刷新后再操作。"
SECTIONS = ("基本信息", "学历学位", "工作经历", "继续教育", "年度考核", "业绩成果", "专项栏目", "附件")


def today() -> dt.date:
    return timezone.localdate()


def _working_days_after(start: dt.date, count: int, *, include_start: bool = True) -> dt.date:
    return add_working_days(start, count, include_start=include_start)


def _notify(declaration: Declaration, *, title: str, body: str, category: str, sms: bool = True) -> None:
    """站内信 (and SMS after commit) to the applicant and, if someone else filled it, to the filler."""
    recipients = [declaration.applicant]
    if declaration.filled_by_id != declaration.applicant_id:
        recipients.append(declaration.filled_by)
    notify(
        recipients=recipients,
        title=title,
        body=body,
        link=f"/reviews/track/{declaration.pk}/",
        category=category,
        sms=sms,
    )


def _lock(declaration_id: int) -> Declaration:
    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("round", "employer", "current_org", "applicant", "filled_by")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def _at_desk(actor: Any, declaration_id: int, version: int | None, capability: str) -> Declaration:
    """The locked declaration, if it is at a desk where `actor` holds `capability`.

    Outside what the actor may see at all: 404. Seen with an older version, or moved on since: stale.
    Never at this actor's desk (e.g. an API call that skips a level): a refusal naming where it is.
    """
    declaration = _lock(declaration_id)
    if not declaration_policy.allows(actor, declaration, Purpose.VIEW):
        raise Http404
    if version is not None and version != declaration.version:
        raise DomainError(STALE, code="stale", field="version")
    desk = declaration.current_org
    other_roles = [c for c in DESK_CAPABILITIES if c != capability]
    if desk is not None and not can(actor, capability, desk) and any(can(actor, c, desk) for c in other_roles):
        raise DomainError(
            "您的审核角色不能办理此项操作：资格审查经办办理逐项审查、受理和不予受理，退回审查办理退回。",
            code="role_not_allowed",
        )
    if declaration.current_org is None or not can(actor, capability, declaration.current_org):
        where = declaration.current_org.name if declaration.current_org else declaration.get_status_display()
        raise DomainError(f"该申报材料不在您的审核环节（当前：{where}），不能办理。", code="not_at_desk")
    return declaration


def _reason_required(reason: str, what: str = "退回理由", field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{what}。", code="reason_required", field=field)
    return reason


def _clean_sections(sections: Iterable[str] | None) -> list[str]:
    chosen = [s for s in (sections or []) if s]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise DomainError(f"未知的栏目：{'、'.join(unknown)}。", field="sections")
    return chosen


def _level_of(org: Organisation) -> str:
    if org.kind == OrganisationKind.TITLE_OFFICE:
        return "职改办"
    if org.kind in (OrganisationKind.EMPLOYER,):
        return "单位"
    if org.kind == OrganisationKind.AGENCY:
        return "人事代理机构"
    return "主管部门"
