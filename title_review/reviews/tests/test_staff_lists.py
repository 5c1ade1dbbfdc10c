"""Staff lists people can work with (issue 15 point 7): 待审核材料, 上报材料跟踪 and 已受理名单 find a person by
exact name or identity number (shown masked), sort on several whitelisted columns with the id as the last key,
keep each person's columns, and export exactly the rows of the page in its order."""

import re

import pytest
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.exports.tests.conftest import flood, identity, table
from title_review.reviews import services
from title_review.reviews.filters import normalise_identity_search, parse_search, parse_sort
from title_review.reviews.lists import LISTS, MAX_SORT_KEYS

from .conftest import publish_review_round

PAGES = {"inbox": "/reviews/inbox/", "tracking": "/reviews/track/", "accepted": "/reviews/accepted/"}
EXPORTS = {"inbox": "/exports/inbox/", "tracking": "/exports/tracking/", "accepted": "/exports/accepted/"}
STATUS = {"inbox": Status.QUALIFICATION_CHECK, "tracking": Status.QUALIFICATION_CHECK, "accepted": Status.ACCEPTED}
# Names given to the rows of each list: two 李明 (a tie the id breaks), the rest distinct; employers alternate.
NAMES = ["李明", "王芳", "李明", "张伟", "陈静", "刘洋", "赵磊", "孙丽"]


def _named(rows, names):
    Declaration.objects.filter(pk__in=[r.pk for r in rows]).update(
        applicant_name=Subquery(User.objects.filter(pk=OuterRef("applicant_id")).values("real_name")[:1])
    )
    for row, name in zip(rows, names, strict=True):
        User.objects.filter(pk=row.applicant_id).update(real_name=name)
        Declaration.objects.filter(pk=row.pk).update(applicant_name=name)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A published round with 8 declarations at the 杭州市职改办's 资格审查 desk and 8 accepted ones, from the
    hospital and the school in turn, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {u.username: u for u in User.objects.all()}
            from title_review.organisations.models import Organisation

            orgs = {o.name: o for o in Organisation.objects.all()}
            round_ = publish_review_round(users, orgs)
            office = orgs["杭州市职称工作领导小组办公室"]
            built = {}
            start = 50_000
            for key, status in (("check", Status.QUALIFICATION_CHECK), ("accepted", Status.ACCEPTED)):
                rows = []
                for i, employer in enumerate([orgs["杭州市第一人民医院"], orgs["杭州第二中学"]] * 4):
                    rows += flood(round_, employer, office, 1, start=start + i, status=status, days_ago=i)
                start += 100
                _named(rows, NAMES)
                built[key] = [Declaration.objects.select_related("applicant").get(pk=r.pk) for r in rows]
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    """Every test runs in a savepoint on top of the module's world (pytest-django's `db`)."""


def _rows_of(list_key, world):
    return {"inbox": world["check"], "accepted": world["accepted"], "tracking": world["check"] + world["accepted"]}[
        list_key
    ]


def _table(html: str) -> tuple[list[str], list[list[str]]]:
    """The list's header labels and its body rows as cell texts (tags stripped)."""
    head = html.split("<thead", 1)[1].split("</thead>", 1)[0]
    labels = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return labels, [r for r in rows if len(r) == len(labels)]


def _column(html: str, label: str) -> list[str]:
    labels, rows = _table(html)
    at = next(i for i, text in enumerate(labels) if text.startswith(label))
    return [row[at] for row in rows]


def _names_on_page(html: str) -> list[str]:
    """The applicant names in the table body, in order."""
    return _column(html, "申报人")


# ---------------------------------------------------------------- unit


def test_an_identity_search_is_normalised_as_the_accounts_store_numbers():
    number = identity(7, last="X")
    assert normalise_identity_search(number.lower()) == (number, ())
    assert normalise_identity_search(f" {number[:6]} {number[6:]} ") == (number, ())
    # An old 15-digit number (no century, no check digit) is looked up by its 18-digit form.
    old = number[:6] + number[8:17]
    assert normalise_identity_search(old)[0] == number
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert normalise_identity_search(wrong) == (wrong, ("证件号码校验位不正确，请逐位核对。",))


def test_a_search_is_a_name_unless_it_holds_a_digit():
    assert (parse_search({"q": " 李 明 "}).kind, parse_search({"q": " 李 明 "}).value) == ("name", "李明")
    found = parse_search({"q": "330106197001010014"})
    assert found.kind == "identity" and found.shown == mask_identity("330106197001010014")
    too_long = parse_search({"q": "李" * 41})
    assert too_long.kind == "" and "已忽略" in too_long.notes[0]
    assert parse_search({}).kind == ""


