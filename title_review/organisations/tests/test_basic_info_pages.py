"""单位信息 as the unit sees it, and the 归口部门's 批准 / 退回 on its pages."""

import pytest

from title_review.audit.models import AuditEvent
from title_review.core.models import PolicySetting
from title_review.organisations import basic_info
from title_review.organisations.models import EmployerProfile, NameChangeStatus, OrganisationNameChange

HOSPITAL = "杭州市第一人民医院"
NEW_NAME = "杭州市第一人民医院集团"
INFO_URL = "/organisations/employer/"
RENAME_URL = "/organisations/employer/rename/"

BASIC = {
    "legal_representative": "褚院长",
    "nature": "20",
    "industry": "Q",
    "region": "330102",
    "address": "上城区浣纱路 261 号",
    "contact_person": "褚医院",
    "contact_phone": "0571-56006000",
    "email": "hr@hospital.example.cn",
}


@pytest.fixture
def hospital(orgs):
    return orgs[HOSPITAL]


@pytest.fixture
def approval_on(db):
    PolicySetting.objects.create(key="employer.rename_needs_approval", value=True)


def _text(response) -> str:
    return response.content.decode()


def test_the_unit_edits_its_basic_information(login, hospital):
    client = login("hospitaladmin")
    page = _text(client.get(INFO_URL))
    for words in (
        "基本信息",
        "法定代表人",
        "单位性质",
        "单位行业",
        "单位所在地",
        "单位更名",
        "更名记录",
        "暂无更名记录",
    ):
        assert words in page
    assert "提交后新名称立即生效" in page  # the province has not asked for approval

    page = _text(client.post(INFO_URL, BASIC, follow=True))
    assert "单位基本信息已保存" in page
    assert "褚院长" in page and "事业单位" in page and "卫生和社会工作" in page
    assert EmployerProfile.objects.get(organisation=hospital).licence_type == "事业单位法人证书"


def test_bad_basic_information_shows_at_the_field_and_keeps_what_was_typed(login, hospital):
    client = login("hospitaladmin")
    response = client.post(INFO_URL, {**BASIC, "legal_representative": "   ", "address": "新地址 8 号"})
    page = _text(response)
    assert response.status_code == 200
    assert "请填写法定代表人" in page and "新地址 8 号" in page
    assert not EmployerProfile.objects.filter(organisation=hospital).exists()


def test_the_unit_renames_itself_and_sees_the_record(login, hospital):
    client = login("hospitaladmin")
    page = _text(client.post(RENAME_URL, {"new_name": NEW_NAME, "reason": "集团化改革"}, follow=True))
    assert f"单位名称已改为“{NEW_NAME}”" in page
    hospital.refresh_from_db()
    assert hospital.name == NEW_NAME
    row = page[page.index("<tbody>", page.index("更名记录</h2>")) :]
    for words in (HOSPITAL, NEW_NAME, "集团化改革", "褚医院", "已生效", "无需审核"):
        assert words in row


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("   ", "请填写新的单位名称"),
        (HOSPITAL, "新名称与现用名称相同"),
    ],
)
def test_a_bad_rename_is_shown_at_the_field_and_nothing_changes(login, hospital, new_name, message):
    response = login("hospitaladmin").post(RENAME_URL, {"new_name": new_name, "reason": ""})
    assert response.status_code == 200
    assert message in _text(response)
    assert not OrganisationNameChange.objects.exists()
    hospital.refresh_from_db()
    assert hospital.name == HOSPITAL


def test_the_info_page_keeps_a_bounded_query_count(login, users, hospital, django_assert_max_num_queries):
    for n in range(6):
        basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=f"{HOSPITAL}{n}")
    client = login("hospitaladmin")
    with django_assert_max_num_queries(17):
        page = _text(client.get(INFO_URL))
    assert page.count("已生效") == 6


