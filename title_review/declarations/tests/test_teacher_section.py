"""The 中小学教师 dossier: 公开课 rows and 论文 picked from the 业绩档案, the 教育理论 mark against its year."""

from title_review.achievements.tests.helpers import open_lesson, paper
from title_review.declarations.models import Declaration

from .test_services import _fill, _review_form


def _post(client, declaration, **teacher):
    data = {
        "version": Declaration.objects.get(pk=declaration.pk).version,
        "route": "01",
        "target_qualification": declaration.round.qualifications[0],
        "current_qualification_date": "2019-12-01",
        **{f"pick_{k}": v for k, v in declaration.picks.items()},
        "teacher-review_type": "正常晋升",
        "teacher-student_satisfaction": "96",
        **{f"teacher-{k}": v for k, v in teacher.items()},
    }
    return client.post(f"/declarations/{declaration.pk}/", data, follow=True).content.decode()


def test_theory_mark_outside_0_to_100_is_refused_and_nothing_typed_is_lost(login, users, open_round):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = _fill(users, Declaration.objects.get())
    page = _post(client, declaration, theory_score="120", theory_year="2015")
    assert "教育理论成绩请填写 0 到 100 之间的数字" in page
    assert 'value="120"' in page and 'value="2015"' in page and 'value="96"' in page
    assert Declaration.objects.get().section_data["theory_score"] == 85  # the saved mark is untouched


def test_a_mark_under_the_year_pass_mark_blocks_submission(login, users, open_round):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = _fill(users, Declaration.objects.get())
    _review_form(users, declaration)
    page = _post(client, declaration, theory_score="65", theory_year="2011")
    assert "已保存" in page and "教育理论成绩 65 分低于 2011 年的合格线 70 分" in page
    page = client.post(f"/declarations/{declaration.pk}/submit/", follow=True).content.decode()
    assert "材料尚不完整" in page and Declaration.objects.get().status == "draft"
    page = _post(client, declaration, theory_score="65", theory_year="2010")
    assert "合格线" not in page
    page = client.post(f"/declarations/{declaration.pk}/submit/", follow=True).content.decode()
    assert "已提交至单位审核" in page


def test_open_lessons_and_papers_on_the_dossier(login, users, open_round, django_assert_max_num_queries):
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = _fill(users, Declaration.objects.get())
    lesson = declaration.picks["achievement"][0]
    shaky = paper(users["applicant"], title="仅收录的论文", link="", shot=False)
    declaration.picks["achievement"] = [lesson, shaky.pk]
    page = _post(client, declaration, theory_score="85", theory_year="2012")
    assert "论文“仅收录的论文”的知网截图和网址" in page and "函数的单调性" in page and "县级" in page
    saved = Declaration.objects.get()
    assert saved.section_data["open_lesson"] == "2024-04-18 县级 函数的单调性"
    with django_assert_max_num_queries(45) as first:
        client.get(f"/declarations/{declaration.pk}/")
    baseline = len(first.captured_queries)
    for i in range(6):
        open_lesson(users["applicant"], title=f"第{i}节")
        paper(users["applicant"], title=f"论文{i}")
    with django_assert_max_num_queries(baseline):
        page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "第5节" in page and page.count("知网截图和网址齐全") == 6


def test_the_dossier_and_the_snapshot_show_the_basic_information(login, users, open_round):
    from title_review.declarations import services

    applicant = users["applicant"]
    applicant.ethnicity, applicant.political_status, applicant.current_post = "03", "03", "专业技术十级"
    applicant.save()
    client = login("applicant")
    client.post(f"/declarations/start/{open_round.pk}/", {"pledge": "on"})
    declaration = _fill(users, Declaration.objects.get())
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "回族" in page and "中国共产主义青年团团员" in page and "专业技术十级" in page
    _review_form(users, declaration)
    submitted = services.submit_declaration(actor=applicant, declaration_id=declaration.pk)
    assert submitted.snapshot["applicant"]["basic_information"]["民族"] == "回族"