def test_only_whitelisted_columns_sort_each_once_and_a_few_at_most():
    tracking = LISTS["tracking"]
    sort = parse_sort({"sort": "name,-since,name,password,identity,-employer__name"}, tracking)
    assert sort.keys == (("name", False), ("since", True))
    assert sort.notes == ("不能按“password、identity、-employer__name”排序，已忽略。",)
    many = parse_sort({"sort": "name,employer,round,stage,since"}, tracking)
    assert len(many.keys) == MAX_SORT_KEYS and "最多按 3 列排序" in many.notes[0]
    # A click on a header: a new column joins as the next key, an ascending one turns descending, then leaves.
    sort = parse_sort({"sort": "name"}, tracking)
    assert sort.toggled("since") == "name,since"
    assert sort.toggled("name") == "-name"
    assert parse_sort({"sort": "-name,since"}, tracking).toggled("name") == "since"


def test_a_column_choice_keeps_known_columns_in_the_lists_order(users):
    user = users["hzcheck"]
    assert services.save_columns(actor=user, list_key="tracking", columns=["since", "name"]) == ["name", "since"]
    with pytest.raises(DomainError, match="请至少保留一列"):
        services.save_columns(actor=user, list_key="tracking", columns=[])
    with pytest.raises(DomainError, match="没有的列"):
        services.save_columns(actor=user, list_key="tracking", columns=["name", "password"])
    with pytest.raises(DomainError, match="未知的列表"):
        services.save_columns(actor=user, list_key="nothing", columns=["name"])
    services.reset_columns(actor=user, list_key="tracking")
    from title_review.reviews.selectors import columns_for

    assert [c.key for c in columns_for(user, "tracking")] == list(LISTS["tracking"].default_keys)


# ---------------------------------------------------------------- HTTP, every list


@pytest.mark.parametrize("list_key", PAGES)
def test_an_identity_number_finds_one_person_shown_masked(login, world, list_key):
    person = _rows_of(list_key, world)[3].applicant
    client = login("hzcheck")
    page = client.get(PAGES[list_key], {"q": person.id_number.lower()}).content.decode()
    assert _names_on_page(page) == ["张伟"] and _column(page, "证件号码") == [mask_identity(person.id_number)]
    # The rows and the line about the search show it masked (the search box keeps what the user typed).
    assert person.id_number not in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert f"查找证件号码“{mask_identity(person.id_number)}”：共 1 条" in page
    assert "共 1 条" in page
    # An old 15-digit number finds the same person, and the page says how it searched.
    old = client.get(PAGES[list_key], {"q": person.id_number[:6] + person.id_number[8:17]}).content.decode()
    assert _names_on_page(old) == ["张伟"] and "15 位身份证号码已按 18 位号码查找" in old
    miss = client.get(PAGES[list_key], {"q": identity(999_999)}).content.decode()
    assert _names_on_page(miss) == [] and "没有找到符合条件的申报材料" in miss


@pytest.mark.parametrize("list_key", PAGES)
def test_a_name_matches_exactly(login, world, list_key):
    client = login("hzcheck")
    expected = ["李明"] * sum(d.applicant_name == "李明" for d in _rows_of(list_key, world))
    assert _names_on_page(client.get(PAGES[list_key], {"q": "李明"}).content.decode()) == expected
    assert _names_on_page(client.get(PAGES[list_key], {"q": "李"}).content.decode()) == []


@pytest.mark.parametrize("list_key", PAGES)
def test_two_sort_keys_then_the_id(login, world, list_key, django_assert_max_num_queries):
    rows = _rows_of(list_key, world)
    client = login("hzcheck")
    client.get(PAGES[list_key])  # the session's first write after signing in is not the page's
    with CaptureQueriesContext(connection) as unsorted:
        client.get(PAGES[list_key])
    with django_assert_max_num_queries(14):
        response = client.get(PAGES[list_key], {"sort": "name,-employer", "q": "", "round": str(rows[0].round_id)})
    # A sort costs no query of its own: its capped count is the paginator's.
    with CaptureQueriesContext(connection) as sorted_:
        client.get(PAGES[list_key], {"sort": "name,-employer"})
    assert len(sorted_.captured_queries) == len(unsorted.captured_queries)
    page = response.content.decode()
    expected = sorted(rows, key=lambda d: d.pk)
    expected.sort(key=lambda d: d.employer.name, reverse=True)
    expected.sort(key=lambda d: d.applicant_name)
    assert _names_on_page(page) == [d.applicant_name for d in expected]
    assert "1. 申报人 升序" in page and "2. 申报单位 降序" in page
    # The two 李明 work at the same hospital: the id breaks the tie, the same way on every request.
    first, second = [d for d in expected if d.applicant_name == "李明"][:2]
    assert first.employer_id == second.employer_id and first.pk < second.pk


