from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import services
from title_review.organisations.models import Organisation


def test_create_child_page_shows_the_one_time_password_once(login, orgs):
    client = login("hzadmin")
    hz = orgs["杭州市职称工作领导小组办公室"]
    response = client.post(
        f"/organisations/{hz.pk}/children/new/",
        {
            "name": "杭州市科学技术局",
            "kind": "department",
            "region": region_by_code("330100").pk,
            "admin_username": "kjjadmin",
            "admin_real_name": "科技局管理员",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    org = Organisation.objects.get(name="杭州市科学技术局")
    assert password not in client.get(f"/organisations/{org.pk}/").content.decode()


def test_bad_input_keeps_the_form_and_says_why_in_chinese(login, orgs):
    client = login("hzadmin")
    hz = orgs["杭州市职称工作领导小组办公室"]
    response = client.post(
        f"/organisations/{hz.pk}/children/new/",
        {
            "name": "杭州市卫生健康委员会",
            "kind": "department",
            "region": region_by_code("330100").pk,
            "admin_username": "dupadmin",
        },
    )
    text = response.content.decode()
    assert "已有名为" in text
    assert 'value="dupadmin"' in text


def test_first_login_forces_a_password_change(client, users, orgs):
    _org, admin, password = services.create_organisation_with_admin(
        actor=users["hzadmin"],
        parent_id=orgs["杭州市职称工作领导小组办公室"].pk,
        name="杭州市民政局",
        kind="department",
        region=region_by_code("330100"),
        admin_username="mzjadmin",
        admin_real_name="民政",
    )
    client.post("/accounts/login/", {"username": "mzjadmin", "password": password})
    assert client.get("/organisations/").url == "/accounts/password/change/"
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password": "short", "new_password_confirm": "short"},
    )
    assert "至少 8 位" in response.content.decode()
    client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password": "Mz@2026new", "new_password_confirm": "Mz@2026new"},
    )
    assert client.get("/organisations/").status_code == 200
    admin.refresh_from_db()
    assert not admin.must_change_password


def test_tree_query_count_does_not_grow_with_the_data(login, orgs, django_assert_max_num_queries):
    client = login("hzadmin")
    # session, user, its organisation, grants, count, page, renames waiting for this user (更名审核),
    # session save (3 with savepoints)
    with django_assert_max_num_queries(12) as small:
        client.get("/organisations/")
    baseline = len(small.captured_queries)  # read now: the query log is a bounded deque
    parent = orgs["杭州市卫生健康委员会"]
    for i in range(60):
        services.create_organisation(
            actor=_user("hzadmin"),
            parent_id=parent.pk,
            name=f"批量单位{i}",
            kind="employer",
            region=region_by_code("330102"),
        )
    with django_assert_max_num_queries(baseline):
        response = client.get("/organisations/?page=2")
    assert "批量单位" in response.content.decode()


def test_tree_search_by_name_and_code(login, orgs):
    client = login("hzadmin")
    text = client.get("/organisations/", {"q": "第二中学"}).content.decode()
    assert "杭州第二中学" in text and "杭州市第一人民医院" not in text
    code = orgs["杭州市第一人民医院"].code
    text = client.get("/organisations/", {"q": code}).content.decode()
    assert "杭州市第一人民医院" in text


def test_disable_and_remove_buttons_report_in_chinese(login, orgs):
    client = login("hzadmin")
    school = orgs["杭州第二中学"]
    response = client.post(f"/organisations/{school.pk}/remove/", follow=True)
    assert "不能删除" in response.content.decode()
    response = client.post(f"/organisations/{school.pk}/disable/", follow=True)
    assert "已停用" in response.content.decode()


def _user(username):
    from title_review.accounts.models import User

    return User.objects.get(username=username)
