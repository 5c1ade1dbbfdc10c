"""The one writer of `Declaration.status`: a row of the workflow table (workflow.py) applied to a locked row,
with its 审核记录 and audit row."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone

from title_review.audit.services import Event, record_event, record_events
from title_review.core.bulk import insert_models

from .models import Declaration, ReviewRecord
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


@dataclass(frozen=True)
class Move:
    """One row of the table for `transition_many`: the declaration (locked by the caller) and its action."""

    declaration: Any
    action: str
    organisation: Any
    reason: str = ""


def transition_many(moves: Sequence[Move], *, actor: Any, level: str) -> list[Any]:
    """`transition` for many declarations at once (bulk imports, ADR 0045): the same table, the same
    审核记录 and audit rows, written with one UPDATE per 1,000 declarations (`bulk_update`), one INSERT
    (COPY on PostgreSQL) of the records and one of the audit rows. Every move is checked against the
    table before anything is written; a refused move raises its Chinese refusal and nothing is written.
    The declarations leave the chain (no desk afterwards), as the moves `transition` is called for
    without `next_org` do. Returns the records, in the order of `moves`."""
    if not moves:
        return []
    targets = [target(m.declaration.status, m.action) for m in moves]
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = (getattr(actor, "real_name", "") or getattr(actor, "username", "") or "系统")[:50]
    records = []
    befores = []
    for move, after in zip(moves, targets, strict=True):
        declaration = move.declaration
        befores.append(declaration.status)
        records.append(
            ReviewRecord(
                declaration=declaration,
                organisation=move.organisation,
                level=level,
                actor_id=actor_id,
                actor_name=actor_name,
                action=move.action,
                from_status=declaration.status,
                to_status=after,
                reason=move.reason,
                sections=[],
            )
        )
        declaration.status = after
        declaration.current_org = None
        declaration.stage_since = now
        declaration.version += 1
        declaration.updated_at = now
    # One UPDATE per status reached (a chunk of results: 评审通过 and 评审未通过), not bulk_update's CASE per
    # row and column, which cost seconds per 1,000 rows to build and to run. The rows are locked by the
    # caller, so the version read is the version the database adds one to.
    by_status: dict[str, list[int]] = {}
    for move, after in zip(moves, targets, strict=True):
        by_status.setdefault(after, []).append(move.declaration.pk)
    for after, ids in by_status.items():
        for start in range(0, len(ids), BULK_BATCH):
            Declaration.objects.filter(pk__in=ids[start : start + BULK_BATCH]).update(
                status=after, current_org=None, stage_since=now, version=F("version") + 1, updated_at=now
            )
    insert_models(ReviewRecord, records, batch_size=BULK_BATCH)
    record_events(
        actor=actor,
        events=(
            Event(
                action=f"declaration.{move.action}",
                obj=move.declaration,
                organisation=move.organisation,
                before={"status": before},
                after={"status": record.to_status, "desk": None, "record": record.pk},
                reason=move.reason,
            )
            for move, before, record in zip(moves, befores, records, strict=True)
        ),
        batch_size=BULK_BATCH,
    )
    return records


BULK_BATCH = 1000
