import datetime as dt

import pytest

from title_review.achievements import services
from title_review.achievements.models import Achievement, Education, Training
from title_review.core.errors import DomainError


def test_record_library_is_personal(login, users):
    client = login("applicant")
    response = client.post(
        "/achievements/education/",
        {
            "add-school": "浙江大学",
            "add-major": "临床医学",
            "add-education": "21",
            "add-degree": "4",
            "add-full_time": "on",
            "add-enrolled_on": "2008-09-01",
            "add-graduated_on": "2013-07-01",
        },
        follow=True,
    )
    assert "已保存到“学历学位”" in response.content.decode()
    row = Education.objects.get(owner=users["applicant"])
    assert "浙江大学" in response.content.decode() and "大学本科" in response.content.decode()
    other = login("hospitaladmin")
    assert other.get(f"/achievements/education/{row.pk}/edit/").status_code in (403, 404)


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        (
            "education",
            {
                "school": "浙大",
                "major": "医学",
                "education": "21",
                "enrolled_on": dt.date(2013, 9, 1),
                "graduated_on": dt.date(2010, 7, 1),
            },
            "毕业时间不能早于入学时间",
        ),
        (
            "work",
            {
                "employer_name": "医院",
                "position": "医师",
                "started_on": dt.date(2015, 1, 1),
                "ended_on": dt.date(2014, 1, 1),
                "referee": "张主任",
            },
            "结束时间不能早于开始时间",
        ),
        ("training", {"year": 2025, "kind": "professional", "title": "培训", "hours": 0}, "学时须大于 0"),
        (
            "education",
            {
                "school": "浙大",
                "major": "医学",
                "education": "99",
                "enrolled_on": dt.date(2009, 9, 1),
                "graduated_on": dt.date(2013, 7, 1),
            },
            "学历代码",
        ),
    ],
)
def test_bad_rows_are_refused_in_chinese(users, section, values, message):
    with pytest.raises(DomainError, match=message):
        services.save_record(actor=users["applicant"], section=section, values=values)


def test_one_appraisal_per_year(users):
    services.save_record(actor=users["applicant"], section="appraisal", values={"year": 2024, "result": "02"})
    with pytest.raises(DomainError, match="已填写"):
        services.save_record(actor=users["applicant"], section="appraisal", values={"year": 2024, "result": "01"})


def test_page_keeps_the_typed_values_on_error(login, users):
    client = login("applicant")
    response = client.post(
        "/achievements/work/",
        {
            "add-employer_name": "杭州市第一人民医院",
            "add-position": "主治医师",
            "add-started_on": "2020-01-01",
            "add-ended_on": "2019-01-01",
            "add-referee": "张主任",
        },
    )
    text = response.content.decode()
    assert "结束时间不能早于开始时间" in text and 'value="杭州市第一人民医院"' in text


def test_edit_and_delete_own_rows_only(users, login):
    row = services.save_record(
        actor=users["applicant"],
        section="achievement",
        values={
            "category": "paper",
            "title": "基层医院胸痛中心建设的实践",
            "date": dt.date(2024, 5, 1),
            "venue": "中华医院管理杂志",
            "author_rank": 1,
            "is_representative": True,
        },
    )
    with pytest.raises(DomainError, match="没有这条记录"):
        services.delete_record(actor=users["hospitaladmin"], section="achievement", record_id=row.pk)
    client = login("applicant")
    page = client.get(f"/achievements/achievement/{row.pk}/edit/").content.decode()
    assert "证明材料" in page and "基层医院胸痛中心建设的实践" in page
    client.post(f"/achievements/achievement/{row.pk}/delete/")
    assert not Achievement.objects.filter(pk=row.pk).exists()
    assert Training.objects.count() == 0


def test_record_page_query_count_is_bounded(login, users, django_assert_max_num_queries):
    client = login("applicant")
    with django_assert_max_num_queries(12) as first:
        client.get("/achievements/training/")
    baseline = len(first.captured_queries)  # read now: the query log is a bounded deque
    for i in range(20):
        services.save_record(
            actor=users["applicant"],
            section="training",
            values={"year": 2020 + i % 5, "kind": "public", "title": f"培训{i}", "hours": 8},
        )
    with django_assert_max_num_queries(baseline):
        client.get("/achievements/training/")


def test_record_through_the_api(login, users):
    client = login("applicant")
    bad = client.post(
        "/api/v1/achievements/work/",
        {
            "employer_name": "医院",
            "position": "医师",
            "started_on": "2020-01-01",
            "ended_on": "2019-01-01",
            "referee": "张主任",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "ended_on"
    good = client.post(
        "/api/v1/achievements/training/",
        {
            "year": 2025,
            "kind": "professional",
            "title": "急诊急救新进展",
            "hours": "24.0",
        },
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    assert [r["title"] for r in client.get("/api/v1/achievements/training/").json()] == ["急诊急救新进展"]
    assert login("hospitaladmin").get("/api/v1/achievements/training/").status_code == 404


def test_a_title_with_a_right_to_left_override_is_refused_at_its_field_and_kept_for_correction(login, users):
    """issue 10, finding 9, for every text a user stores (core.stored_text): shown at the field, nothing saved."""
    client = login("applicant")
    typed = "急诊急救\u202e新进展"
    page = client.post(
        "/achievements/training/",
        {"add-year": "2025", "add-kind": "professional", "add-title": typed, "add-hours": "24"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "培训项目含有不可见的控制字符，请删除后重新输入。" in html
    assert f'value="{typed}"' in html  # the typed title is in its box for the correction
    assert not Training.objects.filter(owner=users["applicant"]).exists()

    api = client.post(
        "/api/v1/achievements/training/",
        {"year": 2025, "kind": "professional", "title": "培训", "organiser": "省\u200b医学会", "hours": "24.0"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["field"] == "organiser" and api.json()["code"] == "hidden_characters"
    assert api.json()["message"] == "主办单位含有不可见的控制字符，请删除后重新输入。"
    assert not Training.objects.filter(owner=users["applicant"]).exists()
