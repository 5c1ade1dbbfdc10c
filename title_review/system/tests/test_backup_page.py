"""备份与恢复 page and job (issue 16 point 1): the 系统管理员 starts a backup as a background job, one at a time;
the job keeps the newest `backup.keep_count` archives (参数设置); everyone else is refused the page and the job.

A test that really makes a backup commits (transactional_db), as a worker runs the job outside any transaction:
SQLite's online backup cannot copy the database while the test's own transaction holds it."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from title_review.access.policies import has_capability
from title_review.audit.models import AuditEvent
from title_review.core.errors import Conflict, DomainError
from title_review.demo.data import ACCOUNTS
from title_review.jobs.models import Job, JobStatus
from title_review.jobs.services import enqueue
from title_review.system import backups
from title_review.system.services import BACKUP_JOB, set_policy, start_backup

OLD = ("title-review-20200101-010000.tar", "title-review-20200102-010000.tar", "title-review-20200103-010000.tar")


@pytest.fixture
def backup_dir(settings, tmp_path):
    """The backup directory, with three old (fake) archives in it."""
    settings.BACKUP_DIR = tmp_path
    for name in OLD:
        (tmp_path / name).write_bytes(b"x" * 3 * 1024 * 1024)
    return tmp_path


def _names(directory):
    return [path.name for path in backups.archives(directory)]


def test_the_backup_job_makes_an_archive_and_keeps_the_newest_per_the_setting(transactional_db, users, backup_dir):
    set_policy(actor=users["zjadmin"], key="backup.keep_count", raw_value="2")
    job = start_backup(actor=users["sysadmin"])  # inline: the job runs once the transaction commits
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    new = _names(backup_dir)[0]
    assert _names(backup_dir) == [new, OLD[2]]
    assert re.fullmatch(
        rf"备份完成：{new}（[\d.]+ MB；\d+ 张表 \d+ 行，\d+ 个文件）。保留最新 2 份，已删除较早的备份 2 份。",
        job.message,
    ), job.message
    backups.verify(backup_dir / new)  # a real, intact archive
    assert not job.result  # nothing to download in 我的下载
    event = AuditEvent.objects.get(action="backup.start")
    assert event.actor_id == users["sysadmin"].pk and event.object_id == str(job.pk) and event.after == {"keep": 2}


def test_a_second_backup_is_refused_while_one_is_queued_or_running(users, backup_dir):
    first = start_backup(actor=users["sysadmin"])  # the test's transaction never commits: it stays queued
    with pytest.raises(Conflict, match="已有一个备份任务在排队或进行中"):
        start_backup(actor=users["sysadmin"])
    Job.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)
    with pytest.raises(Conflict):
        start_backup(actor=users["sysadmin"])
    assert list(Job.objects.filter(kind=BACKUP_JOB)) == [first]
    assert AuditEvent.objects.filter(action="backup.start").count() == 1
    Job.objects.filter(pk=first.pk).update(status=JobStatus.FAILED)
    assert start_backup(actor=users["sysadmin"]).pk != first.pk


def test_only_the_system_administrator_may_start_one(users, backup_dir):
    for username in ("zjadmin", "secadmin", "auditor", "hzadmin"):
        with pytest.raises(DomainError, match="只有省级系统管理员可以备份"):
            start_backup(actor=users[username])
    assert not Job.objects.filter(kind=BACKUP_JOB).exists()


def test_a_job_whose_owner_lost_the_right_makes_no_archive(users, backup_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(owner=users["zjadmin"], kind=BACKUP_JOB, title="系统备份")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == "发起人已没有备份权限，备份未进行。"
    assert _names(backup_dir) == list(reversed(OLD))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="pg_dump runs in its own session")
def test_a_backup_inside_a_transaction_fails_instead_of_hanging(users, backup_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # still inside the test's transaction
        job = start_backup(actor=users["sysadmin"])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "数据库事务之外" in job.message
    assert _names(backup_dir) == list(reversed(OLD))


@pytest.mark.parametrize(
    ("raw", "message"), [("0", "大于 0"), ("101", "1 到 100 份"), ("七", "整数"), ("-3", "大于 0")]
)
def test_the_retention_setting_is_bounded(users, raw, message):
    with pytest.raises(DomainError, match=message):
        set_policy(actor=users["zjadmin"], key="backup.keep_count", raw_value=raw)
    set_policy(actor=users["zjadmin"], key="backup.keep_count", raw_value="100")


def test_the_command_keeps_as_many_as_the_setting_says_unless_told(transactional_db, users, backup_dir):
    set_policy(actor=users["zjadmin"], key="backup.keep_count", raw_value="1")
    out = io.StringIO()
    call_command("backup", stdout=out)
    assert "备份完成" in out.getvalue()
    assert len(_names(backup_dir)) == 1 and _names(backup_dir)[0] not in OLD
    for name in OLD:
        (backup_dir / name).write_bytes(b"x")
    call_command("backup", keep=0, stdout=io.StringIO())
    assert len(_names(backup_dir)) == 5


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_system_administrator_lists_the_archives_and_starts_a_backup(transactional_db, login, users, backup_dir):
    client = login("sysadmin")
    page = client.get("/system/backups/").content.decode()
    assert 'href="/system/backups/"' in page  # the menu item
    assert page.count('data-testid="archive"') == 3
    assert page.index(OLD[2]) < page.index(OLD[1]) < page.index(OLD[0])  # newest first
    assert "3.0</td>" in page  # size in MB
    assert 'data-testid="keep-count">7<' in page
    assert "不提供网页下载" in page and "manage.py restore" in page and "--check" in page
    assert not re.search(r'href="[^"]*\.tar', page)  # no archive is offered for download

    response = client.post("/system/backups/start/", follow=True)
    page = response.content.decode()
    assert "已开始备份" in page
    new = _names(backup_dir)[0]
    assert new not in OLD and new in page
    assert page.count('data-testid="archive"') == 4  # 7 kept: nothing pruned
    assert "备份完成" in page and "已完成" in page and "张系统" in page


def test_the_page_refuses_a_second_backup_while_one_runs(login, users, backup_dir):
    client = login("sysadmin")
    client.post("/system/backups/start/")  # queued: the test's transaction never commits
    page = client.get("/system/backups/").content.decode()
    assert "排队中" in page and "disabled" in page
    response = client.post("/system/backups/start/", follow=True)
    assert "已有一个备份任务在排队或进行中" in response.content.decode()
    assert Job.objects.filter(kind=BACKUP_JOB).count() == 1


def test_the_post_needs_the_csrf_token(users, backup_dir):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["sysadmin"])
    assert client.post("/system/backups/start/").status_code == 403
    assert not Job.objects.filter(kind=BACKUP_JOB).exists()


def test_the_page_keeps_a_bounded_query_count(login, users, backup_dir, django_assert_max_num_queries):
    client = login("sysadmin")
    for n in range(15):
        Job.objects.create(
            owner=users["sysadmin"], kind=BACKUP_JOB, title="系统备份", status=JobStatus.DONE, message=f"第{n}次"
        )
    with django_assert_max_num_queries(12):
        response = client.get("/system/backups/")
    assert response.status_code == 200 and response.content.decode().count('data-testid="backup-job"') == 10


OTHERS = [account[0] for account in ACCOUNTS if account[0] != "sysadmin"]


@pytest.mark.parametrize("username", OTHERS)
def test_nobody_else_sees_the_page_the_menu_item_or_starts_a_backup(login, users, backup_dir, username):
    assert not has_capability(users[username], "backup.manage")
    client = login(username)
    assert client.get("/system/backups/").status_code in (403, 404)
    assert client.post("/system/backups/start/").status_code in (403, 404)
    assert "备份与恢复" not in client.get("/").content.decode()
    assert not Job.objects.filter(kind=BACKUP_JOB).exists()
    assert _names(backup_dir) == list(reversed(OLD))
