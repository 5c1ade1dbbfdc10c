"""A refused form of 评后管理 loses nothing (core.kept): the office is told what is wrong and finds what it typed,
ticked and chose still in the form: the 处理说明 of one objection (on its page of the batch), the 确认发文 and
开始公示 fields, the 审批 ticks and 理由. Shown once: the next visit shows the form as it always is."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.utils import timezone

from title_review.accounts.models import User
from title_review.results import services

from .factories import flood_entries, module_world, publicity_over, voted_meeting


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, voted_meeting) as built:
        yield built


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(world, db):
    """Every test runs on top of the module's world and rolls back."""


@pytest.fixture
def hzadmin(world, db):
    return User.objects.get(username="hzadmin")


@pytest.fixture
def received(world, hzadmin):
    return services.receive_meeting(actor=hzadmin, meeting_id=world["meeting"].pk)


@pytest.fixture
def published(received, hzadmin):
    return services.start_publicity(actor=hzadmin, batch_id=received.pk, starts_on=timezone.localdate())


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _textarea(html: str, id_: str) -> str:
    found = re.search(rf'<textarea[^>]*\bid="{id_}"[^>]*>(.*?)</textarea>', html, re.DOTALL)
    assert found, id_
    return html_lib.unescape(found.group(1).removeprefix("\n"))  # the parser drops one leading newline too


def _input(html: str, id_: str) -> str:
    found = re.search(rf'<input[^>]*\bid="{id_}"[^>]*>', html)
    assert found, id_
    return found.group(0)


def _value(html: str, id_: str) -> str:
    found = re.search(r'\bvalue="([^"]*)"', _input(html, id_))
    return html_lib.unescape(found.group(1)) if found else ""


def test_a_long_explanation_refused_comes_back_in_its_objection_form_on_its_page(world, published, login):
    """Two objections on page 2 of the batch: the refusal of one goes back there, to that objection's form only,
    with the 处理说明 written and the 处理结果 chosen; the other one's form stays empty."""
    employer = world["declaration"].employer
    flood_entries(published, employer, 25)  # 27 results: the last 7 on page 2
    last, before = published.entries.order_by("-pk")[:2]
    mine = services.submit_objection(entry_id=last.pk, name="李四", mobile="13912345679", content="业绩不实")
    other = services.submit_objection(entry_id=before.pk, name="王五", mobile="13912345670", content="论文抄袭")
    client = login("hzadmin")
    written = "经核实：\n" + "申报人提交的业绩材料与单位存档一致，异议所称情况不属实。" * 80  # over 2,000 字
    response = client.post(
        f"/results/objections/{mine.pk}/handle/", {"outcome": "upheld", "explanation": written, "page": "2"}
    )
    assert response.status_code == 302 and response["Location"] == f"/results/batches/{published.pk}/?page=2"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "处理说明不能超过 2000 个字" in _messages(page)
    assert _textarea(html, f"explanation-{mine.pk}") == written
    assert "上次选择“异议成立”" in html
    assert 'class="btn btn-sm btn-danger" type="submit" name="outcome" value="upheld"' in html
    assert _textarea(html, f"explanation-{other.pk}") == ""  # the other objection's form on the page: untouched
    assert html.count("上次选择") == 1

    again = client.get(f"/results/batches/{published.pk}/?page=2").content.decode()
    assert _textarea(again, f"explanation-{mine.pk}") == "" and "上次选择" not in again
    assert 'class="btn btn-sm btn-outline-danger" type="submit" name="outcome" value="upheld"' in again


def test_a_page_that_is_not_a_number_is_not_carried_back(world, published, login):
    objection = services.submit_objection(
        entry_id=published.entries.order_by("pk").first().pk, name="李四", mobile="13912345679", content="业绩不实"
    )
    client = login("hzadmin")
    for page in ("", "1", "²", "2&x=1", "1" * 7):
        response = client.post(f"/results/objections/{objection.pk}/handle/", {"outcome": "x", "page": page})
        assert response["Location"] == f"/results/batches/{published.pk}/", page


def test_a_refused_confirmation_keeps_the_agency_code_issuer_and_title(world, published, login):
    publicity_over(published)
    client = login("hzadmin")
    title = "关于公布2026年度中小学教师高级职称评审结果的通知" * 8  # over 200 字
    response = client.post(
        f"/results/batches/{published.pk}/confirm/",
        {"agency_code": "杭人社", "issuing_body": "杭州市人力资源和社会保障局", "title": title, "page": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain == [(f"/results/batches/{published.pk}/", 302)]
    assert "发文标题不能超过 200 个字" in _messages(response)
    assert _value(html, "agency_code") == "杭人社"
    assert _value(html, "issuing_body") == "杭州市人力资源和社会保障局"
    assert _value(html, "title") == title

    again = client.get(f"/results/batches/{published.pk}/").content.decode()
    assert _value(again, "agency_code") == "" and _value(again, "title") == ""
    assert _value(again, "issuing_body") == published.office.name  # the default, as before


def test_a_refused_publicity_keeps_the_dates_chosen(world, received, login):
    client = login("hzadmin")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"/results/batches/{received.pk}/publicise/",
        {"starts_on": tomorrow.isoformat(), "ends_on": tomorrow.isoformat()},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain == [(f"/results/batches/{received.pk}/", 302)]
    assert "公示期不少于" in _messages(response) and "截止日期不能早于" in _messages(response)
    assert _value(html, "starts_on") == tomorrow.isoformat()
    assert _value(html, "ends_on") == tomorrow.isoformat()

    again = client.get(f"/results/batches/{received.pk}/").content.decode()
    assert _value(again, "starts_on") == timezone.localdate().isoformat()  # the default, as before
    assert _value(again, "ends_on") == ""


def test_a_refused_approval_keeps_the_ticks_and_the_reason(world, login):
    from title_review.rounds.models import Round, RoundKind

    Round.objects.filter(pk=world["round"].pk).update(kind=RoundKind.INITIAL)
    client = login("hzadmin")
    url = f"/results/approvals/{world['round'].pk}/"
    ticked, left = world["second"].pk, world["declaration"].pk
    reason = "代表作与申报系列不符，" * 20  # over 200 字
    refused = client.post(url, {"declaration": [ticked], "decision": "disapprove", "reason": reason})
    html = refused.content.decode()
    assert refused.status_code == 400 and "理由不能超过 200 个字" in _messages(refused)
    assert " checked" in _input(html, f"d{ticked}")
    assert " checked" not in _input(html, f"d{left}")
    assert _value(html, "reason") == reason

    again = client.get(url).content.decode()
    assert " checked" not in _input(again, f"d{ticked}") and _value(again, "reason") == ""
