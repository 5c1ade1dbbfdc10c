"""导出汇总表 in the browser: a department reviewer downloads its 待审核材料 as an .xlsx, with the filters
of the page, and the file opens in openpyxl with the identity number masked."""

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from .pages import field, open_menu, screenshot, sign_in, submit
from .test_review_chain import teacher_draft  # noqa: F401 — the 2026 round and 朱老师's complete draft

pytestmark = pytest.mark.browser


@pytest.fixture
def at_level_one(teacher_draft):  # noqa: F811 — the imported fixture
    """朱老师's declaration submitted, passed and publicised by the school, forwarded to 直属学校管理中心."""
    from title_review.accounts.models import User
    from title_review.declarations import services as declarations
    from title_review.reviews.tests.test_chain import forward, to_ready

    users = {u.username: u for u in User.objects.filter(username__in=["teacher", "schooladmin"])}
    submitted = declarations.submit_declaration(actor=users["teacher"], declaration_id=teacher_draft.pk)
    return forward(users, to_ready(users, submitted))


def download_export(page: Page, tmp_path, name: str):
    with page.expect_download() as info:
        page.get_by_role("button", name="导出汇总表", exact=True).click()
    download = info.value
    assert download.suggested_filename.startswith("待审核材料_") and download.suggested_filename.endswith(".xlsx")
    target = tmp_path / name
    download.save_as(target)
    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_department_reviewer_exports_its_inbox(page: Page, at_level_one, tmp_path):
    sign_in(page, "zsadmin")
    open_menu(page, "待审核材料")
    expect(page.get_by_role("row").filter(has_text="朱老师")).to_have_count(1)
    # Departments get masked numbers only: no option for full numbers.
    expect(page.get_by_label("含完整证件号码和手机号码（将记入操作日志）")).to_have_count(0)
    screenshot(page, "exports-inbox")

    [row] = download_export(page, tmp_path, "all.xlsx")
    assert row["姓名"] == "朱老师" and row["工作单位"] == "杭州第二中学"
    assert row["证件号码"] == "330108********0026" and row["手机号码"] == "138****0002"

    # The export carries the page's current filters.
    field(page, "申报单位").fill("第一人民医院")
    submit(page, "查询")
    expect(page.get_by_role("row").filter(has_text="朱老师")).to_have_count(0)
    assert download_export(page, tmp_path, "filtered.xlsx") == []


def test_the_title_office_exports_a_rounds_summary_with_full_numbers(page: Page, at_level_one, tmp_path):
    from title_review.audit.models import AuditEvent

    sign_in(page, "hzcheck")
    open_menu(page, "上报材料跟踪")
    field(page, "评审活动").select_option(label="2026年度中小学教师职称评审")
    submit(page, "查询")
    page.get_by_label("含完整证件号码和手机号码（将记入操作日志）").check()
    screenshot(page, "exports-tracking-round")
    with page.expect_download() as info:
        page.get_by_role("button", name="导出本评审活动汇总表").click()
    download = info.value
    assert download.suggested_filename.startswith("2026年度中小学教师职称评审汇总表_")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    [row] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert row["姓名"] == "朱老师" and row["证件号码"] == "330108198506120026" and row["手机号码"] == "13800000002"
    assert AuditEvent.objects.filter(action="export.full_identity", actor_name__contains="hzcheck").count() == 1
