"""What a round's 汇总表 and 上报材料跟踪 hold, cell by cell: values, masking, dictionary names, local times, formats.

The exporter reads tuples and resolves code → name tables once per file (issue 12); these rows pin what a
person gets in the file, so a faster path cannot change a cell unnoticed.
"""

import datetime as dt
import io

from django.db.models import Value

from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.dictionaries.models import Entry
from title_review.exports.exporter import Lookups, Selection, write_export
from title_review.exports.lists import LISTS

from .conftest import flood, identity, sheet_of, table
from .test_exports import HEADERS, export


def cell_time(*parts: int) -> dt.datetime:
    """A date and time as a cell holds it: wall-clock, without a time zone."""
    return dt.datetime(*parts, tzinfo=dt.UTC).replace(tzinfo=None)


ROUND = "2026年度中小学教师职称评审"
SUBMITTED_UTC = dt.datetime(2026, 10, 12, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
SINCE_UTC = dt.datetime(2026, 10, 20, 16, 5, tzinfo=dt.UTC)  # 00:05 on the 21st in Beijing


def _three(review_round, office_desk):
    """批量0–2 at the 职改办's desk: a known 资格 and 专业, an unknown 资格 code, and neither."""
    school, desk = office_desk
    people = flood(review_round, school, desk, 3, status=Status.QUALIFICATION_CHECK)
    qualification = Entry.objects.filter(type__code="qualification").order_by("code").first()
    specialty = Entry.objects.filter(type__code="specialty").order_by("code").first()
    values = [
        {"target_qualification": qualification.code, "specialty": specialty.code},
        {"target_qualification": "ZZ-UNKNOWN", "specialty": specialty.code, "status": Status.ACCEPTED},
        {"target_qualification": "", "specialty": ""},
    ]
    for n, (declaration, changes) in enumerate(zip(people, values, strict=True)):
        Declaration.objects.filter(pk=declaration.pk).update(
            number=f"2026-0001-{n:05d}", submitted_at=SUBMITTED_UTC, stage_since=SINCE_UTC, **changes
        )
    return qualification.name, specialty.name


def test_a_rounds_summary_pins_every_cell_of_its_rows(users, login, review_round, office_desk):
    qualification, specialty = _three(review_round, office_desk)
    content = export(login("hzcheck"), f"/exports/rounds/{review_round.pk}/")
    rows = table(content)
    assert list(rows[0]) == HEADERS
    submitted = cell_time(2026, 10, 12, 9, 30)
    born = cell_time(1980, 1, 1)
    school, desk = "杭州第二中学", "杭州市职称工作领导小组办公室"
    assert [list(row.values()) for row in rows] == [
        [1, "2026-0001-00000", "批量0", "330106********" + identity(0)[-4:], "139****0000", "男", born,
         school, ROUND, qualification, specialty, "资格审查中", desk, submitted],
        [2, "2026-0001-00001", "批量1", "330106********" + identity(1)[-4:], "139****0001", "女", born,
         school, ROUND, "ZZ-UNKNOWN", specialty, "已受理", desk, submitted],
        [3, "2026-0001-00002", "批量2", "330106********" + identity(2)[-4:], "139****0002", "男", born,
         school, ROUND, None, None, "资格审查中", desk, submitted],
    ]  # fmt: skip
    sheet = sheet_of(content)
    formats = [cell.number_format for cell in sheet[2]]
    assert formats == ["General", *["@"] * 5, "yyyy-mm-dd", *["@"] * 6, "yyyy-mm-dd hh:mm"]
    types = [cell.data_type for cell in sheet[2]]
    assert types == ["n", *["s"] * 5, "d", *["s"] * 6, "d"]


def test_full_numbers_and_the_stage_columns_of_the_tracking_list(users, login, review_round, office_desk):
    _three(review_round, office_desk)
    rows = table(export(login("hzcheck"), "/exports/tracking/", {"full": "1"}))
    by_name = {row["姓名"]: row for row in rows}
    assert set(by_name) == {"批量0", "批量1", "批量2"}
    assert [by_name[n]["证件号码"] for n in ("批量0", "批量1", "批量2")] == [identity(i) for i in range(3)]
    assert [by_name[n]["手机号码"] for n in ("批量0", "批量1", "批量2")] == [f"139{i:08d}" for i in range(3)]
    assert (by_name["批量0"]["状态"], by_name["批量0"]["所处环节"]) == ("资格审查中", "职改办资格审查中")
    assert (by_name["批量1"]["状态"], by_name["批量1"]["所处环节"]) == ("已受理", "已受理，等待评委会评审")
    assert {row["进入当前环节时间"] for row in rows} == {cell_time(2026, 10, 21, 0, 5)}
    assert sorted(row["序号"] for row in rows) == [1, 2, 3]


def test_a_code_no_table_knows_shows_as_it_is_and_an_unknown_stage_as_nothing(users, review_round, office_desk):
    _three(review_round, office_desk)
    Declaration.objects.filter(applicant__real_name="批量2").update(status="legacy")  # no list shows it; a file may
    buffer = io.BytesIO()
    selection = Selection("上报材料跟踪", Declaration.objects.order_by("applicant__real_name"))
    result = write_export(LISTS["tracking"], selection, buffer, full=Value(False))
    rows = table(buffer.getvalue())
    assert result.rows == 3 and [row["申报资格"] for row in rows][1:] == ["ZZ-UNKNOWN", None]
    assert (rows[2]["状态"], rows[2]["所处环节"]) == ("legacy", None)
    # Column.value (one row as a dict) gives the same cells as the file.
    lookups = Lookups.load()
    row = {"status": "legacy", "target_qualification": "ZZ-UNKNOWN"}
    cells = {c.label: c.value(row, lookups, full=False) for c in LISTS["tracking"].columns if c.names is not None}
    assert cells == {"申报资格": "ZZ-UNKNOWN", "申报专业": None, "状态": "legacy", "所处环节": ""}
