"""Which declarations, publicities and rounds a person may print (ADR 0013).

Printing never widens what a person sees: the declaration policy's PRINT purpose (access.declarations)
is its VIEW narrowed to where the user holds "declaration.print" (a 工作账号 needs the 打印 tick).
"""

from typing import Any

from django.db.models import QuerySet

from title_review.access import rounds as round_access
from title_review.access import scoped
from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.policies import can
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews.models import Publicity
from title_review.rounds.models import Round

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
    return declaration_policy.visible(user, Purpose.PRINT)


def printable_declaration(user: Any, pk: int) -> Declaration | None:
    return (
        printable_declarations(user)
        .select_related("applicant", "employer", "round__series", "round__publisher", "publicity")
        .filter(pk=pk)
        .first()
    )


def may_print(user: Any, declaration: Declaration) -> bool:
    """May the user print this declaration's forms?"""
    return declaration_policy.allows(user, declaration, Purpose.PRINT)


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
    return (
        scoped.publicities.visible(user, "print", Publicity.objects.select_related("employer", "round"))
        .filter(pk=pk)
        .first()
    )


def printable_round(user: Any, pk: int) -> Round | None:
    """A round whose 汇总表 the user may print: visible to them, and they may print somewhere."""
    queryset = Round.objects.select_related("series", "publisher")
    return round_access.policy.visible(user, round_access.PRINT, queryset).filter(pk=pk).first()


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
