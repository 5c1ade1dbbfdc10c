"""The lists that offer 导出汇总表, each with its columns (defined once) and the same rows as its page.

Rows come from the page's own selectors and filter code (reviews.selectors, reviews.filters,
declarations.selectors), evaluated for the exporting user, so an export never reaches beyond the page; the
staff lists (待审核材料, 上报材料跟踪, 已受理名单) take their rows, search and sort from
reviews.selectors.list_query, the same call as their pages, so the file holds the page's rows in its order.
"""

from typing import Any

from django.http import QueryDict

from title_review.access import scoped
from title_review.committees.models import BallotOutcome
from title_review.committees.services import latest_closed
from title_review.core.errors import DomainError
from title_review.core.excel import DATE, DATETIME, NUMBER
from title_review.core.identity import mask_identity, mask_phone
from title_review.core.params import to_id
from title_review.declarations.workflow import STAGE_FOR_APPLICANT, Status
from title_review.reviews.filters import FILTERS
from title_review.reviews.selectors import list_query, tracked_by
from title_review.rounds.selectors import rounds_visible_to

from .exporter import SERIAL, Column, ListSpec, Lookups, Names, Selection

# The filters the list pages understand (and the meeting of a 评审结果 export); nothing else goes into a job.
FILTER_KEYS = (*FILTERS, "meeting")


def _statuses(_lookups: Lookups) -> Names:
    """状态: each status's label (in the export's language); an unknown code as it is."""
    return Names({status.value: str(status.label) for status in Status})


def _stages(_lookups: Lookups) -> Names:
    """所处环节: the applicant's words for each status; nothing for an unknown one."""
    return Names({status: str(stage) for status, stage in STAGE_FOR_APPLICANT.items()}, missing="")


def _waiting_days(row: dict[str, Any], lookups: Lookups) -> int | None:
    since = row.get("stage_since")
    return (lookups.now - since).days if since else None


def _qualifications(lookups: Lookups) -> dict[str, str]:
    return lookups.qualifications


def _specialties(lookups: Lookups) -> dict[str, str]:
    return lookups.specialties


def _levels(lookups: Lookups) -> Names:
    """级别 of a 资格名称; nothing for a qualification without one."""
    return Names(lookups.qualification_levels, missing="")


# 导出汇总表 (杭州市职称系统 manuals): the columns every declaration list shares, in this order.
DECLARATION_COLUMNS: tuple[Column, ...] = (
    Column("序号", SERIAL, kind=NUMBER, width=7),
    Column("申报编号", "number", width=17),
    Column("姓名", "applicant__real_name", width=12),
    Column("证件号码", "applicant__id_number", mask=mask_identity, width=22),
    Column("手机号码", "applicant__phone", mask=mask_phone, width=15),
    Column("性别", "applicant__sex", width=6),
    Column("出生日期", "applicant__birth_date", kind=DATE, width=12),
    Column("工作单位", "employer__name", width=28),
    Column("评审活动", "round__title", width=30),
    Column("申报资格", "target_qualification", names=_qualifications, width=18),
    Column("申报专业", "specialty", names=_specialties, width=18),
    Column("状态", "status", names=_statuses, width=14),
    Column("当前审核机构", "current_org__name", width=28),
    Column("提交时间", "submitted_at", kind=DATETIME, width=17),
)


def _inbox(user: Any, params: QueryDict) -> Selection:
    return Selection("待审核材料", list_query(user, "inbox", params).queryset)


def _tracking(user: Any, params: QueryDict) -> Selection:
    return Selection("上报材料跟踪", list_query(user, "tracking", params).queryset)


def _accepted(user: Any, params: QueryDict) -> Selection:
    return Selection("已受理名单", list_query(user, "accepted", params).queryset)


def _managed(user: Any, params: QueryDict) -> Selection:
    """管理材料: the employer's own declarations, with the page's filters, search and sort."""
    return Selection("管理材料", list_query(user, "manage", params).queryset)


def round_of(user: Any, round_id: str) -> Any:
    pk = to_id(round_id)
    round_ = rounds_visible_to(user).filter(pk=pk).first() if pk is not None else None
    if round_ is None:
        raise DomainError("评审活动不存在或您无权查看，请刷新后重试。")
    return round_


