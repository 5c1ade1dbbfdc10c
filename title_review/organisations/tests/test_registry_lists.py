"""An employer's own registries — 单位工作人员, 经办账号管理, 工作账号管理 — page and filter like every other list
(issue 12's list pattern): a large unit's thousands of staff and accounts do not come in one page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.accounts.models import AccountKind, User
from title_review.core.pagination import REGISTRY_PAGE_SIZE
from title_review.organisations.models import EmployerStaff

pytestmark = pytest.mark.django_db

SCHOOL = "杭州第二中学"


def _people(n: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(username=f"{prefix}{i:03d}", real_name=f"{'甲乙' if i % 2 else '丙丁'}{i:03d}", kind=AccountKind.PERSONAL)
        for i in range(n)
    )


def _staff(orgs, n: int) -> None:
    EmployerStaff.objects.bulk_create(
        EmployerStaff(employer=orgs[SCHOOL], person=person) for person in _people(n, "regstaff")
    )


def _accounts(orgs, n: int, kind: str, prefix: str) -> None:
    User.objects.bulk_create(
        User(
            username=f"{prefix}{i:03d}",
            real_name=f"{'甲乙' if i % 2 else '丙丁'}{i:03d}",
            kind=kind,
            organisation=orgs[SCHOOL],
        )
        for i in range(n)
    )


def _filing_accounts(orgs, n: int) -> None:
    people = _people(n, "regperson")
    User.objects.bulk_create(
        User(username=f"regfiling{i:03d}", kind=AccountKind.FILING, organisation=orgs[SCHOOL], person=person)
        for i, person in enumerate(people)
    )


LISTS = {
    "staff": _staff,
    "sub_accounts": lambda orgs, n: _accounts(orgs, n, AccountKind.SUB_ACCOUNT, "regsub"),
    "filing_accounts": _filing_accounts,
}


def _shown(html: str) -> int:
    """Rows of the list on the page: each row has one 删除 button (value remove for staff, delete for accounts)."""
    return html.count('value="delete"') + html.count('value="remove"')


@pytest.fixture
def addresses():
    from django.urls import reverse

    return {
        "staff": reverse("organisations:employer_staff"),
        "sub_accounts": reverse("organisations:sub_accounts"),
        "filing_accounts": reverse("organisations:filing_accounts"),
    }


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_long_registry_comes_in_pages_with_its_total(login, orgs, addresses, kind):
    make = LISTS[kind]
    make(orgs, REGISTRY_PAGE_SIZE + 12)
    admin = login("schooladmin")
    first = admin.get(addresses[kind]).content.decode()
    rows_first = _shown(first)
    assert rows_first == REGISTRY_PAGE_SIZE
    assert "第 1/2 页" in first and "下一页" in first
    second = admin.get(addresses[kind], {"page": 2}).content.decode()
    assert 12 <= _shown(second) < REGISTRY_PAGE_SIZE  # the rest (and the demo's own rows, if any)
    assert "上一页" in second


@pytest.mark.parametrize("kind", list(LISTS))
def test_the_keyword_narrows_the_list_and_the_pages_keep_it(login, orgs, addresses, kind):
    make = LISTS[kind]
    make(orgs, REGISTRY_PAGE_SIZE * 2 + 10)
    admin = login("schooladmin")
    html = admin.get(addresses[kind], {"q": "甲乙"}).content.decode()
    assert _shown(html) == REGISTRY_PAGE_SIZE  # 105 odd-numbered rows match: a full first page
    assert "丙丁" not in html
    assert "?q=%E7%94%B2%E4%B9%99&page=2" in html  # the next page keeps the keyword
    nothing = admin.get(addresses[kind], {"q": "没有这个人"}).content.decode()
    assert _shown(nothing) == 0 and "没有这个人" in nothing


@pytest.mark.parametrize("kind", list(LISTS))
def test_the_page_costs_the_same_queries_at_ten_and_at_two_hundred_rows(login, orgs, addresses, kind):
    make = LISTS[kind]
    admin = login("schooladmin")
    make(orgs, 10)
    admin.get(addresses[kind])
    with CaptureQueriesContext(connection) as few:
        admin.get(addresses[kind])
    make_more = {"staff": 190, "sub_accounts": 190, "filing_accounts": 190}[kind]
    if kind == "staff":
        EmployerStaff.objects.bulk_create(
            EmployerStaff(employer=orgs[SCHOOL], person=p) for p in _people(make_more, "regmore")
        )
    elif kind == "sub_accounts":
        _accounts(orgs, make_more, AccountKind.SUB_ACCOUNT, "regsubmore")
    else:
        people = _people(make_more, "regpersonmore")
        User.objects.bulk_create(
            User(username=f"regfilingmore{i:03d}", kind=AccountKind.FILING, organisation=orgs[SCHOOL], person=p)
            for i, p in enumerate(people)
        )
    with CaptureQueriesContext(connection) as many:
        html = admin.get(addresses[kind]).content.decode()
    assert len(many) == len(few)
    assert _shown(html) == REGISTRY_PAGE_SIZE
