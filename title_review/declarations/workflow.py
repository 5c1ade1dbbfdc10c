"""The declaration lifecycle as one table; only services.py applies it (domain-model.md §4).

This first part covers the applicant's side: draft → 提交 → with the employer. The review chain
(employer review, publicity, departments, title office) extends the table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.errors import DomainError


class Status(models.TextChoices):
    DRAFT = "draft", _("填写中")
    WITH_EMPLOYER = "with_employer", _("待单位审核")
    RETURNED = "returned", _("被退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回申报")


TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Action.SUBMIT): Status.WITH_EMPLOYER,
    (Status.RETURNED, Action.SUBMIT): Status.WITH_EMPLOYER,
    (Status.DRAFT, Action.WITHDRAW): Status.WITHDRAWN,
}
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
LIVE = frozenset(Status) - {Status.WITHDRAWN}


def target(status: str, action: str) -> str:
    """The status `action` leads to from `status`, or a Chinese refusal."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        if action == Action.SUBMIT and status == Status.WITH_EMPLOYER:
            raise DomainError("申报材料已提交，请勿重复提交。", code="already_submitted") from None
        raise DomainError(
            f"“{Status(status).label}”状态的申报材料不能{Action(action).label}。", code="transition_not_allowed"
        ) from None
