"""Who may see or act on a declaration (申报材料), by purpose and by stage.

Three kinds of people reach a declaration:

- **its applicant**: always, for every purpose but deciding;
- **its employer** (单位管理员, and 工作账号 with the matching tick): drafts only with 填写材料 (管理材料 is where
  colleagues' drafts are filled); submitted material with 填写材料, 上报材料 or 查看;
- **the levels above the employer** (主管部门 at every level, 职改办, their reviewers): only material the
  employer has reported up (上报) — in review, at the title office, accepted or not accepted — and returns
  made above the employer (their chain is kept until the next 提交). A draft, or material the employer has
  not yet reported, is invisible above it, and so are its attachments, prints and exports.

Deciding is narrower still: only at the desk where the declaration sits, with that desk's role.
"""

from typing import Any

from django.db.models import Q

from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status

from .kinds import ObjectPolicy, both, either, register
from .policies import can, has_capability, person_pk, scope_filter


class Purpose:
    VIEW = "view"  # the dossier as received, its 审核记录, 上报材料跟踪 and the lists built on it
    FILL = "fill"  # 填写材料: the applicant, or the employer's staff ticked 填写材料
    DOWNLOAD = "download"  # its attachments (证件照, 身份证照片, 评审表, ...)
    PRINT = "print"  # PDF forms; a 工作账号 needs the 打印 tick
    EXPORT = "export"  # rows of 导出汇总表 (each list narrows further, as its page does)
    DECIDE = "decide"  # a decision at the desk where it sits


# Material the employer has reported up: what the levels above it may see.
FORWARDED = (Status.IN_REVIEW, Status.QUALIFICATION_CHECK, Status.ACCEPTED, Status.REJECTED)
# Where the employer decides (单位审核, 单位内部公示, 上报材料).
AT_EMPLOYER = (Status.WITH_EMPLOYER, Status.EMPLOYER_PASSED, Status.IN_PUBLICITY, Status.READY_TO_FORWARD)
# Where a level above decides.
IN_CHAIN = (Status.IN_REVIEW, Status.QUALIFICATION_CHECK)
# The desk roles above the employer.
DESK_CAPABILITIES = ("review.department", "review.qualification", "review.return")
# The employer's own people who see its submitted declarations.
EMPLOYER_CAPABILITIES = ("declaration.fill", "review.employer", "review.employer_view")


def _employer(user: Any, *capabilities: str) -> Q | None:
    return either(*(scope_filter(user, c, org_field="employer_id") for c in capabilities))


def _own(user: Any) -> Q | None:
    """The applicant's own; a 个人申报账号 reaches its person's declarations at its own unit only."""
    person = person_pk(user)
    if person is None:
        return None
    if getattr(user, "kind", "") == "filing":
        return Q(applicant_id=person, employer_id=user.organisation_id)
    return Q(applicant_id=person)


def _reported_up(user: Any) -> Q | None:
    """Levels above the employer: what it reported up, and returns made above it."""
    above = scope_filter(user, "review.inbox", org_field="employer_id")
    returned_from_above = Q(status=Status.RETURNED) & ~Q(chain=[])
    return both(above, Q(status__in=FORWARDED) | returned_from_above)


def desk_filter(user: Any, capabilities: tuple[str, ...] = DESK_CAPABILITIES) -> Q | None:
    """Declarations sitting at an organisation where the user holds one of the desk roles."""
    return either(*(scope_filter(user, c, org_field="current_org_id") for c in capabilities))


def _view_shape(status: str) -> tuple[bool, bool, bool]:
    """What decides which grants reach `status` under VIEW: the employer's people see every status but the draft;
    the levels above see what was reported up, and returns made above the employer."""
    return status != Status.DRAFT, status in FORWARDED, status == Status.RETURNED


def statuses_alike_under_view() -> list[list[str]]:
    """Every status, grouped so that view_by_status's conditions differ within a group only in the status value."""
    groups: dict[tuple[bool, bool, bool], list[str]] = {}
    for status in Status.values:
        groups.setdefault(_view_shape(status), []).append(status)
    return list(groups.values())


def view_by_status(user: Any, status: str, *, value: str | None = None) -> tuple[Q | None, Q | None]:
    """The declarations in `status` that VIEW shows the user, as two parts for a count that walks an index
    (issue 12): (rows through the user's organisation scopes — ``employer_id IN …`` and the status, an indexed
    range —, the user's own rows that the first part does not hold). Together exactly VIEW's rows in `status`:
    the same three grants as DeclarationPolicy._view, taken apart per status.

    `value` is what the conditions compare the status column with (default: `status`); `status` alone decides
    which grants apply. A count over several statuses alike (statuses_alike_under_view) builds the conditions
    once with a marker there (core.pagination.capped_counts_where's `each`)."""
    compared = status if value is None else value
    employer_sees, forwarded, returned = _view_shape(status)
    scoped: Q | None = None
    if employer_sees:
        scoped = either(scoped, _employer(user, *EMPLOYER_CAPABILITIES))
    above = scope_filter(user, "review.inbox", org_field="employer_id")
    if forwarded:
        scoped = either(scoped, above)
    elif returned and above is not None:
        scoped = either(scoped, above & ~Q(chain=[]))
    if scoped is not None:
        scoped = scoped & Q(status=compared)
    own = both(_own(user), Q(status=compared))
    if own is not None and scoped is not None:
        own = own & ~scoped
    return scoped, own


def fill_at_employer(user: Any, employer: Any) -> Q | None:
    """FILL's rows at one employer, as a condition on the employer alone when the user may 填写材料 there (then
    every row of the employer is theirs: the (employer, round, status) index counts them without reading a row,
    issue 12), else the user's own rows there. Exactly `policy.visible(user, FILL).filter(employer=employer)`."""
    if can(user, "declaration.fill", employer):
        return Q(employer_id=employer.pk)
    return both(_own(user), Q(employer_id=employer.pk))


class DeclarationPolicy(ObjectPolicy[Declaration]):
    kind = "declaration"
    model = Declaration
    purposes = frozenset({Purpose.VIEW, Purpose.FILL, Purpose.DOWNLOAD, Purpose.PRINT, Purpose.EXPORT, Purpose.DECIDE})

    def rule(self, user: Any, purpose: str) -> Q | None:
        if purpose == Purpose.FILL:
            return either(_own(user), _employer(user, "declaration.fill"))
        if purpose == Purpose.VIEW:
            return self._view(user)
        if purpose in (Purpose.DOWNLOAD, Purpose.EXPORT):
            # The filler of a colleague's draft works with its files and rows too.
            return either(self._view(user), _employer(user, "declaration.fill"))
        if purpose == Purpose.PRINT:
            own = _own(user) if has_capability(user, "declaration.print") else None
            printers = scope_filter(user, "declaration.print", org_field="employer_id")
            allowed = either(own, printers)
            view = self._view(user)
            return None if allowed is None or view is None else view & allowed
        # DECIDE
        employer = both(_employer(user, "review.employer"), Q(status__in=AT_EMPLOYER))
        desk = both(desk_filter(user), Q(status__in=IN_CHAIN))
        return either(employer, desk)

    def _view(self, user: Any) -> Q | None:
        employer = both(_employer(user, *EMPLOYER_CAPABILITIES), ~Q(status=Status.DRAFT))
        return either(_own(user), employer, _reported_up(user))


policy = register(DeclarationPolicy())
