"""The staff lists (待审核材料, 上报材料跟踪, 已受理名单, 管理材料): their columns, which of them sort, and the defaults.

One definition per list, read by the page (headers, cells, 列设置), by the sort parser (only these keys sort)
and by the per-user column choice (only these keys are stored). The export keeps its own columns
(exports.lists); it shares the rows and their order through reviews.selectors.list_query.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.http import QueryDict
from django.utils import timezone

from title_review.core.identity import mask_identity


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: str
    # The model field the column sorts by ("" = not sortable); NULLs always last, whatever the direction.
    sort_field: str = ""
    shown: bool = True  # shown until the user chooses otherwise

    def order(self, descending: bool) -> OrderBy:
        field = F(self.sort_field)
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


@dataclass(frozen=True)
class ListDefinition:
    key: str
    title: str
    columns: tuple[ListColumn, ...]

    def column(self, key: str) -> ListColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def default_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.shown)


NUMBER = ListColumn("number", "申报编号", "number")
NAME = ListColumn("name", "申报人", "applicant_name")
IDENTITY = ListColumn("identity", "证件号码")  # shown masked; never sorted (the order would leak the hidden digits)
EMPLOYER = ListColumn("employer", "申报单位", "employer__name")
ROUND = ListColumn("round", "评审活动", "round__title")
QUALIFICATION = ListColumn("qualification", "申报资格", "target_qualification", shown=False)
SUBMITTED = ListColumn("submitted", "提交时间", "submitted_at", shown=False)

LISTS: dict[str, ListDefinition] = {
    d.key: d
    for d in (
        ListDefinition(
            "inbox",
            "待审核材料",
            (
                NUMBER,
                NAME,
                IDENTITY,
                EMPLOYER,
                ROUND,
                QUALIFICATION,
                ListColumn("stage", "环节", "status"),
                SUBMITTED,
                ListColumn("since", "送达时间", "stage_since"),
            ),
        ),
        ListDefinition(
            "tracking",
            "上报材料跟踪",
            (
                NUMBER,
                NAME,
                IDENTITY,
                EMPLOYER,
                ROUND,
                QUALIFICATION,
                ListColumn("stage", "所处环节", "status"),
                ListColumn("current_org", "当前机构", "current_org__name"),
                SUBMITTED,
                ListColumn("since", "自", "stage_since"),
            ),
        ),
        ListDefinition(
            "accepted",
            "已受理名单",
            (
                ListColumn("serial", "序号"),
                NUMBER,
                NAME,
                IDENTITY,
                EMPLOYER,
                ROUND,
                ListColumn("qualification", "申报资格", "target_qualification"),
                SUBMITTED,
                ListColumn("since", "受理时间", "stage_since"),
            ),
        ),
        ListDefinition(
            "manage",
            "管理材料",
            (
                NUMBER,
                NAME,
                ListColumn("identity", "证件号码", shown=False),
                ROUND,
                QUALIFICATION,
                ListColumn("status", "状态", "status"),
                ListColumn("filler", "填写人"),
                SUBMITTED,
            ),
        ),
    )
}

# At most this many sort keys; the id always follows as the last, stable one.
MAX_SORT_KEYS = 3


def cell(declaration: Any, key: str, stage: str = "") -> str:
    """The text of one column of one row, as the page shows it (identity numbers masked)."""
    if key == "number":
        return declaration.number or "—"
    if key == "name":
        return declaration.applicant.real_name or declaration.applicant_name
    if key == "identity":
        return mask_identity(declaration.applicant.id_number) if declaration.applicant.id_number else "—"
    if key == "employer":
        return declaration.employer.name
    if key == "round":
        return declaration.round.title
    if key == "qualification":
        return getattr(declaration, "qualification_name", None) or declaration.target_qualification or "—"
    if key == "stage":
        return stage or str(declaration.get_status_display())
    if key == "status":
        return str(declaration.get_status_display())
    if key == "filler":
        return "本人" if declaration.filled_by_id == declaration.applicant_id else "单位"
    if key == "current_org":
        return declaration.current_org.name if declaration.current_org_id else "—"
    if key in ("since", "submitted"):
        moment = declaration.stage_since if key == "since" else declaration.submitted_at
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"
    return ""


def row_cells(declaration: Any, columns: list[ListColumn], *, serial: int, stage: str = "") -> list[str]:
    """One row's texts for the shown columns (序号 from the row's place in the list)."""
    return [str(serial) if c.key == "serial" else cell(declaration, c.key, stage) for c in columns]


def headers_for(columns: list[ListColumn], sort: Any, params: QueryDict) -> list[dict[str, Any]]:
    """The table's headers: each sortable one links to the list with the sort a click gives (filters.Sort.toggled),
    and the keys in use carry their place and direction."""
    positions = {key: (i + 1, descending) for i, (key, descending) in enumerate(sort.keys)}
    headers = []
    for column in columns:
        url = ""
        if column.sort_field:
            target = params.copy()
            target["sort"] = sort.toggled(column.key)
            if not target["sort"]:
                target.pop("sort")
            url = "?" + target.urlencode()
        position, descending = positions.get(column.key, (None, None))
        headers.append(
            {"key": column.key, "label": column.label, "url": url, "position": position, "descending": descending}
        )
    return headers
