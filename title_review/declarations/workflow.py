"""The declaration lifecycle as one table (domain-model.md §4; docs/workflow.md draws it).

Only `transitions.transition` writes `Declaration.status`, by this table, and it writes the 审核记录
with it. The services in declarations/ and reviews/ decide *whether* a move is allowed (scope, publicity,
objections, versions); the table decides *where* it leads.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.errors import DomainError


class Status(models.TextChoices):
    DRAFT = "draft", _("填写中")
    WITH_EMPLOYER = "with_employer", _("待单位审核")
    EMPLOYER_PASSED = "employer_passed", _("待公示")
    IN_PUBLICITY = "in_publicity", _("单位公示中")
    READY_TO_FORWARD = "ready_to_forward", _("待上报")
    IN_REVIEW = "in_review", _("主管部门审核中")
    QUALIFICATION_CHECK = "qualification_check", _("资格审查中")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    RETURNED = "returned", _("被退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    # 评后管理 (title_review/results): the committee's vote, or the office's 审批 for 初定 / 认定, then 发文.
    PASSED = "passed", _("评审通过")
    FAILED = "failed", _("评审未通过")
    APPROVED = "approved", _("审批通过")
    NOT_APPROVED = "not_approved", _("审批未通过")
    CONFIRMED = "confirmed", _("已发文")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回申报")
    TAKE_BACK = "take_back", _("撤回提交")
    # 单位
    PASS_EMPLOYER = "pass_employer", _("单位审核通过")
    PUBLICISE = "publicise", _("开始单位内部公示")
    PASS_PUBLICISED = "pass_publicised", _("审核通过（已公示）")
    END_PUBLICITY = "end_publicity", _("公示期满")
    NOT_RECOMMEND = "not_recommend", _("异议成立，不予推荐")
    FORWARD = "forward", _("上报")
    FORWARD_TO_OFFICE = "forward_to_office", _("上报")
    # 主管部门 (any number of levels)
    PASS = "pass", _("审核通过")
    PASS_TO_OFFICE = "pass_to_office", _("审核通过")
    # 职改办 资格审查
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    # every level
    RETURN = "return", _("退回")
    # 修改归口部门: forwarded declarations come back to the employer
    RECALL = "recall", _("归口部门变更，退回待上报")
    # a 补正 deadline passed without a resubmission
    EXPIRE = "expire", _("逾期未补正，视为撤回")
    # 评后管理 (title_review/results)
    RECORD_PASS = "record_pass", _("接收评审情况：通过")
    RECORD_FAIL = "record_fail", _("接收评审情况：未通过")
    APPROVE = "approve", _("审批通过")
    DISAPPROVE = "disapprove", _("审批不通过")
    DROP = "drop", _("异议成立，不予通过")
    CONFIRM = "confirm", _("确认发文")


TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Action.SUBMIT): Status.WITH_EMPLOYER,
    (Status.RETURNED, Action.SUBMIT): Status.WITH_EMPLOYER,
    (Status.DRAFT, Action.WITHDRAW): Status.WITHDRAWN,
    # 撤回提交: the applicant, before anyone at the employer has acted (declarations.services.take_back).
    (Status.WITH_EMPLOYER, Action.TAKE_BACK): Status.DRAFT,
    (Status.WITH_EMPLOYER, Action.PASS_EMPLOYER): Status.EMPLOYER_PASSED,
    (Status.EMPLOYER_PASSED, Action.PUBLICISE): Status.IN_PUBLICITY,
    (Status.EMPLOYER_PASSED, Action.RETURN): Status.RETURNED,
    (Status.WITH_EMPLOYER, Action.PASS_PUBLICISED): Status.READY_TO_FORWARD,
    (Status.WITH_EMPLOYER, Action.RETURN): Status.RETURNED,
    (Status.IN_PUBLICITY, Action.END_PUBLICITY): Status.READY_TO_FORWARD,
    (Status.IN_PUBLICITY, Action.NOT_RECOMMEND): Status.WITHDRAWN,
    (Status.IN_PUBLICITY, Action.RETURN): Status.RETURNED,
    (Status.READY_TO_FORWARD, Action.FORWARD): Status.IN_REVIEW,
    (Status.READY_TO_FORWARD, Action.FORWARD_TO_OFFICE): Status.QUALIFICATION_CHECK,
    (Status.READY_TO_FORWARD, Action.RETURN): Status.RETURNED,
    (Status.IN_REVIEW, Action.PASS): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.PASS_TO_OFFICE): Status.QUALIFICATION_CHECK,
    (Status.IN_REVIEW, Action.RETURN): Status.RETURNED,
    (Status.IN_REVIEW, Action.RECALL): Status.READY_TO_FORWARD,
    (Status.QUALIFICATION_CHECK, Action.ACCEPT): Status.ACCEPTED,
    (Status.QUALIFICATION_CHECK, Action.REJECT): Status.REJECTED,
    (Status.QUALIFICATION_CHECK, Action.RETURN): Status.RETURNED,
    (Status.QUALIFICATION_CHECK, Action.RECALL): Status.READY_TO_FORWARD,
    (Status.RETURNED, Action.EXPIRE): Status.WITHDRAWN,
    # 评后管理: the committee's result (or the office's 审批 for 初定 / 认定), an upheld objection, 确认发文.
    (Status.ACCEPTED, Action.RECORD_PASS): Status.PASSED,
    (Status.ACCEPTED, Action.RECORD_FAIL): Status.FAILED,
    (Status.ACCEPTED, Action.APPROVE): Status.APPROVED,
    (Status.ACCEPTED, Action.DISAPPROVE): Status.NOT_APPROVED,
    (Status.PASSED, Action.DROP): Status.FAILED,
    (Status.APPROVED, Action.DROP): Status.NOT_APPROVED,
    (Status.PASSED, Action.CONFIRM): Status.CONFIRMED,
    (Status.APPROVED, Action.CONFIRM): Status.CONFIRMED,
}
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
LIVE = frozenset(Status) - {Status.WITHDRAWN}
# Forwarded and still being reviewed above the employer.
IN_CHAIN = frozenset({Status.IN_REVIEW, Status.QUALIFICATION_CHECK})
# Statuses nothing leads out of. 已受理 is no longer one: the committee's result (or the office's 审批) follows.
FINAL = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.FAILED, Status.NOT_APPROVED, Status.CONFIRMED})
# 评后管理: a result recorded (a passed one may still be dropped by an upheld objection until 发文).
RESULT_STATUSES = frozenset({Status.PASSED, Status.FAILED, Status.APPROVED, Status.NOT_APPROVED, Status.CONFIRMED})

# Plain stage names for the applicant's 上报材料跟踪.
STAGE_FOR_APPLICANT: dict[str, str] = {
    Status.DRAFT: "填写中，尚未提交",
    Status.WITH_EMPLOYER: "已提交，等待单位审核",
    Status.EMPLOYER_PASSED: "单位审核通过，等待单位内部公示",
    Status.IN_PUBLICITY: "单位审核通过，正在单位内部公示",
    Status.READY_TO_FORWARD: "单位公示结束，等待单位上报",
    Status.IN_REVIEW: "主管部门审核中",
    Status.QUALIFICATION_CHECK: "职改办资格审查中",
    Status.ACCEPTED: "已受理，等待评委会评审",
    Status.REJECTED: "不予受理",
    Status.RETURNED: "被退回，请按退回理由修改后重新提交",
    Status.WITHDRAWN: "已撤回",
    Status.PASSED: "评审通过，公示及确认后发文",
    Status.FAILED: "评审未通过",
    Status.APPROVED: "审批通过，公示及确认后发文",
    Status.NOT_APPROVED: "审批未通过",
    Status.CONFIRMED: "已确认并发文，证书待编号发放",
}


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
