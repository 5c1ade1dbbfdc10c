from title_review.declarations.models import Declaration
from title_review.organisations.models import EmployerStaff


def _subaccount(login, users, orgs, permissions):
    from title_review.organisations import employers

    user, _password = employers.create_sub_account(
        actor=users["hospitaladmin"],
        employer_id=orgs["杭州市第一人民医院"].pk,
        username="hrfill01",
        real_name="人事科",
        permissions=permissions,
    )
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return login("hrfill01")


def test_staff_with_fill_permission_fill_for_a_colleague(login, users, orgs, open_round):
    client = _subaccount(login, users, orgs, ["fill", "view"])
    assert EmployerStaff.objects.filter(person=users["applicant"]).exists()
    response = client.post(
        "/declarations/employer/fill/",
        {"person": users["applicant"].pk, "round": open_round.pk, "pledge": "on"},
        follow=True,
    )
    declaration = Declaration.objects.get()
    assert declaration.applicant == users["applicant"] and declaration.filled_by.username == "hrfill01"
    assert "申报材料" in response.content.decode()
    text = client.get("/reviews/manage/").content.decode()
    assert "韩申报" in text and "填写中 1" in text
    # A second employer cannot see it.
    from django.test import Client

    school = Client()
    school.force_login(users["schooladmin"])
    assert school.get(f"/declarations/{declaration.pk}/").status_code == 404
    # Deleting it from outside answers as for an id that does not exist.
    assert school.post(f"/declarations/employer/{declaration.pk}/delete/").status_code == 404
    assert Declaration.objects.filter(pk=declaration.pk).exists()
    # The employer deletes its draft.
    client.post(f"/declarations/employer/{declaration.pk}/delete/")
    assert not Declaration.objects.exists()


def test_without_the_fill_permission_the_page_is_refused(login, users, orgs, open_round):
    client = _subaccount(login, users, orgs, ["view"])
    assert client.get("/reviews/manage/").status_code == 403
    client.post(
        "/declarations/employer/fill/", {"person": users["applicant"].pk, "round": open_round.pk, "pledge": "on"}
    )
    assert not Declaration.objects.exists()


def test_only_registered_staff_can_be_filled_for(login, users, orgs, open_round):
    client = login("hospitaladmin")
    response = client.post(
        "/declarations/employer/fill/",
        {"person": users["hzadmin"].pk, "round": open_round.pk, "pledge": "on"},
        follow=True,
    )
    assert "只能为本单位登记的工作人员填写材料" in response.content.decode()


def test_manage_list_query_count_is_bounded(login, users, orgs, open_round, django_assert_max_num_queries):
    client = login("hospitaladmin")
    client.post(
        "/declarations/employer/fill/", {"person": users["applicant"].pk, "round": open_round.pk, "pledge": "on"}
    )
    # 17: the staff-list filters (rounds, series, levels) and the person's 列设置 came with search and sort.
    with django_assert_max_num_queries(17) as first:
        client.get("/reviews/manage/")
    baseline = len(first.captured_queries)  # read now: the connection's query log is a bounded deque
    from title_review.accounts.models import User

    for i in range(8):
        person = User.objects.create(
            username=f"staff{i}", real_name=f"职工{i}", kind="personal", organisation=orgs["杭州市第一人民医院"]
        )
        EmployerStaff.objects.create(employer=orgs["杭州市第一人民医院"], person=person)
        client.post("/declarations/employer/fill/", {"person": person.pk, "round": open_round.pk, "pledge": "on"})
    assert Declaration.objects.count() == 9
    with django_assert_max_num_queries(baseline):
        client.get("/reviews/manage/")


def test_employer_home_shows_counts_per_round(login, users, orgs, open_round):
    client = login("hospitaladmin")
    client.post(
        "/declarations/employer/fill/", {"person": users["applicant"].pk, "round": open_round.pk, "pledge": "on"}
    )
    text = client.get("/").content.decode()
    assert "本单位申报材料" in text and "2026年度中小学教师职称评审" in text and "填写中 1" in text
