"""A round too big to print in one request (issue 12): the 汇总表 PDF is refused with a way out, found with a
count that stops after its cap; 批量打印评审表 names a capped count."""

from title_review.jobs.models import Job
from title_review.printing import services
from title_review.reviews.tests.factories import submit_for

from .conftest import to_department


def test_a_summary_above_its_cap_sends_the_viewer_to_the_excel_export(users, login, submitted, monkeypatch):
    to_department(users, submitted)
    to_department(users, submit_for(users["applicant"], submitted.round), employer_admin="hospitaladmin")
    monkeypatch.setattr(services, "SUMMARY_MAX_ROWS", 1)
    client = login("hzcheck")
    url = f"/printing/rounds/{submitted.round_id}/summary.pdf"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/track/?round={submitted.round_id}"
    page = client.get(response["Location"]).content.decode()
    assert "超过 1 份" in page and "导出汇总表（Excel）" in page
    # At the cap itself the PDF is printed.
    monkeypatch.setattr(services, "SUMMARY_MAX_ROWS", 2)
    printed = client.get(url)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_the_summary_cap_is_checked_with_a_limited_count(users, login, submitted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    to_department(users, submitted)
    client = login("hzcheck")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/printing/rounds/{submitted.round_id}/summary.pdf").status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert counts and all(f"LIMIT {services.SUMMARY_MAX_ROWS + 1}" in sql for sql in counts)


def test_the_batch_title_shows_a_capped_count(users, login, submitted, monkeypatch):
    from title_review.printing import services as printing

    to_department(users, submitted)
    to_department(users, submit_for(users["applicant"], submitted.round), employer_admin="hospitaladmin")
    monkeypatch.setattr(printing, "COUNT_CAP", 1)
    assert login("hzcheck").post(f"/printing/rounds/{submitted.round_id}/review-forms/").status_code == 302
    assert Job.objects.get(owner=users["hzcheck"]).title.endswith("（1+ 份）")
