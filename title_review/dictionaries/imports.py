"""导入字典条目 on the one import mechanism (core.importing): new entries of the code tables, each row
through create_entry (province only). Whole code sets with a diff stay with 接收更新代码 (codeset)."""

from typing import Any

from title_review.access.policies import require
from title_review.core.importing import Column, ImportContext, ImportRow, ImportSpec, Kind, Outcome

from . import services
from .models import DictionaryType

MANAGE_ONLY = "字典由省级统一维护，您只能查看，不能修改。"


def type_choices() -> dict[str, DictionaryType]:
    """字典类型 by name (the dropdown); the type code is accepted too."""
    types = list(DictionaryType.objects.order_by("sort_order", "code"))
    return {t.name: t for t in types} | {t.code: t for t in types if t.code not in {x.name for x in types}}


def _start(actor: Any, _options: dict[str, Any]) -> None:
    require(actor, "dictionary.manage", message=MANAGE_ONLY)


def _entry_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    data = row.data
    services.create_entry(
        actor=ctx.actor,
        type_id=data["type"].pk,
        code=data["code"],
        name=data["name"],
        parent_code=data["parent_code"] or "",
        sort_order=data["sort_order"] or 0,
    )
    return {}


def _entry_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through create_entries: the same checks and messages, the entries and their audit
    rows inserted per chunk."""
    outcomes = services.create_entries(
        actor=ctx.actor,
        items=[
            services.EntryInput(
                type=r.data["type"],
                code=r.data["code"],
                name=r.data["name"],
                parent_code=r.data["parent_code"] or "",
                sort_order=r.data["sort_order"] or 0,
            )
            for r in rows
        ],
    )
    return [outcome if isinstance(outcome, Exception) else {} for outcome in outcomes]


ENTRIES = ImportSpec(
    key="dictionaries.entries",
    title="导入字典条目",
    sheet="字典条目",
    noun="个字典条目",
    template_filename="字典条目导入模板.xlsx",
    columns=(
        Column("字典类型", "type", Kind.CHOICE, required=True, choices=type_choices, example="专业"),
        Column("代码", "code", required=True, max_length=40, example="0199"),
        Column("名称", "name", required=True, max_length=100, example="其他"),
        Column(
            "上级代码",
            "parent_code",
            max_length=40,
            note="有上级的类型（如 专业 的上级是 系列）填写上级条目的代码；可引用本文件前面行新增的条目。",
            example="01",
        ),
        Column("排序", "sort_order", Kind.INT),
    ),
    row=_entry_row,
    bulk=_entry_rows,
    start=_start,
    unique=(("type", "code"),),
    notes=(
        "只新增条目：已有代码不能重复使用（条目只能停用，代码不能重复）。修改整套代码请用“接收更新代码”。",
        "字典由省级统一维护，只有省级管理员可以导入。",
    ),
    display=("字典类型", "代码", "名称", "上级代码"),
)
