"""我的下载 → 重试 in the browser: an export whose worker died mid-way shows 失败 with the reason; its owner
presses 重试, the job runs again and its file downloads."""

import pytest
from playwright.sync_api import Page, expect

from .pages import open_menu, screenshot, sign_in

pytestmark = pytest.mark.browser

KIND = "tests.numbers"


@pytest.fixture
def interrupted_job(demo_data):
    """hzadmin's export, failed after its worker was killed on the last allowed run."""
    from title_review.accounts.models import User
    from title_review.jobs import registry, services
    from title_review.jobs.models import Job, JobStatus

    def numbers(job, progress):
        progress(3, 3)
        return registry.JobOutput(name="花名册.txt", content=b"1,2,3")

    registry.register_handler(KIND, "导出花名册", numbers)
    job = Job.objects.create(
        owner=User.objects.get(username="hzadmin"),
        kind=KIND,
        title="导出花名册（中断）",
        status=JobStatus.FAILED,
        attempts=2,
        message=services.INTERRUPTED,
    )
    yield job
    registry.HANDLERS.pop(KIND, None)


def test_the_owner_retries_an_interrupted_job_and_downloads_its_file(page: Page, interrupted_job, tmp_path):
    sign_in(page, "hzadmin")
    open_menu(page, "我的下载")
    row = page.get_by_test_id(f"job-{interrupted_job.pk}")
    expect(row).to_contain_text("失败")
    expect(row).to_contain_text("后台处理进程意外停止")
    screenshot(page, "downloads-interrupted-job")
    row.get_by_role("button", name="重试 导出花名册（中断）").click()
    expect(page.get_by_text("已重新提交，请稍候。")).to_be_visible()
    row = page.get_by_test_id(f"job-{interrupted_job.pk}")
    expect(row).to_contain_text("已完成")
    expect(row.get_by_role("button", name="重试 导出花名册（中断）")).to_have_count(0)
    with page.expect_download() as info:
        row.get_by_role("link", name="下载").click()
    target = tmp_path / "file.txt"
    info.value.save_as(target)
    assert info.value.suggested_filename == "花名册.txt" and target.read_bytes() == b"1,2,3"
