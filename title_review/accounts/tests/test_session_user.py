"""The user behind each signed-in request: one query with the organisation (issue 12, surge capacity)."""

from title_review.accounts.backends import AccountBackend
from title_review.organisations import services as organisations


def test_the_session_user_comes_with_the_organisation_in_one_query(users, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(users["schooladmin"].pk)
        assert user.organisation.name == "杭州第二中学"  # the top bar's name, no second query
    assert AccountBackend().get_user(0) is None


def test_a_disabled_organisation_ends_its_staff_sessions_not_its_applicants(client, users, orgs):
    client.force_login(users["hospitaladmin"])
    assert client.get("/").status_code == 200
    organisations.disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市第一人民医院"].pk)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert AccountBackend().get_user(users["hospitaladmin"].pk) is None


def test_an_applicant_keeps_the_session_whatever_happens_to_the_employer(users, orgs):
    applicant = users["teacher"]
    organisations.disable_organisation(actor=users["hzadmin"], organisation_id=applicant.organisation_id)
    assert AccountBackend().get_user(applicant.pk) == applicant
