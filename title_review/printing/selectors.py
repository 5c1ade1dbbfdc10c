"""Which declarations, publicities and rounds a person may print (ADR 0013).

Printing never widens what a person sees: it starts from reviews.selectors.tracked_by (the same list
as 上报材料跟踪 and the 审核记录 page) and narrows it to the organisations where the user holds
"declaration.print" (a 工作账号 needs the 打印 tick). The applicant prints their own.
"""

from typing import Any

from django.db.models import Q, QuerySet

from title_review.access.policies import can, has_capability, scope_filter
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews.models import Publicity
from title_review.reviews.selectors import tracked_by
from title_review.rounds.models import Round
from title_review.rounds.selectors import rounds_visible_to

# What a batch of 评审表 holds: submitted material that is in the chain (not drafts, not material
# handed back for correction, whose snapshot is about to be replaced).
IN_CHAIN = (
    Status.WITH_EMPLOYER,
    Status.EMPLOYER_PASSED,
    Status.IN_PUBLICITY,
    Status.READY_TO_FORWARD,
    Status.IN_REVIEW,
    Status.QUALIFICATION_CHECK,
    Status.ACCEPTED,
    Status.REJECTED,
)


def printable_declarations(user: Any) -> QuerySet[Declaration]:
    """Declarations the user may print: visible to them, and in their "declaration.print" scope."""
    if not has_capability(user, "declaration.print"):
        return Declaration.objects.none()
    allowed = Q(applicant_id=user.pk)
    scope = scope_filter(user, "declaration.print", path_field="employer__path")
    if scope is not None:
        allowed |= scope
    return tracked_by(user).filter(allowed)


def printable_declaration(user: Any, pk: int) -> Declaration | None:
    return (
        printable_declarations(user)
        .select_related("applicant", "employer", "round__series", "round__publisher", "publicity")
        .filter(pk=pk)
        .first()
    )


def may_print(user: Any, declaration: Declaration) -> bool:
    """For a declaration the user already sees: may they print it?"""
    if declaration.applicant_id == user.pk:
        return has_capability(user, "declaration.print")
    return can(user, "declaration.print", declaration.employer)


def may_print_checks(user: Any, declaration: Declaration) -> bool:
    """资格审查表: for the reviewers above the employer, who see the check results on the 审核记录 page."""
    return can(user, "review.inbox", declaration.employer)


def is_own_employer(user: Any, declaration: Declaration) -> bool:
    """The declaration's own employer (its administrator, or a 工作账号 ticked 查看 / 填写材料)."""
    return any(
        can(user, action, declaration.employer)
        for action in ("review.employer", "review.employer_view", "declaration.fill")
    )


def printable_publicity(user: Any, pk: int) -> Publicity | None:
    """公示表: for the employer that held the publicity and the reviewers above it."""
    publicity = Publicity.objects.select_related("employer", "round").filter(pk=pk).first()
    if publicity is None or not can(user, "declaration.print", publicity.employer):
        return None
    employer = publicity.employer
    if not any(can(user, action, employer) for action in ("review.employer", "review.employer_view", "review.inbox")):
        return None
    return publicity


def printable_round(user: Any, pk: int) -> Round | None:
    """A round whose 汇总表 the user may print: visible to them, and they may print somewhere."""
    if not has_capability(user, "declaration.print"):
        return None
    return rounds_visible_to(user).select_related("series", "publisher").filter(pk=pk).first()


def round_declarations(user: Any, round_: Round) -> QuerySet[Declaration]:
    """汇总表 rows: the round's submitted declarations the user may print, by employer and name."""
    return (
        printable_declarations(user)
        .filter(round=round_, snapshot__isnull=False)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .select_related("applicant", "employer")
        .order_by("employer__path", "applicant__real_name", "pk")
    )


def batch_declarations(user: Any, round_: Round) -> QuerySet[Declaration]:
    """批量打印评审表: the submitted declarations of a round that are in the chain."""
    return round_declarations(user, round_).filter(status__in=IN_CHAIN)
