"""本单位评审结果's 导出 (results back to the unit): a list of the exports app (exports.lists.register), so that a
long list is written by a background job into 我的下载 and every export is audited, like the other lists."""

from typing import Any

from django.http import QueryDict

from title_review.exports.exporter import Column, ListSpec, Lookups, Names, Selection

from .models import BatchStatus, Outcome
from .selectors import unit_results

UNIT_RESULTS = "unit_results"


def _outcomes(_lookups: Lookups) -> Names:
    return Names({o.value: str(o.label) for o in Outcome})


def _batch_statuses(_lookups: Lookups) -> Names:
    return Names({s.value: str(s.label) for s in BatchStatus})


# The columns of the page's rows, as the export always had them (姓名 … 状态), newest batch first.
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "person_name", width=12),
    Column("工作单位", "employer_name", width=28),
    Column("系列", "series_name", width=16),
    Column("资格名称", "qualification_name", width=18),
    Column("级别", "level_name", width=10),
    Column("评委会", "batch__committee_name", width=28),
    Column("结果", "outcome", names=_outcomes, width=8),
    Column("发文字号", "batch__document_number", width=20),
    Column("状态", "batch__status", names=_batch_statuses, width=10),
)


def _unit(user: Any, _params: QueryDict) -> Selection:
    """The unit's own people's results (公示 started or 发文 done), in the page's order: the same selector."""
    return Selection("本单位评审结果", unit_results(user))


SPEC = ListSpec(UNIT_RESULTS, "本单位评审结果", UNIT_COLUMNS, _unit, sheet="评审结果")
