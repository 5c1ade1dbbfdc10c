"""接收评审情况 by Excel (committees outside the system) on the one import mechanism (core.importing, ADR 0015):
a template, every bad row named in Chinese, all or nothing."""

from collections.abc import Collection, Mapping
from typing import Any

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.importing import Column, ImportContext, ImportRow, ImportSpec, Kind, Outcome
from title_review.declarations.models import Declaration

from . import services

PASSED, FAILED = "通过", "未通过"


def declarations_by_number(numbers: Collection[str]) -> Mapping[str, Declaration]:
    return {d.number: d for d in Declaration.objects.filter(number__in=numbers).only("pk", "number")}


def _start(actor: Any, _options: dict[str, Any]) -> None:
    require(actor, "result.manage")


def _row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    data = row.data
    entry = services.record_imported_result(
        actor=ctx.actor,
        declaration_id=data["declaration"].pk,
        committee_name=data["committee_name"],
        passed=data["outcome"] == PASSED,
    )
    return {"姓名": entry.person_name, "结果": entry.get_outcome_display()}


def _rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through record_imported_results: the same checks and messages, the entries, the
    declarations' moves, their 审核记录 and audit rows written per chunk."""
    outcomes = services.record_imported_results(
        actor=ctx.actor,
        items=[
            services.ImportedResult(
                declaration_id=r.data["declaration"].pk,
                committee_name=r.data["committee_name"],
                passed=r.data["outcome"] == PASSED,
            )
            for r in rows
        ],
    )
    return [
        outcome
        if isinstance(outcome, Exception)
        else {"姓名": outcome.person_name, "结果": outcome.get_outcome_display()}
        for outcome in outcomes
    ]


def _done(ctx: ImportContext, rows: list[ImportRow]) -> None:
    record_event(actor=ctx.actor, action="result.import", after={"rows": len(rows)})


RESULTS = ImportSpec(
    key="results.results",
    title="导入评审情况",
    sheet="评审情况",
    noun="条评审情况",
    template_filename="评审情况导入模板.xlsx",
    columns=(
        Column(
            "申报编号",
            "declaration",
            Kind.LOOKUP,
            required=True,
            lookup=declarations_by_number,
            unknown="申报编号“{value}”不存在",
            note="已受理的申报材料的申报编号（如 2026-0012-00037）。",
            example="2026-0012-00037",
        ),
        Column("评委会名称", "committee_name", required=True, max_length=200, example="浙江省卫生高级职称评审委员会"),
        Column(
            "评审结果",
            "outcome",
            Kind.CHOICE,
            required=True,
            choices={PASSED: PASSED, FAILED: FAILED},
            example=PASSED,
        ),
    ),
    row=_row,
    bulk=_rows,
    start=_start,
    finish=_done,
    unique=(("declaration",),),
    notes=("每份申报材料只能导入一次；同一评审活动、同一评委会的结果归入同一批次，导入后请在评后管理中公示。",),
    scope_error="申报编号“{申报编号}”不在您的管辖范围内",
    display=("申报编号", "评委会名称", "评审结果"),
    result_headers=("姓名", "结果"),
)
