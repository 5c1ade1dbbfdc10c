"""Audit rows are written by the service that makes the change, inside its transaction."""

from typing import Any

from django.db import models

from .context import current_ip
from .models import AuditEvent, LoginEvent


def _organisation_of(actor: Any) -> tuple[int | None, str]:
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        return None, ""
    return organisation.pk, organisation.name


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    organisation: Any = None,
) -> AuditEvent:
    """Append one audit row; call it inside the transaction that makes the change."""
    org_id, org_name = (organisation.pk, organisation.name) if organisation else _organisation_of(actor)
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_name=_actor_label(actor),
        organisation_id=org_id,
        organisation_name=org_name,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
        ip=current_ip.get(),
    )


def record_login(*, username: str, user: Any, event: str, success: bool, user_agent: str = "") -> LoginEvent:
    org_id, org_name = _organisation_of(user) if user is not None else (None, "")
    return LoginEvent.objects.create(
        username=username[:150],
        user_id=getattr(user, "pk", None),
        organisation_id=org_id,
        organisation_name=org_name,
        event=event,
        success=success,
        ip=current_ip.get(),
        user_agent=user_agent[:300],
    )


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "系统"
    real_name = getattr(actor, "real_name", "")
    username = getattr(actor, "username", "")
    return f"{real_name}（{username}）" if real_name else str(username)
