import datetime as dt

from title_review.achievements import services as records
from title_review.achievements.tests.helpers import open_lesson
from title_review.declarations.models import Declaration

from .test_services import _review_form


def test_declare_through_the_pages(login, users, open_round):
    client = login("applicant")
    assert "我要申报" in client.get(f"/rounds/{open_round.pk}/").content.decode()
    response = client.post(f"/declarations/start/{open_round.pk}/", {}, follow=True)
    assert "真实性承诺" in response.content.decode() and not Declaration.objects.exists()
    response = client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"}, follow=True)
    declaration = Declaration.objects.get()
    text = response.content.decode()
    assert "提交前还需完善" in text and "中小学教师专项" in text
    edu = records.save_record(
        actor=users["applicant"],
        section="education",
        values={
            "school": "杭州师范大学",
            "major": "数学",
            "education": "21",
            "enrolled_on": dt.date(2008, 9, 1),
            "graduated_on": dt.date(2012, 7, 1),
        },
    )
    work = records.save_record(
        actor=users["applicant"],
        section="work",
        values={
            "employer_name": "杭州第二中学",
            "position": "教师",
            "started_on": dt.date(2012, 8, 1),
            "referee": "王校长",
        },
    )
    appraisal = records.save_record(
        actor=users["applicant"], section="appraisal", values={"year": 2025, "result": "01"}
    )
    data = {
        "version": declaration.version,
        "route": "01",
        "target_qualification": open_round.qualifications[0],
        "current_qualification_date": "2019-12-01",
        "pick_education": [edu.pk],
        "pick_work": [work.pk],
        "pick_appraisal": [appraisal.pk],
        "pick_achievement": [open_lesson(users["applicant"]).pk],
        "teacher-theory_year": "2012",
        "teacher-review_type": "正常晋升",
        "teacher-student_satisfaction": "120",
        "teacher-theory_score": "85",
    }
    response = client.post(f"/declarations/{declaration.pk}/", data)
    text = response.content.decode()
    assert "学生满意度请填写 0 到 100" in text and 'value="2012"' in text  # nothing typed is lost
    data["teacher-student_satisfaction"] = "96"
    response = client.post(f"/declarations/{declaration.pk}/", data, follow=True)
    assert "已保存" in response.content.decode()
    _review_form(users, declaration)
    response = client.post(f"/declarations/{declaration.pk}/submit/", follow=True)
    assert "已提交至单位审核" in response.content.decode()
    assert Declaration.objects.get().status == "with_employer"
    data["version"] = Declaration.objects.get().version
    response = client.post(f"/declarations/{declaration.pk}/", data)
    assert Declaration.objects.get().section_data["student_satisfaction"] == 96


def test_other_people_cannot_open_a_declaration(login, users, open_round):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = Declaration.objects.get()
    assert login("schooladmin").get(f"/declarations/{declaration.pk}/").status_code == 404
    assert login("hzadmin").get(f"/declarations/{declaration.pk}/").status_code == 404


def test_dossier_query_count_is_bounded(login, users, open_round, django_assert_max_num_queries):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = Declaration.objects.get()
    with django_assert_max_num_queries(40) as first:
        client.get(f"/declarations/{declaration.pk}/")
    baseline = len(first.captured_queries)  # read now: the query log is a bounded deque
    for i in range(10):
        records.save_record(
            actor=users["applicant"],
            section="training",
            values={"year": 2024, "kind": "public", "title": f"培训{i}", "hours": 8},
        )
    with django_assert_max_num_queries(baseline):
        client.get(f"/declarations/{declaration.pk}/")


def test_print_preview_shows_the_draft_then_the_snapshot(login, users, open_round):
    from title_review.declarations import services

    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = Declaration.objects.get()
    text = client.get(f"/declarations/{declaration.pk}/print/").content.decode()
    assert "专业技术职务任职资格评审表" in text and "尚未提交" in text and "韩申报" in text
    from .test_services import _fill

    _fill(users, Declaration.objects.get())
    _review_form(users, declaration)
    services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)
    from title_review.achievements.models import Education

    Education.objects.update(school="后来改的学校")
    text = client.get(f"/declarations/{declaration.pk}/print/").content.decode()
    assert "杭州师范大学" in text and "后来改的学校" not in text and "尚未提交" not in text
    assert login("schooladmin").get(f"/declarations/{declaration.pk}/print/").status_code == 404


def test_recommenders_are_typed_as_a_list_of_names(login, users, open_round):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = Declaration.objects.get()
    client.post(
        f"/declarations/{declaration.pk}/",
        {"version": declaration.version, "route": "01", "recommenders": "张正高，李正高、 王正高"},
    )
    assert Declaration.objects.get().recommenders == ["张正高", "李正高", "王正高"]
    assert 'value="张正高，李正高，王正高"' in client.get(f"/declarations/{declaration.pk}/").content.decode()
