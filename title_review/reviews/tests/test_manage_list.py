"""管理材料 as a staff list (issue 15 point 7): the employer finds its people by exact name or identity number
(shown masked), sorts on several columns, keeps its columns, and exports exactly the rows of the page; the old
address (/declarations/employer/) leads there with its query."""

import pytest

from title_review.core.identity import mask_identity
from title_review.exports.tests.conftest import table

from .test_staff_lists import _column, _names_on_page, world  # noqa: F401 — the module's shared declarations

URL = "/reviews/manage/"
HOSPITAL = "杭州市第一人民医院"


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    """Every test runs in a savepoint on top of the module's world."""


def _hospital_rows(world):  # noqa: F811
    return [d for d in world["check"] + world["accepted"] if d.employer.name == HOSPITAL]


def test_the_employer_sees_its_own_declarations_only(login, world):  # noqa: F811
    names = _names_on_page(login("hospitaladmin").get(URL).content.decode())
    assert sorted(names) == sorted(d.applicant_name for d in _hospital_rows(world))
    assert len(names) == 8


def test_an_identity_number_finds_one_person_shown_masked(login, world):  # noqa: F811
    person = _hospital_rows(world)[1].applicant
    client = login("hospitaladmin")
    client.post(f"{URL}columns/", {"columns": ["number", "name", "identity", "status"]})
    page = client.get(URL, {"q": person.id_number.lower()}).content.decode()
    assert _names_on_page(page) == [person.real_name]
    assert _column(page, "证件号码") == [mask_identity(person.id_number)]
    assert person.id_number not in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # Someone of another unit is not found here, whatever their number.
    school = next(d for d in world["check"] if d.employer.name != HOSPITAL).applicant
    miss = client.get(URL, {"q": school.id_number}).content.decode()
    assert _names_on_page(miss) == [] and "没有找到符合条件的申报材料" in miss


def test_two_sort_keys_then_the_id(login, world, django_assert_max_num_queries):  # noqa: F811
    client = login("hospitaladmin")
    client.get(URL)  # the session's first write after signing in is not the page's
    with django_assert_max_num_queries(17):
        page = client.get(URL, {"sort": "status,-name"}).content.decode()
    rows = sorted(_hospital_rows(world), key=lambda d: d.pk)
    rows.sort(key=lambda d: d.applicant_name, reverse=True)
    rows.sort(key=lambda d: d.status)
    assert _names_on_page(page) == [d.applicant_name for d in rows]
    assert "1. 状态 升序" in page and "2. 申报人 降序" in page


def test_columns_are_kept_and_reset(client, login, world):  # noqa: F811
    login("hospitaladmin").post(f"{URL}columns/", {"columns": ["number", "name", "round"]})
    head = login("hospitaladmin").get(URL).content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "评审活动" in head and "状态" not in head and "填写人" not in head
    login("hospitaladmin").post(f"{URL}columns/", {"reset": "1"})
    head = login("hospitaladmin").get(URL).content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "状态" in head and "填写人" in head and "证件号码" not in head


@pytest.mark.parametrize("params", [{"sort": "-name"}, {"q": "李明"}, {"status": "accepted", "sort": "number"}])
def test_the_export_holds_the_rows_of_the_page_in_its_order(login, world, params):  # noqa: F811
    client = login("hospitaladmin")
    shown = _names_on_page(client.get(URL, params).content.decode())
    exported = table(client.post("/exports/declarations/", params).content)
    assert [r["姓名"] for r in exported] == shown and shown


def test_the_old_address_leads_to_the_list_with_its_query(login, world):  # noqa: F811
    response = login("hospitaladmin").get("/declarations/employer/", {"q": "李明"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?q=%E6%9D%8E%E6%98%8E"
    assert login("applicant").get("/declarations/employer/").status_code in (403, 404)
