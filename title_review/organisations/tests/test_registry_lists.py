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


def _people(n: int, prefix: str, start: int = 0) -> list[User]:
    return User.objects.bulk_create(
        User(username=f"{prefix}{i:03d}", real_name=f"{'甲乙' if i % 2 else '丙丁'}{i:03d}", kind=AccountKind.PERSONAL)
        for i in range(start, start + n)
    )


def _staff(orgs, n: int, start: int = 0) -> None:
    EmployerStaff.objects.bulk_create(
        EmployerStaff(employer=orgs[SCHOOL], person=person) for person in _people(n, "regstaff", start)
    )


def _sub_accounts(orgs, n: int, start: int = 0) -> None:
    User.objects.bulk_create(
        User(
            username=f"regsub{i:03d}",
            real_name=f"{'甲乙' if i % 2 else '丙丁'}{i:03d}",
            kind=AccountKind.SUB_ACCOUNT,
            organisation=orgs[SCHOOL],
        )
        for i in range(start, start + n)
    )


def _filing_accounts(orgs, n: int, start: int = 0) -> None:
    people = _people(n, "regperson", start)
    User.objects.bulk_create(
        User(username=f"regfiling{i:03d}", kind=AccountKind.FILING, organisation=orgs[SCHOOL], person=person)
        for i, person in enumerate(people, start=start)
    )


LISTS = {
    "staff": _staff,
    "sub_accounts": _sub_accounts,
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
    assert _shown(html) == REGISTRY_PAGE_SIZE  # 55 odd-numbered rows match: a full first page
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
    make(orgs, 190, start=10)
    with CaptureQueriesContext(connection) as many:
        html = admin.get(addresses[kind]).content.decode()
    assert len(many) == len(few)
    assert _shown(html) == REGISTRY_PAGE_SIZE
