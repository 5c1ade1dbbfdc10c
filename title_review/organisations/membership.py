"""所属单位历史: every link of a person to a unit is recorded (which unit, from, to, who approved), whichever way
it is made: the person's request approved by the unit (filing.review_join_request), the unit adding them as
单位工作人员 (employers.add_staff / remove_staff), or a 个人申报账号 naming them (filing)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from title_review.core.errors import DomainError

from .models import (
    LinkRequestStatus,
    MembershipSource,
    Organisation,
    OrganisationKind,
    UnitLinkRequest,
    UnitMembership,
)

NAME_SEARCH_LIMIT = 20


def open_membership(*, person: Any, unit: Organisation, source: str, approved_by: Any = None, move: bool) -> None:
    """Start a link of `person` to `unit` today (nothing new if one is open already). `move`: the person's
    own unit changes, so their open link of the same kind elsewhere ends today."""
    today = timezone.localdate()
    if move:
        UnitMembership.objects.filter(person=person, ended_on__isnull=True, source=source).exclude(unit=unit).update(
            ended_on=today
        )
    if UnitMembership.objects.filter(person=person, unit=unit, ended_on__isnull=True).exists():
        return
    UnitMembership.objects.create(
        person=person,
        unit=unit,
        started_on=today,
        source=source,
        approved_by=approved_by,
        approved_by_name=getattr(approved_by, "display_name", "") if approved_by is not None else "",
    )


def close_membership(*, person: Any, unit: Organisation, source: str) -> None:
    UnitMembership.objects.filter(person=person, unit=unit, source=source, ended_on__isnull=True).update(
        ended_on=timezone.localdate()
    )


def history_of(person: Any) -> list[UnitMembership]:
    """The person's units, newest first, with each unit and its 归口部门 (one query)."""
    return list(UnitMembership.objects.filter(person=person).select_related("unit__parent"))


def latest_request(person: Any) -> UnitLinkRequest | None:
    return UnitLinkRequest.objects.filter(person=person).select_related("unit").first()


def pending_requests(unit: Organisation) -> dict[int, UnitLinkRequest]:
    """The unit's open requests by person id (for the 申请时间 on the unit's page)."""
    rows = UnitLinkRequest.objects.filter(unit=unit, status=LinkRequestStatus.PENDING)
    return {row.person_id: row for row in rows}


def employers_named(text: str) -> list[Organisation]:
    """Active units whose name contains `text` (2 characters at least); too many: a Chinese refusal."""
    words = (text or "").strip()
    if len(words) < 2:
        raise DomainError("请至少输入单位名称中的 2 个字。", field="credit_code")
    found = list(
        Organisation.objects.filter(Q(name__icontains=words), kind=OrganisationKind.EMPLOYER, is_active=True)
        .select_related("parent")
        .order_by("name", "pk")[: NAME_SEARCH_LIMIT + 1]
    )
    if len(found) > NAME_SEARCH_LIMIT:
        raise DomainError(
            f"与“{words}”相符的单位超过 {NAME_SEARCH_LIMIT} 个，请输入更完整的单位名称或统一社会信用代码。",
            field="credit_code",
        )
    return found


__all__ = ["MembershipSource", "close_membership", "employers_named", "history_of", "open_membership"]
