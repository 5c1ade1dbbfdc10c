"""Every write to the code tables. Entries are disabled, never deleted."""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404

from title_review.access.policies import require
from title_review.audit.services import Event, record_event, record_events
from title_review.core.bulk import insert_models
from title_review.core.errors import DomainError

from . import codeset
from .models import DictionaryType, Entry


def _entry_state(entry: Entry) -> dict[str, Any]:
    return {
        "type": entry.type.code,
        "code": entry.code,
        "name": entry.name,
        "parent": entry.parent.code if entry.parent else None,
        "active": entry.is_active,
        "sort": entry.sort_order,
    }


def _parent_entry(dictionary_type: DictionaryType, parent_code: str) -> Entry | None:
    if not parent_code:
        return None
    if dictionary_type.parent_type is None:
        raise DomainError(f"“{dictionary_type.name}”的条目没有上级。")
    parent = Entry.objects.filter(type=dictionary_type.parent_type, code=parent_code).first()
    if parent is None:
        raise DomainError(f"上级代码“{parent_code}”在“{dictionary_type.parent_type.name}”中不存在。")
    return parent


@transaction.atomic
def create_entry(
    *, actor: Any, type_id: int, code: str, name: str, parent_code: str = "", sort_order: int = 0
) -> Entry:
    """Add an entry to a code table (province administrator only)."""
    require(actor, "dictionary.manage", message="字典由省级统一维护，您只能查看，不能修改。")
    dictionary_type = DictionaryType.objects.select_related("parent_type").get(pk=type_id)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise DomainError("请填写代码和名称。")
    if Entry.objects.filter(type=dictionary_type, code=code).exists():
        raise DomainError(f"“{dictionary_type.name}”中已有代码“{code}”;条目只能停用，代码不能重复使用。")
    entry = Entry.objects.create(
        type=dictionary_type,
        code=code,
        name=name,
        parent=_parent_entry(dictionary_type, parent_code),
        sort_order=sort_order,
    )
    record_event(actor=actor, action="dictionary.entry_create", obj=entry, after=_entry_state(entry))
    return entry


@dataclass(frozen=True)
class EntryInput:
    """One entry to add: what `create_entry` takes, with the type loaded."""

    type: DictionaryType
    code: str
    name: str
    parent_code: str = ""
    sort_order: int = 0


def create_entries(*, actor: Any, items: Sequence[EntryInput]) -> list[Entry | Exception]:
    """`create_entry` for many entries at once (导入字典条目, ADR 0045): for each item its entry, or the
    exception `create_entry` would have raised for it — the same checks in the same order, the same
    messages. An item may name as its parent an entry added by an earlier item (as row by row); a code
    repeated among the items is refused on its later items. Nothing is written for a refused item.

    Queries per call, not per item: the types, the codes already taken and the parents with one IN query
    each; the entries inserted one level of the tree at a time (an item whose parent is added by an
    earlier item goes in after it: one INSERT per level, usually one or two), and their audit rows
    (`dictionary.entry_create`, as `create_entry` writes them) in one INSERT (COPY on PostgreSQL)."""
    try:
        require(actor, "dictionary.manage", message="字典由省级统一维护，您只能查看，不能修改。")
    except (DomainError, Http404) as exc:
        return [copy.copy(exc) for _item in items]
    types = {
        t.pk: t for t in DictionaryType.objects.select_related("parent_type").filter(pk__in={i.type.pk for i in items})
    }
    codes = [(types[i.type.pk], (i.code or "").strip(), (i.name or "").strip()) for i in items]
    taken = set(
        Entry.objects.filter(type_id__in=types, code__in={code for _t, code, _n in codes}).values_list(
            "type_id", "code"
        )
    )
    parents: dict[tuple[int, str], Entry] = {
        (e.type_id, e.code): e
        for e in Entry.objects.filter(
            type_id__in={t.parent_type_id for t in types.values() if t.parent_type_id},
            code__in={i.parent_code for i in items if i.parent_code},
        )
    }
    outcomes: list[Entry | Exception] = []
    levels: dict[int, int] = {}  # id() of a new entry -> its level among the new ones (0: parent in the database)
    for item, (dictionary_type, code, name) in zip(items, codes, strict=True):
        try:
            if not code or not name:
                raise DomainError("请填写代码和名称。")
            if (dictionary_type.pk, code) in taken:
                raise DomainError(f"“{dictionary_type.name}”中已有代码“{code}”;条目只能停用，代码不能重复使用。")
            parent = _parent_in(parents, dictionary_type, item.parent_code)
        except DomainError as exc:
            outcomes.append(exc)
            continue
        entry = Entry(type=dictionary_type, code=code, name=name, parent=parent, sort_order=item.sort_order)
        levels[id(entry)] = levels[id(parent)] + 1 if parent is not None and id(parent) in levels else 0
        taken.add((dictionary_type.pk, code))
        parents[(dictionary_type.pk, code)] = entry
        outcomes.append(entry)
    new = [e for e in outcomes if isinstance(e, Entry)]
    for level in sorted({levels[id(e)] for e in new}):
        wave = [e for e in new if levels[id(e)] == level]
        for entry in wave:
            entry.parent = entry.parent  # the parent's key, now that an earlier level has it
        insert_models(Entry, wave)
    record_events(
        actor=actor,
        events=(Event(action="dictionary.entry_create", obj=e, after=_entry_state(e)) for e in new),
    )
    return outcomes


