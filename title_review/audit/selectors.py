"""Reads of the audit log. Only the audit administrator reaches these (access.roles, 三员分立)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from title_review.access.policies import organisations_visible_to, scope_filter

from .models import AuditEvent, LoginEvent


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_scope(user: Any, qs: QuerySet) -> QuerySet:
    """Rows of organisations inside the auditor's subtree; a province auditor also sees rows that
    belong to no organisation (set-up, failed logins of unknown names)."""
    scope = scope_filter(user, "audit.view")
    if scope is None:
        return qs.none()
    visible = organisations_visible_to(user, "audit.view")
    if visible.filter(depth=1).exists():
        return qs
    return qs.filter(organisation_id__in=visible.values("pk"))


def _scoped_events(user: Any) -> QuerySet[AuditEvent]:
    return _in_scope(user, AuditEvent.objects.all())


def audit_events_visible_to(user: Any, *, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    qs = _scoped_events(user)
    if filters.get("actor"):
        qs = qs.filter(actor_name__icontains=filters["actor"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("organisation"):
        qs = qs.filter(organisation_name__icontains=filters["organisation"])
    if filters.get("keyword"):
        k = filters["keyword"]
        qs = qs.filter(Q(object_repr__icontains=k) | Q(reason__icontains=k))
    return _date_range(qs, filters)


def login_events_visible_to(user: Any, *, filters: dict[str, Any]) -> QuerySet[LoginEvent]:
    qs = _in_scope(user, LoginEvent.objects.all())
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"])
    if filters.get("event"):
        qs = qs.filter(event=filters["event"])
    if filters.get("ip"):
        qs = qs.filter(ip=filters["ip"])
    return _date_range(qs, filters)


def _date_range(qs: QuerySet, filters: dict[str, Any]) -> QuerySet:
    if filters.get("date_from"):
        qs = qs.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(occurred_at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    return qs