def test_with_approval_on_the_parent_approves_on_the_units_page(login, users, hospital, approval_on):
    unit = login("hospitaladmin")
    page = _text(unit.post(RENAME_URL, {"new_name": NEW_NAME, "reason": "集团化改革"}, follow=True))
    assert "更名申请已提交，等待归口部门“杭州市卫生健康委员会”审核" in page
    assert "更名待审核" in page and "撤回申请" in page
    hospital.refresh_from_db()
    assert hospital.name == HOSPITAL
    change = OrganisationNameChange.objects.get()

    parent = login("wjwadmin")
    page = _text(parent.get("/organisations/"))
    assert "待审核的单位更名申请" in page and NEW_NAME in page
    page = _text(parent.get(f"/organisations/{hospital.pk}/"))
    assert "待审核的更名申请" in page and f"/organisations/name-changes/{change.pk}/approve/" in page
    page = _text(parent.post(f"/organisations/name-changes/{change.pk}/approve/", follow=True))
    assert f"已批准“{HOSPITAL}”更名为“{NEW_NAME}”" in page
    hospital.refresh_from_db()
    assert hospital.name == NEW_NAME
    assert "待审核的单位更名申请" not in _text(parent.get("/organisations/"))


def test_the_parent_returns_a_rename_and_the_unit_reads_why(login, users, hospital, approval_on):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    parent = login("wjwadmin")
    url = f"/organisations/name-changes/{change.pk}/refuse/"
    assert "请填写退回理由" in _text(parent.post(url, {"reason": ""}, follow=True))
    page = _text(parent.post(url, {"reason": "与营业执照名称不符"}, follow=True))
    assert "已退回" in page
    page = _text(login("hospitaladmin").get(INFO_URL))
    assert "与营业执照名称不符" in page and "已退回" in page and "提交更名申请" in page


def test_the_unit_withdraws_its_request(login, users, hospital, approval_on):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    page = _text(login("hospitaladmin").post(f"/organisations/name-changes/{change.pk}/withdraw/", follow=True))
    assert f"已撤回更名为“{NEW_NAME}”的申请" in page and "已撤回" in page


def test_levels_above_see_the_records_but_only_the_parent_decides(login, users, hospital, approval_on):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name="先改的名称")
    first = OrganisationNameChange.objects.get()
    basic_info.approve_rename(actor=users["wjwadmin"], change_id=first.pk)
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)

    city = login("hzadmin")
    page = _text(city.get(f"/organisations/{hospital.pk}/"))
    assert "更名记录" in page and "先改的名称" in page and NEW_NAME in page
    assert f"/name-changes/{change.pk}/approve/" not in page
    assert "待审核的单位更名申请" not in _text(city.get("/organisations/"))
    page = _text(city.post(f"/organisations/name-changes/{change.pk}/approve/", follow=True))
    assert "只有该单位的归口部门（杭州市卫生健康委员会）可以审核更名申请" in page
    # Another department does not learn that the request exists.
    other = login("jyjadmin")
    assert other.post(f"/organisations/name-changes/{change.pk}/approve/").status_code == 404
    assert other.post(f"/organisations/name-changes/{change.pk}/refuse/", {"reason": "x"}).status_code == 404
    change.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING
    assert not AuditEvent.objects.filter(action="employer.rename_approve", object_id=str(change.pk)).exists()


def test_the_old_name_finds_the_unit_in_the_tree(login, users, hospital):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    page = _text(login("hzadmin").get("/organisations/", {"q": HOSPITAL}))
    assert NEW_NAME in page and f"曾用名：{HOSPITAL}" in page


def test_the_detail_page_keeps_a_bounded_query_count(login, users, hospital, django_assert_max_num_queries):
    for n in range(6):
        basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=f"{HOSPITAL}{n}")
    client = login("wjwadmin")
    with django_assert_max_num_queries(15):
        page = _text(client.get(f"/organisations/{hospital.pk}/"))
    assert page.count("已生效") == 6


def test_the_rename_is_in_the_audit_log_page(login, users, hospital):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    page = _text(login("auditor").get("/audit/events/", {"action": "employer.rename"}))
    assert "单位更名" in page and NEW_NAME in page
