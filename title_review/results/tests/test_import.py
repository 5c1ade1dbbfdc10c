"""接收评审情况 by Excel: the template, each bad row named in Chinese with nothing written, then the fixed file
imports into one batch per committee and moves the declarations by the table."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.exchange.tests.factories import accepted_for, publish_round
from title_review.results.models import BatchSource, Outcome, ResultBatch, ResultEntry

from .factories import module_world

URL = "/results/import/"
HEADERS = ["*申报编号", "*评委会名称", "*评审结果"]
COMMITTEE = "浙江省中小学教师高级职称评审委员会"


def _build():
    round_ = publish_round()
    return {"round": round_, "teacher": accepted_for("teacher", round_), "applicant": accepted_for("applicant", round_)}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, _build) as built:
        yield built


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(world, db):
    """Every test runs on top of the module's world and rolls back."""


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评审情况"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("results.xlsx", buffer.getvalue())


def test_the_template_names_the_columns(login):
    response = login("hzadmin").get("/results/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["评审情况"]
    assert [c.value for c in sheet[1]][:3] == HEADERS


def test_bad_rows_are_named_and_nothing_is_written_then_the_fixed_file_imports(world, login):
    client = login("hzadmin")
    teacher, applicant = world["teacher"], world["applicant"]
    bad = [
        [teacher.number, COMMITTEE, "通过"],
        ["2026-9999-99999", COMMITTEE, "通过"],
        [applicant.number, COMMITTEE, "优秀"],
        [teacher.number, COMMITTEE, "未通过"],
    ]
    page = client.post(URL, {"file": xlsx(bad)}).content.decode()
    assert "预检发现 3 行有错误，未导入任何数据" in page
    assert "申报编号“2026-9999-99999”不存在" in page and "第 3 行" in page and "第 4 行" in page and "第 5 行" in page
    assert not ResultEntry.objects.exists()

    good = [[teacher.number, COMMITTEE, "通过"], [applicant.number, COMMITTEE, "未通过"]]
    checked = client.post(URL, {"file": xlsx(good)})
    assert "预检通过，共 2 行" in checked.content.decode()
    assert not ResultEntry.objects.exists()
    done = client.post(URL, {"token": checked.context["token"]}).content.decode()
    assert "导入成功：共导入 2 条评审情况" in done
    (batch,) = ResultBatch.objects.all()
    assert (batch.source, batch.committee_name, batch.office.name) == (
        BatchSource.IMPORT,
        COMMITTEE,
        "杭州市职称工作领导小组办公室",
    )
    assert dict(batch.entries.values_list("declaration_id", "outcome")) == {
        teacher.pk: Outcome.PASSED,
        applicant.pk: Outcome.FAILED,
    }
    assert Declaration.objects.get(pk=teacher.pk).status == Status.PASSED
    assert Declaration.objects.get(pk=applicant.pk).status == Status.FAILED
    # The same file again: every row refused (no longer 已受理), nothing changed.
    again = client.post(URL, {"file": xlsx(good)}).content.decode()
    assert "只有“已受理”的才能接收评审情况" in again
    assert ResultEntry.objects.count() == 2


def test_outside_the_office_the_rows_are_out_of_scope(world, login):
    client = login("xhadmin")
    page = client.post(URL, {"file": xlsx([[world["teacher"].number, COMMITTEE, "通过"]])}).content.decode()
    assert f"申报编号“{world['teacher'].number}”不在您的管辖范围内" in page
    assert not ResultEntry.objects.exists()
    assert login("hospitaladmin").get(URL).status_code == 403
