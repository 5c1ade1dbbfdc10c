import pytest
from django.http import Http404

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError
from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import services
from title_review.organisations.models import Organisation


def _create(actor, parent, name, kind="employer", username="newadmin1", region="330106"):
    return services.create_organisation_with_admin(
        actor=actor,
        parent_id=parent.pk,
        name=name,
        kind=kind,
        region=region_by_code(region),
        admin_username=username,
        admin_real_name="新管理员",
    )


def test_child_gets_a_region_code_and_an_admin_with_a_one_time_password(users, orgs):
    org, admin, password = _create(users["wjwadmin"], orgs["杭州市卫生健康委员会"], "杭州市第三人民医院")
    assert org.code.startswith("330106") and len(org.code) == 12
    assert org.path.startswith(orgs["杭州市卫生健康委员会"].path) and org.depth == 4
    assert admin.must_change_password and admin.check_password(password)
    assert admin.grants.get().role == "employer_admin"
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(org.pk), str(admin.pk)]).values_list("action", flat=True)
    )
    assert actions == {"organisation.create", "account.create"}


def test_codes_follow_a_configurable_pattern(users, orgs):
    from title_review.core.models import PolicySetting
    from title_review.core.policies import forget_policy

    PolicySetting.objects.create(key="organisation.code_pattern", value="ZJ{region}-{seq:04d}")
    forget_policy("organisation.code_pattern")
    org, _a, _p = _create(users["wjwadmin"], orgs["杭州市卫生健康委员会"], "杭州市口腔医院")
    assert org.code.startswith("ZJ330106-")


def test_codes_never_collide(users, orgs):
    codes = {
        _create(users["wjwadmin"], orgs["杭州市卫生健康委员会"], f"医院{i}", username=f"hosp{i:02d}")[0].code
        for i in range(5)
    }
    assert len(codes) == 5


def test_city_office_gets_county_children_only(users, orgs):
    county, _a, _p = _create(
        users["hzadmin"],
        orgs["杭州市职称工作领导小组办公室"],
        "上城区职改办",
        kind="title_office",
        username="scadmin",
        region="330102",
    )
    assert county.office_level == "county"
    with pytest.raises(DomainError, match="县级职改办下不能再设职改办"):
        _create(users["hzadmin"], county, "某街道职改办", kind="title_office", username="jdadmin")


def test_employer_cannot_have_children(users, orgs):
    with pytest.raises(DomainError, match="下不能新增"):
        _create(users["hzadmin"], orgs["杭州第二中学"], "二中分校", username="fxadmin")


def test_duplicate_name_under_one_parent_is_refused_and_nothing_is_written(users, orgs):
    before = Organisation.objects.count()
    with pytest.raises(DomainError, match="已有名为"):
        _create(users["wjwadmin"], orgs["杭州市卫生健康委员会"], "杭州市第一人民医院")
    assert Organisation.objects.count() == before


def test_duplicate_admin_login_name_is_refused(users, orgs):
    with pytest.raises(DomainError, match="已被使用"):
        _create(users["wjwadmin"], orgs["杭州市卫生健康委员会"], "新医院", username="hzadmin")
    assert not Organisation.objects.filter(name="新医院").exists()


def test_no_child_under_a_disabled_parent(users, orgs):
    services.disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市教育局"].pk)
    with pytest.raises(DomainError, match="已停用"):
        _create(users["hzadmin"], orgs["杭州市教育局"], "新学校")


def test_outside_the_subtree_is_not_found(users, orgs):
    with pytest.raises(Http404):
        _create(users["wjwadmin"], orgs["杭州市教育局"], "越权学校")


def test_disabled_organisation_accounts_cannot_sign_in(client, users, orgs):
    services.disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市第一人民医院"].pk)
    response = client.post("/accounts/login/", {"username": "hospitaladmin", "password": "Demo@2026"})
    assert response.status_code == 200
    assert "登录名或密码不正确" in response.content.decode()


def test_enable_needs_an_enabled_parent(users, orgs):
    services.disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市教育局直属学校管理中心"].pk)
    services.disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市教育局"].pk)
    with pytest.raises(DomainError, match="请先启用上级机构"):
        services.enable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市教育局直属学校管理中心"].pk)


def test_remove_refuses_a_non_empty_organisation_and_names_why(users, orgs):
    with pytest.raises(DomainError) as excinfo:
        services.remove_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市教育局"].pk)
    assert "有下级机构" in excinfo.value.message
    with pytest.raises(DomainError) as excinfo:
        services.remove_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州第二中学"].pk)
    assert "有账号" in excinfo.value.message
    assert Organisation.objects.filter(pk=orgs["杭州第二中学"].pk).exists()


def test_remove_an_empty_organisation(users, orgs):
    org = services.create_organisation(
        actor=users["hzadmin"],
        parent_id=orgs["杭州市教育局"].pk,
        name="空单位",
        kind="employer",
        region=region_by_code("330102"),
    )
    services.remove_organisation(actor=users["hzadmin"], organisation_id=org.pk)
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.remove", object_id=str(org.pk)).exists()


def test_uscc_check_digit():
    from title_review.organisations.codes import normalise_credit_code, uscc_check_digit_ok

    assert uscc_check_digit_ok("91350100M000100Y43")
    code, warning = normalise_credit_code("91350100M0001TGQXM")  # a legal early pilot code that fails the check
    assert code == "91350100M0001TGQXM" and "校验位不符" in warning
    with pytest.raises(DomainError, match="18 位"):
        normalise_credit_code("9135010")
