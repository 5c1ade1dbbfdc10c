"""备份与恢复: the system administrator opens the page from the menu, presses 立即备份, and finds the new archive
listed with the finished job; the page offers no download of it and shows the restore command instead."""

import re

import pytest
from playwright.sync_api import expect

from .pages import open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser


def test_system_admin_backs_up_from_the_page(page, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    (tmp_path / "title-review-20200101-010000.tar").write_bytes(b"x" * 2 * 1024 * 1024)
    sign_in(page, "sysadmin")
    open_menu(page, "备份与恢复")

    archives = page.get_by_role("table", name="备份文件").get_by_test_id("archive")
    expect(archives).to_have_count(1)
    expect(archives.first).to_contain_text("title-review-20200101-010000.tar")
    expect(archives.first).to_contain_text("2.0")
    expect(page.get_by_text("备份文件不提供网页下载")).to_be_visible()
    expect(page.get_by_text(re.compile(r"manage\.py restore .*--check"))).to_be_visible()

    submit(page, "立即备份")
    expect(page.get_by_role("alert")).to_contain_text("已开始备份")
    expect(archives).to_have_count(2)
    newest = archives.first
    expect(newest).not_to_contain_text("title-review-20200101-010000.tar")
    expect(newest).to_contain_text(re.compile(r"title-review-\d{8}-\d{6}\.tar"))
    job = page.get_by_role("table", name="最近的备份任务").get_by_test_id("backup-job").first
    expect(job).to_contain_text("已完成")
    expect(job).to_contain_text("张系统")
    expect(job).to_contain_text(re.compile(r"备份完成：title-review-.*张表 \d+ 行，\d+ 个文件"))
    expect(page.get_by_role("link", name=re.compile(r"\.tar"))).to_have_count(0)
    screenshot(page, "backups")
