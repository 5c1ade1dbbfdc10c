"""本级人员授权, the level below's administrators, and a 职改办 resetting a unit: services and pages."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from title_review.access.policies import can
from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed
from title_review.organisations import people

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_city_office_adds_a_reviewer_who_can_then_check_qualifications(users):
    hz = users["hzadmin"].organisation
    user, password = people.add_person(
        actor=users["hzadmin"],
        organisation_id=hz.pk,
        username="hzcheck2",
        real_name="新经办",
        phone="",
        roles=["qualification_reviewer", "return_reviewer"],
    )
    assert user.must_change_password and user.check_password(password)
    assert set(user.grants.values_list("role", flat=True)) == {"qualification_reviewer", "return_reviewer"}
    assert can(_fresh(user), "review.qualification", hz)
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions.count("account.grant") == 2 and "account.create" in actions


@pytest.mark.parametrize(
    ("actor", "roles", "message"),
    [
        ("hzadmin", ["employer_admin"], "不能授予"),  # a role an office does not hand out
        ("hzadmin", ["security_admin"], "不能授予"),  # the 三员 are the province's
        ("hospitaladmin", ["qualification_reviewer"], "不能授予"),
        ("secadmin", ["system_admin", "audit_admin"], "三员分立"),
        ("hzadmin", [], "至少勾选"),
    ],
)
def test_roles_outside_the_table_are_refused_and_nothing_is_made(users, actor, roles, message):
    before = User.objects.count()
    with pytest.raises(DomainError, match=message):
        people.add_person(
            actor=users[actor],
            organisation_id=users[actor].organisation_id,
            username="newperson1",
            real_name="某人",
            phone="",
            roles=roles,
        )
    assert User.objects.count() == before


def test_only_the_own_organisation_and_at_the_province_only_the_security_admin(users):
    hz = users["hzadmin"].organisation
    for actor in ("wjwadmin", "zjadmin", "hzcheck", "sysadmin"):
        with pytest.raises(NotAllowed):
            people.add_person(
                actor=users[actor],
                organisation_id=hz.pk,
                username="x1234",
                real_name="某",
                phone="",
                roles=["publisher"],
            )
    root = users["zjadmin"].organisation
    with pytest.raises(NotAllowed):  # 三员分立: the office administrator does not manage the province's people
        people.add_person(
            actor=users["zjadmin"],
            organisation_id=root.pk,
            username="x1234",
            real_name="某",
            phone="",
            roles=["publisher"],
        )
    user, _ = people.add_person(
        actor=users["secadmin"],
        organisation_id=root.pk,
        username="zjpub1",
        real_name="省发布",
        phone="",
        roles=["publisher"],
    )
    assert user.organisation_id == root.pk


def test_a_duplicate_username_is_refused(users):
    with pytest.raises(DomainError, match="已被使用"):
        people.add_person(
            actor=users["hzadmin"],
            organisation_id=users["hzadmin"].organisation_id,
            username="HZCHECK",
            real_name="某",
            phone="",
            roles=["publisher"],
        )


def test_nobody_disables_themselves_or_the_last_administrator(users):
    hzadmin = users["hzadmin"]
    with pytest.raises(DomainError, match="不能停用自己"):
        people.set_person_active(actor=hzadmin, user_id=hzadmin.pk, active=False)
    with pytest.raises(DomainError, match="不能取消自己的管理员角色"):
        people.change_roles(actor=hzadmin, user_id=hzadmin.pk, roles=["publisher"])
    second, _ = people.add_person(
        actor=hzadmin,
        organisation_id=hzadmin.organisation_id,
        username="hzadmin2",
        real_name="二号管理员",
        phone="",
        roles=["office_admin"],
    )
    # The second administrator may not strip the first while the first is the only other one... they may:
    people.set_person_active(actor=_fresh(second), user_id=hzadmin.pk, active=False)
    with pytest.raises(DomainError, match="不能停用自己"):
        people.set_person_active(actor=_fresh(second), user_id=second.pk, active=False)
    # Now `second` is the last active administrator: nobody can take the role away from it.
    people.set_person_active(actor=_fresh(second), user_id=hzadmin.pk, active=True)
    people.set_person_active(actor=_fresh(hzadmin), user_id=second.pk, active=False)
    with pytest.raises(DomainError, match="不能取消自己"):
        people.change_roles(actor=_fresh(hzadmin), user_id=hzadmin.pk, roles=["publisher"])


def test_the_last_administrator_cannot_lose_the_role(users):
    # At the province the 安全管理员 is the people manager: `secadmin` is the only one.
    secadmin = users["secadmin"]
    helper, _ = people.add_person(
        actor=secadmin,
        organisation_id=secadmin.organisation_id,
        username="zjsec2",
        real_name="二号安全",
        phone="",
        roles=["security_admin"],
    )
    people.set_person_active(actor=secadmin, user_id=helper.pk, active=False)
    # helper is disabled; taking the role from the only active holder (secadmin) would leave nobody.
    people.set_person_active(actor=secadmin, user_id=helper.pk, active=True)
    people.change_roles(actor=_fresh(helper), user_id=secadmin.pk, roles=["publisher"])
    with pytest.raises(DomainError, match="最后一位管理员|不能取消自己"):
        people.change_roles(actor=_fresh(helper), user_id=helper.pk, roles=["publisher"])


def test_a_reset_or_a_disable_takes_effect_at_once(client, users):
    target = users["hzcheck"]
    client.force_login(target)
    assert client.get(reverse("system:home")).status_code == 200
    _, password = people.reset_person_password(actor=users["hzadmin"], user_id=target.pk)
    # The open session ends (its hash was of the old password) and the old password no longer signs in.
    assert client.get(reverse("system:home")).status_code == 302
    assert not _fresh(target).check_password("Demo@2026") and _fresh(target).check_password(password)
    client.force_login(_fresh(target))
    people.set_person_active(actor=users["hzadmin"], user_id=target.pk, active=False)
    response = client.get(reverse("system:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_parent_resets_disables_cancels_and_recreates_a_childs_administrator(users, client):
    wjwadmin = users["wjwadmin"]  # 杭州市卫生健康委员会, a direct child of 杭州市职改办
    hzadmin = users["hzadmin"]
    _, password = people.reset_child_admin(actor=hzadmin, user_id=wjwadmin.pk)
    assert _fresh(wjwadmin).check_password(password) and _fresh(wjwadmin).must_change_password
    # Only the direct parent: the province does not reach two levels down, a sibling not at all.
    for actor in ("zjadmin", "jyjadmin", "wjwreview"):
        with pytest.raises(DomainError, match="没有这个账号"):
            people.reset_child_admin(actor=users[actor], user_id=wjwadmin.pk)
    # A reviewer of the child is not its administrator.
    with pytest.raises(DomainError, match="没有这个账号"):
        people.reset_child_admin(actor=hzadmin, user_id=users["wjwreview"].pk)
    with pytest.raises(DomainError, match="注销原因"):
        people.cancel_child_admin(actor=hzadmin, user_id=wjwadmin.pk, reason=" ")
    people.cancel_child_admin(actor=hzadmin, user_id=wjwadmin.pk, reason="人员调离")
    gone = _fresh(wjwadmin)
    assert not gone.is_active and not gone.grants.exists()
    new, password = people.recreate_child_admin(
        actor=hzadmin, organisation_id=wjwadmin.organisation_id, username="wjwadmin2", real_name="新卫健"
    )
    assert new.grants.get().role == "department_admin"
    assert client.login(username="wjwadmin2", password=password)
    with pytest.raises(NotAllowed):
        people.recreate_child_admin(
            actor=users["zjadmin"], organisation_id=wjwadmin.organisation_id, username="wjwadmin3", real_name="某"
        )
    events = set(AuditEvent.objects.filter(actor_id=hzadmin.pk).values_list("action", flat=True))
    assert {"account.password_reset", "account.cancel", "account.create", "account.grant"} <= events


def test_a_title_office_resets_an_employers_password(users):
    hospitaladmin = users["hospitaladmin"]
    for actor in ("hzadmin", "zjadmin"):
        _, password = people.reset_employer_admin(actor=users[actor], user_id=hospitaladmin.pk)
        assert _fresh(hospitaladmin).check_password(password)
    # Not a department's administrator, not another city's office, not an office's reviewer.
    for actor in ("wjwadmin", "hzcheck", "xhadmin"):
        with pytest.raises(DomainError, match="没有这个账号"):
            people.reset_employer_admin(actor=users[actor], user_id=hospitaladmin.pk)
    # Nor any account that is not an employer's administrator.
    with pytest.raises(DomainError, match="没有这个账号"):
        people.reset_employer_admin(actor=users["hzadmin"], user_id=users["wjwadmin"].pk)


def test_the_people_page_adds_a_person_and_shows_the_password_once(login, users, django_assert_max_num_queries):
    client = login("hzadmin")
    with django_assert_max_num_queries(25):
        page = client.get(reverse("organisations:people"))
    text = page.content.decode()
    assert "本级人员授权" in text and "hzcheck" in text and "资格审查经办" in text
    assert "安全管理员" not in text  # not a role a city office may hand out
    response = client.post(
        reverse("organisations:people"),
        {"action": "add", "username": "hzpub1", "real_name": "发布员", "phone": "", "roles": ["publisher"]},
    )
    assert response.status_code == 302
    shown = client.get(reverse("organisations:people")).content.decode()
    assert "一次性密码" in shown and "hzpub1" in shown
    assert "一次性密码" not in client.get(reverse("organisations:people")).content.decode()
    bad = client.post(
        reverse("organisations:people"),
        {"action": "add", "username": "hzpub2", "real_name": "某", "roles": ["employer_admin"]},
    )
    assert bad.status_code == 200 and "不能授予该角色" in bad.content.decode()
    assert not User.objects.filter(username="hzpub2").exists()


def test_the_people_page_is_for_organisation_administrators_only(login):
    for username in ("hzcheck", "zjadmin", "applicant", "auditor", "sysadmin"):
        assert login(username).get(reverse("organisations:people")).status_code in (403, 404), username
    assert login("secadmin").get(reverse("organisations:people")).status_code == 200
    assert login("hospitaladmin").get(reverse("organisations:people")).status_code == 200


def test_the_organisation_page_offers_the_parent_its_childs_administrator(login, users):
    wjw = users["wjwadmin"].organisation
    text = login("hzadmin").get(reverse("organisations:detail", args=[wjw.pk])).content.decode()
    assert "重置密码 wjwadmin" in text and "注销 wjwadmin" in text and "重建管理员" in text
    assert "重置密码 wjwreview" not in text
    hospital = users["hospitaladmin"].organisation
    text = login("hzadmin").get(reverse("organisations:detail", args=[hospital.pk])).content.decode()
    assert "重置单位密码 hospitaladmin" in text
    text = login("zjadmin").get(reverse("organisations:detail", args=[wjw.pk])).content.decode()
    assert "重置密码 wjwadmin" not in text and "重建管理员" not in text


def test_create_province_admin_on_an_empty_installation(transactional_db, capsys):
    """On a database with no organisations the command makes the province office and its administrator."""
    import os

    with open(os.devnull, "w") as quiet:
        call_command("flush", interactive=False, stdout=quiet)
        call_command("load_dictionaries", stdout=quiet)
    call_command("create_province_admin", "--username", "firstadmin", "--real-name", "首任管理员")
    out = capsys.readouterr().out
    password = out.strip().rsplit("：", 1)[-1]
    user = User.objects.get(username="firstadmin")
    assert user.check_password(password) and user.must_change_password
    assert set(user.grants.values_list("role", flat=True)) == {"office_admin", "security_admin"}
    assert user.organisation.parent_id is None and "已创建省职改办" in out
    # A second run adds another administrator to the same province office; a bad role is refused.
    call_command("create_province_admin", "--username", "secondadmin", "--real-name", "二任", "--roles", "audit_admin")
    assert User.objects.get(username="secondadmin").organisation_id == user.organisation_id
    with pytest.raises(CommandError, match="不能授予"):
        call_command(
            "create_province_admin", "--username", "thirdadmin", "--real-name", "三任", "--roles", "employer_admin"
        )


def test_grants_revokes_and_resets_show_in_the_operation_log(login, users):
    hzadmin = users["hzadmin"]
    user, _ = people.add_person(
        actor=hzadmin,
        organisation_id=hzadmin.organisation_id,
        username="hzlog1",
        real_name="日志人",
        phone="",
        roles=["publisher", "certificate_officer"],
    )
    people.change_roles(actor=hzadmin, user_id=user.pk, roles=["publisher"])
    people.reset_person_password(actor=hzadmin, user_id=user.pk)
    text = login("auditor").get(reverse("audit:events")).content.decode()
    for label in ("授予角色", "取消角色", "重置密码", "新增账号"):
        assert label in text, label
