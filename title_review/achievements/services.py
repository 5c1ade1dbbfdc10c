"""Every write to the 业绩档案. Each person edits their own rows only."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from title_review.attachments.models import Attachment
from title_review.attachments.services import attach, attachments_of
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.dictionaries.models import Entry

from .models import AchievementCategory, LessonLevel
from .selectors import RECORD_MODELS

PROOF_KIND = "proof"
# 教师评审系统, 录入公开课: these lessons are not 公开课 and belong in another category.
NOT_OPEN_LESSONS = ("精品课", "评优课", "基本功", "教学设计")
NOT_OPEN_LESSON_NOTE = (
    "精品课、评优课、与基本功竞赛有关的课、与教学设计比赛有关的课等不属于公开课，请填入“获奖”或“其他”类别。"
)
LESSON_PROOF_MISSING = "请上传这节公开课的证明材料（每节公开课一份）。"


def _dates_in_order(start: dt.date | None, end: dt.date | None, message: str) -> None:
    if start and end and end < start:
        raise DomainError(message)


def _not_future(value: dt.date | None, label: str) -> None:
    if value and value > dt.date.today():  # noqa: DTZ011 — calendar dates, no time zone involved
        raise DomainError(f"{label}不能晚于今天。")


def _entry(type_code: str, code: str, label: str, required: bool = True) -> None:
    if not code:
        if required:
            raise DomainError(f"请选择{label}。")
        return
    if not Entry.objects.filter(type__code=type_code, code=code).exists():
        raise DomainError(f"{label}代码“{code}”无效。")


def _validate(section: str, values: dict[str, Any], owner: Any, record_id: int | None) -> None:
    if section == "education":
        _entry("education", values.get("education", ""), "学历")
        _entry("degree", values.get("degree", ""), "学位", required=False)
        _dates_in_order(values.get("enrolled_on"), values.get("graduated_on"), "毕业时间不能早于入学时间。")
        _not_future(values.get("graduated_on"), "毕业时间")
    elif section == "work":
        _dates_in_order(values.get("started_on"), values.get("ended_on"), "工作结束时间不能早于开始时间。")
        _not_future(values.get("started_on"), "开始时间")
        if not (values.get("referee") or "").strip():
            raise DomainError("请填写证明人。")
    elif section == "training":
        hours = Decimal(values.get("hours") or 0)
        if hours <= 0 or hours > 1000:
            raise DomainError("学时须大于 0 且不超过 1000。")
    elif section == "appraisal":
        _entry("appraisal_result", values.get("result", ""), "考核结果")
        model = RECORD_MODELS["appraisal"]
        duplicate = model._default_manager.filter(owner=owner, year=values.get("year")).exclude(pk=record_id)
        if duplicate.exists():
            raise DomainError(f"{values.get('year')} 年度的考核结果已填写，请修改原记录。")
    elif section == "achievement":
        _not_future(values.get("date"), "时间")
        rank = values.get("author_rank")
        if rank is not None and rank < 1:
            raise DomainError("本人排名须为正整数。")
        if values.get("category") == AchievementCategory.OPEN_LESSON:
            if values.get("lesson_level") not in LessonLevel.values:
                raise DomainError("请选择公开课级别（校级、县级、市级、省级或国家级）。")
            if any(word in (values.get("title") or "") for word in NOT_OPEN_LESSONS):
                raise DomainError(NOT_OPEN_LESSON_NOTE)
        else:
            values["lesson_level"] = ""


def _owner(actor: Any) -> Any:
    """A 个人申报账号 keeps its person's 业绩档案; every other account its own."""
    person = getattr(actor, "acts_for", actor)
    if person is None:
        raise DomainError("请先完善身份信息。")
    return person


@transaction.atomic
def save_record(
    *,
    actor: Any,
    section: str,
    values: dict[str, Any],
    record_id: int | None = None,
    proof_id: int | None = None,
) -> Any:
    """Add a row to the actor's own 业绩档案, or change one of its rows.

    `proof_id`: a 证明材料 uploaded beforehand (attachments' checked upload), linked to the row in this
    transaction. A 公开课 is not kept without one: a new row needs it, a changed row must already have one."""
    model = RECORD_MODELS.get(section)
    if model is None:
        raise DomainError("没有这一类业绩。")
    values = dict(values)
    _validate(section, values, _owner(actor), record_id)
    if record_id is None:
        row: Any = model(owner=_owner(actor), **values)
        before = None
    else:
        row = model._default_manager.select_for_update().filter(pk=record_id, owner=_owner(actor)).first()
        if row is None:
            raise DomainError("没有这条记录。")
        before = {k: str(getattr(row, k)) for k in values}
        for key, value in values.items():
            setattr(row, key, value)
    row.save()
    if proof_id:
        attach(actor=actor, attachment_id=proof_id, target=row, kind=PROOF_KIND)
    lesson = section == "achievement" and row.category == AchievementCategory.OPEN_LESSON
    if lesson and not attachments_of(row, kind=PROOF_KIND).exists():
        # Raising rolls the row back; the view keeps what was typed and the uploaded file.
        raise DomainError(LESSON_PROOF_MISSING)
    record_event(
        actor=actor, action="achievement.save", obj=row, before=before, after={k: str(v) for k, v in values.items()}
    )
    return row


@transaction.atomic
def delete_record(*, actor: Any, section: str, record_id: int) -> None:
    model = RECORD_MODELS.get(section)
    row = (
        model._default_manager.select_for_update().filter(pk=record_id, owner=_owner(actor)).first() if model else None
    )
    if row is None:
        raise DomainError("没有这条记录。")
    if attachments_of(row).filter(locked=True).exists():
        raise DomainError("这条记录已用于已提交的申报材料，不能删除。")
    record_event(actor=actor, action="achievement.delete", obj=row, before={"record": str(row)})
    Attachment.objects.filter(pk__in=attachments_of(row).values("pk")).update(target_type=None, target_id=None)
    row.delete()