def _parent_in(
    parents: dict[tuple[int, str], Entry], dictionary_type: DictionaryType, parent_code: str
) -> Entry | None:
    """`_parent_entry` on loaded entries (those added by earlier items included)."""
    if not parent_code:
        return None
    if dictionary_type.parent_type is None:
        raise DomainError(f"“{dictionary_type.name}”的条目没有上级。")
    parent = parents.get((dictionary_type.parent_type.pk, parent_code))
    if parent is None:
        raise DomainError(f"上级代码“{parent_code}”在“{dictionary_type.parent_type.name}”中不存在。")
    return parent


@transaction.atomic
def update_entry(*, actor: Any, entry_id: int, name: str, parent_code: str = "", sort_order: int = 0) -> Entry:
    """Rename or re-parent an entry; its code never changes (old records keep pointing at it)."""
    require(actor, "dictionary.manage", message="字典由省级统一维护，您只能查看，不能修改。")
    entry = Entry.objects.select_for_update(of=("self",)).select_related("type__parent_type", "parent").get(pk=entry_id)
    name = name.strip()
    if not name:
        raise DomainError("请填写名称。")
    before = _entry_state(entry)
    entry.name = name
    entry.parent = _parent_entry(entry.type, parent_code)
    entry.sort_order = sort_order
    entry.save(update_fields=["name", "parent", "sort_order", "updated_at"])
    record_event(actor=actor, action="dictionary.entry_change", obj=entry, before=before, after=_entry_state(entry))
    return entry


@transaction.atomic
def set_entry_active(*, actor: Any, entry_id: int, active: bool) -> Entry:
    """Disable (leaves pick lists, stays on old records) or re-enable an entry."""
    require(actor, "dictionary.manage", message="字典由省级统一维护，您只能查看，不能修改。")
    entry = Entry.objects.select_for_update(of=("self",)).select_related("type", "parent").get(pk=entry_id)
    if entry.is_active == active:
        raise DomainError(f"“{entry.name}”已是{'启用' if active else '停用'}状态。")
    before = _entry_state(entry)
    entry.is_active = active
    entry.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action="dictionary.entry_enable" if active else "dictionary.entry_disable",
        obj=entry,
        before=before,
        after=_entry_state(entry),
    )
    return entry


@transaction.atomic
def apply_codeset(*, actor: Any, document: dict[str, Any]) -> list[codeset.TypeDiff]:
    """Apply exactly the diff between `document` and the database (接收更新代码).

    `actor=None` is the set-up command loading the seed code set.
    """
    if actor is not None:
        require(actor, "dictionary.manage", message="字典由省级统一维护，您只能查看，不能修改。")
    changes = codeset.diff(document)
    by_code = {t["code"]: t for t in document["types"]}
    # Types first (parents before children), then entries type by type in document order, so
    # parent entries exist before their children point at them.
    for type_diff in changes:
        if type_diff.is_new:
            t = by_code[type_diff.code]
            DictionaryType.objects.create(code=t["code"], name=t["name"], sort_order=int(t.get("sort") or 0))
    for type_diff in changes:
        t = by_code[type_diff.code]
        if t.get("parent_type"):
            DictionaryType.objects.filter(code=t["code"]).update(
                parent_type=DictionaryType.objects.get(code=t["parent_type"])
            )
    types = {t.code: t for t in DictionaryType.objects.select_related("parent_type")}
    for type_diff in changes:
        dictionary_type = types[type_diff.code]
        for e in _parents_first(type_diff.added, dictionary_type):
            Entry.objects.create(
                type=dictionary_type,
                code=e["code"],
                name=e["name"],
                parent=_resolve_parent(dictionary_type, e["parent"]),
                is_active=e["active"],
                sort_order=e["sort"],
                attributes=e["attributes"],
            )
        for change in type_diff.changed:
            entry = Entry.objects.get(type=dictionary_type, code=change["code"])
            for field_name, (_old, new) in change["fields"].items():
                if field_name == "parent":
                    entry.parent = _resolve_parent(dictionary_type, new)
                elif field_name == "active":
                    entry.is_active = new
                elif field_name == "sort":
                    entry.sort_order = new
                else:
                    setattr(entry, field_name, new)
            entry.save()
        Entry.objects.filter(type=dictionary_type, code__in=[e["code"] for e in type_diff.disabled]).update(
            is_active=False
        )
    record_event(
        actor=actor,
        action="dictionary.import",
        after={
            t.code: {"added": len(t.added), "changed": len(t.changed), "disabled": len(t.disabled)} for t in changes
        },
    )
    return changes


def _resolve_parent(dictionary_type: DictionaryType, parent_code: str | None) -> Entry | None:
    if not parent_code or dictionary_type.parent_type_id is None:
        return None
    return Entry.objects.get(type_id=dictionary_type.parent_type_id, code=parent_code)


def _parents_first(entries: list[dict[str, Any]], dictionary_type: DictionaryType) -> list[dict[str, Any]]:
    """Self-referencing types (行政区划): insert an entry after the entry it points at."""
    if dictionary_type.parent_type_id != dictionary_type.pk:
        return entries
    pending = {e["code"]: e for e in entries}
    ordered: list[dict[str, Any]] = []

    def visit(code: str) -> None:
        e = pending.pop(code, None)
        if e is None:
            return
        if e["parent"] in pending:
            visit(e["parent"])
        ordered.append(e)

    for e in entries:
        visit(e["code"])
    return ordered


@transaction.atomic
def record_export(*, actor: Any, fmt: str) -> None:
    """导出基本代码 is logged: who took the code set, and in which format."""
    record_event(actor=actor, action="dictionary.export", after={"format": fmt})
