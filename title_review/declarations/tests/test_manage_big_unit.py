"""管理材料 at a unit with many staff (issue 12): the 填写材料 form never lists every colleague; above
COLLEAGUE_CHOICES the colleague is named by 证件号码, and the page reads a bounded number of staff rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.declarations.models import Declaration
from title_review.organisations.models import EmployerStaff
from title_review.reviews import views


def test_a_small_unit_picks_the_colleague_from_a_list_by_name(login, users, open_round):
    page = login("hospitaladmin").get("/reviews/manage/").content.decode()
    assert 'id="fill-person"' in page and 'name="id_number"' not in page
    assert f'<option value="{users["applicant"].pk}">韩申报</option>' in page


def test_a_big_unit_names_the_colleague_by_identity_number(login, users, open_round, monkeypatch):
    monkeypatch.setattr(views, "COLLEAGUE_CHOICES", 0)
    client = login("hospitaladmin")
    page = client.get("/reviews/manage/").content.decode()
    assert 'name="id_number"' in page and 'id="fill-person"' not in page
    response = client.post(
        "/declarations/employer/fill/",
        {"id_number": users["applicant"].id_number.lower(), "round": open_round.pk, "pledge": "on"},
    )
    declaration = Declaration.objects.get()
    assert response["Location"] == f"/declarations/{declaration.pk}/"
    assert declaration.applicant == users["applicant"] and declaration.filled_by == users["hospitaladmin"]


def test_an_identity_number_outside_the_staff_list_is_refused(login, users, open_round, monkeypatch):
    monkeypatch.setattr(views, "COLLEAGUE_CHOICES", 0)
    client = login("hospitaladmin")
    for number in (users["teacher"].id_number, "330106199001011234"):
        response = client.post(
            "/declarations/employer/fill/", {"id_number": number, "round": open_round.pk, "pledge": "on"}, follow=True
        )
        assert "本单位工作人员中没有这个证件号码" in response.content.decode()
    # A colleague who was 停用 is not offered either.
    EmployerStaff.objects.filter(person=users["applicant"]).update(is_active=False)
    response = client.post(
        "/declarations/employer/fill/",
        {"id_number": users["applicant"].id_number, "round": open_round.pk, "pledge": "on"},
        follow=True,
    )
    assert "本单位工作人员中没有这个证件号码" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_page_reads_at_most_one_more_staff_row_than_it_lists(login, users, open_round):
    client = login("hospitaladmin")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/reviews/manage/").status_code == 200
    staff = [q["sql"] for q in captured.captured_queries if 'FROM "organisations_employerstaff"' in q["sql"]]
    assert len(staff) == 1 and f"LIMIT {views.COLLEAGUE_CHOICES + 1}" in staff[0]
