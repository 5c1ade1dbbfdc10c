"""导出汇总表 in a big scope (issue 12): the request counts at most one row more than the larger of COUNT_CAP and
the inline limit; a bigger export is queued under "2,000+" and the job counts exactly when it runs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.exports import services
from title_review.jobs.models import Job, JobStatus

from .conftest import flood


def test_a_big_export_is_queued_under_a_capped_count(
    users, login, review_round, school_desk, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 5
    monkeypatch.setattr(services, "COUNT_CAP", 10)
    school, desk = school_desk
    flood(review_round, school, desk, 12)
    client = login("zsadmin")
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/inbox/", {"employer": "第二"})
    assert response.status_code == 302 and response["Location"] == "/downloads/"
    counts = [
        q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"] and "declarations_declaration" in q["sql"]
    ]
    # The request's count stops at the cap + 1; the job (run on commit here) counts exactly.
    assert any("LIMIT 11" in sql for sql in counts)
    page = client.get("/downloads/").content.decode()
    assert "共 10+ 行，数据较多，已转入后台导出" in page and "导出汇总表：待审核材料（约 10+ 行）" in page
    job = Job.objects.get(owner=users["zsadmin"], kind="exports.list")
    assert job.status == JobStatus.DONE and (job.done, job.total) == (12, 12) and job.message == "共导出 12 行。"


def test_below_the_cap_the_count_is_exact(users, login, review_round, school_desk, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 5
    school, desk = school_desk
    flood(review_round, school, desk, 7)
    client = login("zsadmin")
    client.post("/exports/inbox/", {"employer": "第二"})
    assert Job.objects.get(owner=users["zsadmin"]).title == "导出汇总表：待审核材料（约 7 行）"
