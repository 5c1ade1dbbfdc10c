"""基础信息 (issue 15 point 3): 民族 and 政治面貌 from their code tables, 行政职务, 现聘岗位, 参加工作时间."""

import datetime as dt

import pytest

from title_review.accounts import services
from title_review.accounts.models import User
from title_review.accounts.selectors import basic_information_of
from title_review.core.errors import DomainError

GOOD = {
    "email": "han@example.com",
    "ethnicity": "22",
    "political_status": "01",
    "administrative_post": "教研组长",
    "current_post": "专业技术十级",
    "work_started_on": "2012-08-01",
}


def test_a_person_fills_in_the_basic_information(login, users, django_assert_max_num_queries):
    client = login("applicant")
    with django_assert_max_num_queries(15):
        page = client.get("/accounts/profile/").content.decode()
    assert "民族" in page and "畲族" in page and "政治面貌" in page and "现聘岗位" in page
    page = client.post("/accounts/profile/", GOOD, follow=True).content.decode()
    assert "已保存" in page
    person = User.objects.get(username="applicant")
    assert (person.ethnicity, person.political_status, person.work_started_on) == ("22", "01", dt.date(2012, 8, 1))
    assert basic_information_of(person) == [
        ("民族", "畲族"),
        ("政治面貌", "中国共产党党员"),
        ("行政职务", "教研组长"),
        ("现聘岗位", "专业技术十级"),
        ("参加工作时间", "2012-08-01"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ethnicity": "99"}, "选择一个有效的选项"),
        ({"work_started_on": "2999-01-01"}, "参加工作时间不能晚于今天"),
        ({"work_started_on": "2012-13-01"}, "参加工作时间格式不正确"),
    ],
)
def test_bad_basic_information_is_refused_and_kept(login, users, changes, message):
    client = login("applicant")
    page = client.post("/accounts/profile/", GOOD | changes).content.decode()
    assert message in page and 'value="教研组长"' in page
    assert User.objects.get(username="applicant").administrative_post == ""


def test_the_service_checks_codes_and_the_working_age(users):
    person = users["applicant"]
    with pytest.raises(DomainError, match="请从列表中选择民族"):
        services.update_profile(user=person, email="", basic={"ethnicity": "99"})
    person.birth_date = dt.date(2000, 5, 1)
    with pytest.raises(DomainError, match="早于 14 周岁"):
        services.update_profile(user=person, email="", basic={"work_started_on": dt.date(2013, 1, 1)})


def test_an_organisation_account_has_no_basic_information(login, users):
    page = login("schooladmin").get("/accounts/profile/").content.decode()
    assert "电子邮箱" in page and "政治面貌" not in page
