"""The whole code set as a document: export (JSON, Excel), parse an import, and diff it.

A code set document lists types with all their entries. Importing one is the yearly
接收更新代码: entries in the file are added or changed, entries of an imported type missing
from the file are disabled (never deleted), and types absent from the file are left alone.
"""

import io
import json
from dataclasses import dataclass, field
from typing import Any

from title_review.core.errors import DomainError
from title_review.core.excel import read_rows, write_table
from title_review.core.text import excerpt

from .models import DictionaryType, Entry

FORMAT = "title-review-codeset"
EXCEL_HEADERS = ["类型代码", "类型名称", "上级类型", "代码", "名称", "上级代码", "启用", "排序", "附加属性"]
COMPARED = ("name", "parent", "active", "sort", "attributes")


def export_document() -> dict[str, Any]:
    types = list(DictionaryType.objects.select_related("parent_type").order_by("sort_order", "code"))
    entries_by_type: dict[int, list[dict[str, Any]]] = {t.pk: [] for t in types}
    for entry in Entry.objects.select_related("parent").order_by("type_id", "sort_order", "code"):
        entries_by_type[entry.type_id].append(_entry_dict(entry))
    return {
        "format": FORMAT,
        "version": 1,
        "types": [
            {
                "code": t.code,
                "name": t.name,
                "parent_type": t.parent_type.code if t.parent_type else None,
                "sort": t.sort_order,
                "entries": entries_by_type[t.pk],
            }
            for t in types
        ],
    }


def _entry_dict(entry: Entry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "parent": entry.parent.code if entry.parent else None,
        "active": entry.is_active,
        "sort": entry.sort_order,
        "attributes": entry.attributes or {},
    }


def export_json() -> bytes:
    return json.dumps(export_document(), ensure_ascii=False, indent=1).encode("utf-8")


def export_xlsx() -> bytes:
    rows = []
    for t in export_document()["types"]:
        for e in t["entries"]:
            rows.append(
                [
                    t["code"],
                    t["name"],
                    t["parent_type"] or "",
                    e["code"],
                    e["name"],
                    e["parent"] or "",
                    "是" if e["active"] else "否",
                    e["sort"],
                    json.dumps(e["attributes"], ensure_ascii=False) if e["attributes"] else "",
                ]
            )
    return write_table(EXCEL_HEADERS, rows, sheet="基本代码")


def parse_upload(upload: Any) -> dict[str, Any]:
    """Read an uploaded .json or .xlsx code set into the document shape, refusing bad files."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".json"):
        try:
            document = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError("JSON 文件无法解析：请使用系统“导出基本代码”生成的文件。") from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise DomainError("这不是本系统的代码文件：缺少格式标记 title-review-codeset。")
    elif name.endswith(".xlsx"):
        document = _document_from_rows(read_rows(upload, expected_headers=EXCEL_HEADERS))
    else:
        raise DomainError("文件类型不正确：请上传 .json 或 .xlsx 格式的代码文件。")
    _validate(document)
    return document


def _document_from_rows(rows: Any) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = {}
    for row in rows:
        v = row.values
        if not v.get("类型代码") or not v.get("代码") or not v.get("名称"):
            raise DomainError(f"第 {row.number} 行：类型代码、代码、名称都必须填写。")
        t = types.setdefault(
            v["类型代码"],
            {
                "code": v["类型代码"],
                "name": v.get("类型名称") or v["类型代码"],
                "parent_type": v.get("上级类型") or None,
                "sort": len(types) + 1,
                "entries": [],
            },
        )
        try:
            attributes = json.loads(v["附加属性"]) if v.get("附加属性") else {}
            sort = int(v.get("排序") or 0)
        except (ValueError, json.JSONDecodeError) as exc:
            raise DomainError(f"第 {row.number} 行：排序须为整数，附加属性须为 JSON。") from exc
        t["entries"].append(
            {
                "code": v["代码"],
                "name": v["名称"],
                "parent": v.get("上级代码") or None,
                "active": v.get("启用", "是") != "否",
                "sort": sort,
                "attributes": attributes,
            }
        )
    return {"format": FORMAT, "version": 1, "types": list(types.values())}


def _validate(document: dict[str, Any]) -> None:
    types = document.get("types")
    if not isinstance(types, list) or not types:
        raise DomainError("代码文件中没有任何字典类型。")
    known_types = set(DictionaryType.objects.values_list("code", flat=True)) | {t.get("code") for t in types}
    codes_by_type: dict[str, set[str]] = {}
    for t in types:
        if not t.get("code") or not t.get("name"):
            raise DomainError("每个字典类型都须有类型代码和名称。")
        if t.get("parent_type") and t["parent_type"] not in known_types:
            raise DomainError(f"字典类型“{excerpt(t['name'])}”的上级类型“{excerpt(t['parent_type'])}”不存在。")
        seen: set[str] = set()
        for e in t.get("entries", []):
            code = str(e.get("code", "")).strip()
            if not code or not str(e.get("name", "")).strip():
                raise DomainError(f"“{excerpt(t['name'])}”中有条目缺少代码或名称。")
            if code in seen:
                raise DomainError(f"“{excerpt(t['name'])}”中代码“{excerpt(code)}”重复出现。")
            seen.add(code)
        codes_by_type[t["code"]] = seen
    for t in types:
        parent_type = t.get("parent_type")
        if not parent_type:
            continue
        parent_codes = codes_by_type.get(parent_type)
        if parent_codes is None:
            parent_codes = set(Entry.objects.filter(type__code=parent_type).values_list("code", flat=True))
        for e in t.get("entries", []):
            if e.get("parent") and e["parent"] not in parent_codes:
                raise DomainError(
                    f"“{excerpt(t['name'])}”中“{excerpt(e['name'])}”的上级代码“{excerpt(e['parent'])}”不存在。"
                )


@dataclass
class TypeDiff:
    code: str
    name: str
    is_new: bool
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"code","name","fields":{f:(old,new)}}
    disabled: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.is_new or self.added or self.changed or self.disabled)


def diff(document: dict[str, Any]) -> list[TypeDiff]:
    """What applying `document` would change, type by type (empty when nothing differs)."""
    existing_types = {t.code: t for t in DictionaryType.objects.all()}
    result = []
    for t in document["types"]:
        current = {}
        if t["code"] in existing_types:
            current = {
                e.code: _entry_dict(e)
                for e in Entry.objects.filter(type=existing_types[t["code"]]).select_related("parent")
            }
        type_diff = TypeDiff(code=t["code"], name=t["name"], is_new=t["code"] not in existing_types)
        incoming_codes = set()
        for raw in t.get("entries", []):
            e = _normalise(raw)
            incoming_codes.add(e["code"])
            old = current.get(e["code"])
            if old is None:
                type_diff.added.append(e)
                continue
            changes = {f: (old[f], e[f]) for f in COMPARED if old[f] != e[f]}
            if changes:
                type_diff.changed.append({"code": e["code"], "name": e["name"], "fields": changes})
        for code, old in current.items():
            if code not in incoming_codes and old["active"]:
                type_diff.disabled.append(old)
        if not type_diff.is_empty:
            result.append(type_diff)
    return result


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": str(raw["code"]).strip(),
        "name": str(raw["name"]).strip(),
        "parent": (str(raw["parent"]).strip() or None) if raw.get("parent") else None,
        "active": bool(raw.get("active", True)),
        "sort": int(raw.get("sort") or 0),
        "attributes": raw.get("attributes") or {},
    }


def document_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def document_from_bytes(content: bytes) -> dict[str, Any]:
    return json.load(io.BytesIO(content))
