"""维护所属单位 (issue 15 point 3): a person asks to be linked to a unit found by name or credit code, the unit
approves or refuses with a reason, and every link is kept as 所属单位历史 (unit, from, to, who approved)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.organisations import employers, filing, membership
from title_review.organisations.models import OrganisationKind, UnitLinkRequest, UnitMembership
from title_review.organisations.services import add_child

JOIN = reverse("organisations:join_unit")
FILING = reverse("organisations:filing_accounts")


def _hospital(users):
    return users["hospitaladmin"].organisation


def test_request_by_name_refusal_with_reason_then_approval(login, users, django_assert_max_num_queries):
    hospital = _hospital(users)
    # One browser client: each login() signs the next person in.
    page = login("teacher").post(JOIN, {"credit_code": hospital.name[:6]}, follow=True).content.decode()
    assert f"已向“{hospital.name}”提交加入申请" in page
    unit = login("hospitaladmin")
    page = unit.post(FILING, {"action": "refuse", "user": users["teacher"].pk}, follow=True).content.decode()
    assert "请填写不同意的理由" in page
    assert User.objects.get(pk=users["teacher"].pk).requested_unit_id == hospital.pk  # still waiting
    unit.post(FILING, {"action": "refuse", "user": users["teacher"].pk, "reason": "本院无此人员"})
    person = login("teacher")
    with django_assert_max_num_queries(15):
        page = person.get(JOIN).content.decode()
    assert "未同意。理由：本院无此人员" in page
    person.post(JOIN, {"credit_code": hospital.name})
    unit = login("hospitaladmin")
    with django_assert_max_num_queries(25):
        page = unit.get(FILING).content.decode()
    assert users["teacher"].real_name in page and "不同意的理由" in page
    unit.post(FILING, {"action": "approve", "user": users["teacher"].pk})
    page = login("teacher").get(JOIN).content.decode()
    assert f'data-testid="current-unit">{hospital.name}' in page and "已同意" in page
    row = UnitMembership.objects.get(person=users["teacher"], unit=hospital)
    assert row.ended_on is None and row.approved_by_name == users["hospitaladmin"].display_name
    assert row.started_on == timezone.localdate() and "至今" in page
    assert list(UnitLinkRequest.objects.filter(person=users["teacher"]).values_list("status", flat=True)) == [
        "approved",
        "refused",
    ]


def test_moving_to_another_unit_closes_the_previous_link(users, orgs):
    hospital, school = _hospital(users), orgs["杭州第二中学"]
    teacher = users["teacher"]
    for unit, admin in ((hospital, "hospitaladmin"), (school, "schooladmin")):
        filing.request_to_join(person=User.objects.get(pk=teacher.pk), employer_id=unit.pk)
        filing.review_join_request(actor=users[admin], person_id=teacher.pk, approve=True)
    rows = {m.unit_id: m for m in membership.history_of(teacher)}
    assert rows[hospital.pk].ended_on == timezone.localdate() and rows[school.pk].ended_on is None
    assert rows[school.pk].approved_by_id == users["schooladmin"].pk


def test_the_unit_adding_staff_also_writes_the_history(users):
    hospital = _hospital(users)
    teacher = users["teacher"]
    staff = employers.add_staff(actor=users["hospitaladmin"], employer_id=hospital.pk, id_number=teacher.id_number)
    row = UnitMembership.objects.get(person=teacher, unit=hospital)
    assert row.get_source_display() == "单位添加工作人员" and row.ended_on is None
    employers.remove_staff(actor=users["hospitaladmin"], staff_id=staff.pk)
    row.refresh_from_db()
    assert row.ended_on == timezone.localdate()


def test_name_search_refuses_too_short_and_too_many(login, users, orgs):
    with pytest.raises(DomainError, match="至少输入单位名称中的 2 个字"):
        membership.employers_named("院")
    parent = orgs["杭州市卫生健康委员会"]
    for i in range(membership.NAME_SEARCH_LIMIT + 1):
        add_child(parent=parent, name=f"测试社区卫生服务站{i}", kind=OrganisationKind.EMPLOYER, region=parent.region)
    page = login("teacher").post(JOIN, {"credit_code": "测试社区"}).content.decode()
    assert "超过 20 个" in page and 'value="测试社区"' in page
    assert User.objects.get(pk=users["teacher"].pk).requested_unit_id is None
    page = login("teacher").post(JOIN, {"credit_code": "测试社区卫生服务站1"}).content.decode()
    assert "请选择您所在的单位" in page and "测试社区卫生服务站10" in page