@pytest.mark.parametrize("list_key", PAGES)
def test_a_bad_sort_is_ignored_with_a_message(login, world, list_key):
    client = login("hzcheck")
    response = client.get(PAGES[list_key], {"sort": "applicant__password,-';drop", "q": "王芳"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能按" in page and "排序，已忽略" in page and set(_names_on_page(page)) == {"王芳"}


@pytest.mark.parametrize("list_key", PAGES)
def test_columns_are_kept_across_sign_outs_and_reset(client, login, world, list_key):
    login("hzcheck")
    response = client.post(
        f"{PAGES[list_key]}columns/",
        {"columns": ["number", "name", "round"], "query": "q=王芳&sort=name&csrfmiddlewaretoken=x"},
    )
    assert response.status_code == 302 and response["Location"] == f"{PAGES[list_key]}?q=%E7%8E%8B%E8%8A%B3&sort=name"
    client.logout()
    page = login("hzcheck").get(PAGES[list_key]).content.decode()
    head = page.split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "评审活动" in head and "申报人" in head and "申报单位" not in head and "证件号码" not in head
    # Another person's choice is their own.
    other = login("hzadmin").get(PAGES[list_key]).content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "申报单位" in other
    login("hzcheck").post(f"{PAGES[list_key]}columns/", {"reset": "1"})
    head = login("hzcheck").get(PAGES[list_key]).content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "申报单位" in head and "证件号码" in head


def test_saving_no_column_says_so_and_keeps_the_list(client, login, world):
    response = login("hzcheck").post("/reviews/track/columns/", {"query": ""}, follow=True)
    assert "请至少保留一列" in response.content.decode()
    assert "申报单位" in response.content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]


@pytest.mark.parametrize("list_key", PAGES)
@pytest.mark.parametrize("params", [{"sort": "-name,since"}, {"q": "李明", "sort": "-employer"}, {"sort": "employer"}])
def test_the_export_holds_the_rows_of_the_page_in_its_order(login, world, list_key, params):
    client = login("hzcheck")
    shown = _names_on_page(client.get(PAGES[list_key], params).content.decode())
    exported = table(client.post(EXPORTS[list_key], params).content)
    assert [r["姓名"] for r in exported] == shown and shown


def test_a_name_that_matches_thousands_says_so_and_shows_the_capped_page(login, users, orgs, world):
    from title_review.core.pagination import COUNT_CAP

    office = orgs["杭州市职称工作领导小组办公室"]
    round_ = world["check"][0].round
    many = flood(
        round_, orgs["杭州市第一人民医院"], office, COUNT_CAP + 1, start=60_000, status=Status.QUALIFICATION_CHECK
    )
    Declaration.objects.filter(pk__in=[d.pk for d in many]).update(applicant_name="王伟")
    response = login("hzcheck").get("/reviews/inbox/", {"q": "王伟", "sort": "employer"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "姓名“王伟”匹配超过 1,000 条" in page and "共 1,000+ 条" in page
    # Sorting more than the cap would sort a province: the page keeps its index order and says so.
    assert "按默认顺序排列" in page
    assert page.count(">审核</a>") == 20


DEMO_ACCOUNTS = [
    "sysadmin", "secadmin", "auditor", "zjadmin", "hzadmin", "hzcheck", "hzreturn", "xhadmin", "wjwadmin",
    "wjwreview", "jyjadmin", "zsadmin", "hospitaladmin", "schooladmin", "companyadmin", "rcfwadmin",
    "applicant", "teacher", "zjmishu", "gczj01",
]  # fmt: skip


@pytest.mark.parametrize("account", DEMO_ACCOUNTS)
def test_a_column_choice_is_saved_by_whoever_may_open_the_list_and_nobody_else(login, account):
    from title_review.reviews.models import ListColumns

    client = login(account)
    for list_key, url in PAGES.items():
        opens = client.get(url).status_code == 200
        response = client.post(f"{url}columns/", {"columns": ["name"]})
        saved = ListColumns.objects.filter(user__username=account, list_key=list_key).exists()
        assert (response.status_code == 302, saved) == (opens, opens), (account, list_key, response.status_code)


def test_a_queued_export_keeps_the_search_and_the_sort_of_the_page(
    login, world, settings, django_capture_on_commit_callbacks
):
    from title_review.jobs.models import Job

    settings.EXPORT_INLINE_MAX_ROWS = 1
    client = login("hzcheck")
    params = {"q": "李明", "sort": "-since"}
    shown = _column(client.get(PAGES["tracking"], params).content.decode(), "申报人")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS["tracking"], params)
    assert response.status_code == 302 and response["Location"] == "/downloads/"
    job = Job.objects.get(kind="exports.list", owner__username="hzcheck")
    assert job.params["filters"] == {"q": ["李明"], "sort": ["-since"]}
    rows = table(job.result.read())
    assert [r["姓名"] for r in rows] == shown == ["李明"] * 4
    # The newest movement first, as the page showed it.
    since = [r["进入当前环节时间"] for r in rows]
    assert since == sorted(since, reverse=True)


def test_the_audit_row_of_an_export_keeps_a_searched_identity_number_masked(login, world):
    from title_review.audit.models import AuditEvent

    person = world["check"][3].applicant
    rows = table(login("hzcheck").post(EXPORTS["inbox"], {"q": person.id_number, "sort": "name"}).content)
    assert [r["姓名"] for r in rows] == ["张伟"]
    event = AuditEvent.objects.filter(action="export.list").latest("pk")
    assert person.id_number not in event.after["filters"]
    assert event.after["filters"] == f"q={mask_identity(person.id_number).replace('*', '%2A')}&sort=name"
