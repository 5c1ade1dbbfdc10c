"""The one writer of `Declaration.status`: a row of the workflow table (workflow.py) applied to a locked row,
with its 审核记录 and audit row."""

from typing import Any

from django.utils import timezone

from title_review.audit.services import record_event

from .models import ReviewRecord
from .workflow import target


def transition(
    declaration: Any,
    action: str,
    *,
    actor: Any,
    organisation: Any,
    level: str,
    reason: str = "",
    sections: list[str] | None = None,
    next_org: Any = None,
    extra_fields: tuple[str, ...] = (),
) -> Any:
    """Apply one row of the table to a row the caller has locked, with its 审核记录 and audit row.

    `organisation` is where the decision was taken; `next_org` is whose desk the declaration is on
    afterwards (None when it leaves the chain: returned, accepted, rejected, withdrawn).
    """
    before = declaration.status
    after = target(before, action)
    now = timezone.now()
    declaration.status = after
    declaration.current_org = next_org
    declaration.stage_since = now
    declaration.version += 1
    declaration.save(update_fields=["status", "current_org", "stage_since", "version", "updated_at", *extra_fields])
    record = ReviewRecord.objects.create(
        declaration=declaration,
        organisation=organisation,
        level=level,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "real_name", "") or getattr(actor, "username", "") or "系统")[:50],
        action=action,
        from_status=before,
        to_status=after,
        reason=reason,
        sections=sections or [],
    )
    record_event(
        actor=actor,
        action=f"declaration.{action}",
        obj=declaration,
        organisation=organisation,
        before={"status": before},
        after={"status": after, "desk": getattr(next_org, "pk", None), "record": record.pk},
        reason=reason,
    )
    return record