def _round(user: Any, params: QueryDict) -> Selection:
    """A round's 汇总表: every declaration of the round the viewer may track (title office: its subtree)."""
    round_ = round_of(user, params.get("round", ""))
    queryset = tracked_by(user).filter(round=round_).order_by("employer__path", "applicant__real_name", "pk")
    return Selection(f"{round_.title}汇总表", queryset, obj=round_)


def _meeting_results(user: Any, params: QueryDict) -> Selection:
    """评审结果 of a closed meeting, as its page shows them (committees.services.results_of): per declaration
    its last closed ballot, for the title office that published the round (the meeting policy's "results")."""
    meeting_pk = to_id(params.get("meeting"))
    meeting = scoped.meetings.visible(user, "results").filter(pk=meeting_pk).first() if meeting_pk is not None else None
    if meeting is None:
        raise DomainError("评审会议不存在、尚未结束或您无权查看其评审结果，请刷新后重试。")
    # The rows of the page (each declaration's last closed ballot), in the order of voting.
    return Selection(f"{meeting.title}评审结果", latest_closed(meeting).order_by("pk"), obj=meeting)


def _outcomes(_lookups: Lookups) -> Names:
    return Names({BallotOutcome.PASSED.value: "通过"}, missing="未通过")


# 评审结果 to the title office (issue 13 point 7): 通过 / 未通过 with the tally, never who voted how.
RESULT_COLUMNS: tuple[Column, ...] = (
    Column("序号", SERIAL, kind=NUMBER, width=7),
    Column("申报人", "declaration__applicant_name", width=12),
    Column("工作单位", "declaration__employer__name", width=28),
    Column("系列", "declaration__round__series__name", width=16),
    Column("申报资格", "declaration__target_qualification", names=_qualifications, width=16),
    Column("级别", "declaration__target_qualification", names=_levels, width=10),
    Column("评审结果", "outcome", names=_outcomes, width=10),
    Column("应到评委", "members_count", kind=NUMBER, width=9),
    Column("出席评委", "present_count", kind=NUMBER, width=9),
    Column("同意", "approve", kind=NUMBER, width=7),
    Column("不同意", "reject", kind=NUMBER, width=7),
    Column("弃权", "abstain", kind=NUMBER, width=7),
    Column("第几次表决", "attempt", kind=NUMBER, width=10),
    Column("表决结束时间", "closed_at", kind=DATETIME, width=17),
)


LISTS: dict[str, ListSpec] = {
    spec.key: spec
    for spec in (
        ListSpec(
            "inbox",
            "待审核材料",
            (
                *DECLARATION_COLUMNS,
                Column("送达时间", "stage_since", kind=DATETIME, width=17),
                Column("等待天数", "stage_since", kind=NUMBER, show=_waiting_days, width=9),
            ),
            _inbox,
        ),
        ListSpec(
            "tracking",
            "上报材料跟踪",
            (
                *DECLARATION_COLUMNS,
                Column("所处环节", "status", names=_stages, width=16),
                Column("进入当前环节时间", "stage_since", kind=DATETIME, width=17),
            ),
            _tracking,
        ),
        ListSpec(
            "accepted",
            "已受理名单",
            (*DECLARATION_COLUMNS, Column("受理时间", "stage_since", kind=DATETIME, width=17)),
            _accepted,
        ),
        ListSpec(
            "declarations",
            "管理材料",
            (
                *DECLARATION_COLUMNS,
                Column(
                    "填写人",
                    "filled_by_id",
                    show=lambda r, _lk: "本人" if r["filled_by_id"] == r["applicant_id"] else "单位",
                    needs=("applicant_id",),
                    width=8,
                ),
            ),
            _managed,
        ),
        ListSpec("round", "评审活动汇总表", DECLARATION_COLUMNS, _round, sheet="汇总表"),
        ListSpec("meeting_results", "评审结果", RESULT_COLUMNS, _meeting_results, sheet="评审结果"),
    )
}


def register(spec: ListSpec) -> None:
    """A list of an app above this one (评后管理's 本单位评审结果) offers 导出 through the same exporter, job and
    audit: it registers its ListSpec when its app is ready, so that the web process and the job worker know it."""
    if spec.key in LISTS and LISTS[spec.key] is not spec:
        raise ValueError(f"an export list named {spec.key!r} is registered already")
    LISTS[spec.key] = spec
