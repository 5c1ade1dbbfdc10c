"""Audit rows are written by the service that makes the change, inside its transaction."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from title_review.core.bulk import copy_rows

from .context import current_ip
from .models import AuditEvent, LoginEvent


def _organisation_of(actor: Any) -> tuple[int | None, str]:
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        return None, ""
    return organisation.pk, organisation.name


@dataclass(frozen=True)
class Event:
    """One audit row to append with `record_events`: the arguments of `record_event` but the actor."""

    action: str
    obj: models.Model | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""
    organisation: Any = None


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
    event = Event(action=action, obj=obj, before=before, after=after, reason=reason, organisation=organisation)
    return AuditEvent.objects.create(**_audit_values(actor, _actor_label(actor), current_ip.get(), event))


def record_events(*, actor: Any, events: Iterable[Event], batch_size: int = 1000) -> int:
    """Append many audit rows at once: the same rows `record_event` writes one by one (bulk imports,
    ADR 0026). Call it inside the transaction that makes the changes; returns how many were appended.

    On PostgreSQL the rows go in with one COPY (inserts only, so the append-only trigger has nothing
    to refuse; an INSERT of thousands of JSON values costs ten times as much in the driver); elsewhere
    with one INSERT per `batch_size` rows. Either way every row carries the values `record_event`
    would give it (`occurred_at`: the moment the batch is written)."""
    label, ip = _actor_label(actor), current_ip.get()
    rows = [_audit_values(actor, label, ip, event) for event in events]
    if not rows:
        return 0
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor == "postgresql":
        _copy_rows(connection, rows)
    else:
        AuditEvent.objects.bulk_create([AuditEvent(**row) for row in rows], batch_size=batch_size)
    return len(rows)


def _audit_values(actor: Any, label: str, ip: str | None, event: Event) -> dict[str, Any]:
    obj, organisation = event.obj, event.organisation
    org_id, org_name = (organisation.pk, organisation.name) if organisation else _organisation_of(actor)
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_name": label,
        "organisation_id": org_id,
        "organisation_name": org_name,
        "action": event.action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "ip": ip,
    }


def _copy_rows(connection: Any, rows: list[dict[str, Any]]) -> None:
    """COPY audit rows in, each value as the ORM would store it."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    now = timezone.now()  # what auto_now_add gives `occurred_at`
    copy_rows(
        connection,
        AuditEvent._meta.db_table,
        [f.column for f in fields],
        ([now if f.name == "occurred_at" else _copy_value(f, row[f.name]) for f in fields] for row in rows),
    )


def _copy_value(field: models.Field, value: Any) -> Any:
    if value is not None and isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    return value


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
