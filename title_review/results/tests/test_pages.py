"""评后管理 over HTTP: the office's pages, the public 公示 and 异议 without login, results back to the unit and
the applicant; refusals for everyone else; each page's queries bounded."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from title_review.accounts.models import User
from title_review.printing.tests.pdf import compact
from title_review.printing.tests.pdf import text as pdf_text
from title_review.results import services
from title_review.results.models import ResultBatch, ResultObjection
from title_review.verification.testing import captcha_answer

from .factories import module_world, publicity_over, voted_meeting


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
def published(world, hzadmin):
    batch = services.receive_meeting(actor=hzadmin, meeting_id=world["meeting"].pk)
    return services.start_publicity(actor=hzadmin, batch_id=batch.pk, starts_on=timezone.localdate())


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_office_receives_a_meeting_and_opens_the_batch(world, login, django_assert_max_num_queries):
    client = login("hzadmin")
    with django_assert_max_num_queries(20):
        page = client.get("/results/")
    assert page.status_code == 200 and world["meeting"].title in page.content.decode()
    response = client.post(f"/results/meetings/{world['meeting'].pk}/receive/")
    batch = ResultBatch.objects.get(meeting=world["meeting"])
    assert response.status_code == 302 and response["Location"] == f"/results/batches/{batch.pk}/"
    with django_assert_max_num_queries(20):
        page = client.get(f"/results/batches/{batch.pk}/")
    html = page.content.decode()
    assert "开始公示" in html and world["declaration"].applicant_name in html
    again = client.post(f"/results/meetings/{world['meeting'].pk}/receive/", follow=True)
    assert "不能重复接收" in _messages(again)


def test_others_are_refused_the_office_pages(world, published, login):
    assert login("hospitaladmin").get("/results/").status_code == 403
    for persona in ("xhadmin", "hospitaladmin", "applicant"):
        client = login(persona)
        assert client.get(f"/results/batches/{published.pk}/").status_code == 404, persona
        assert client.post(f"/results/batches/{published.pk}/confirm/", {"agency_code": "浙人社"}).status_code == 404


def test_the_public_list_needs_no_login_and_shows_no_identity_number(world, published, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(6):
        page = client.get("/results/publicity/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "杭州市中小学教师评委会" in html and world["declaration"].applicant_name in html and "中小学教师" in html
    teacher = world["declaration"].applicant
    assert teacher.id_number and teacher.id_number not in html
    assert not re.search(r"\d{17}[\dX]", html)


def test_an_objection_is_taken_with_name_contact_and_captcha(world, published):
    client = Client()
    entry = published.entries.order_by("pk").first()
    form = client.get(f"/results/publicity/objection/?entry={entry.pk}")
    assert form.status_code == 200 and entry.person_name in form.content.decode()
    key = form.context["captcha_key"]
    missing_name = client.post(
        "/results/publicity/objection/",
        {
            "entry": entry.pk,
            "name": "",
            "mobile": "13912345678",
            "content": "论文涉嫌抄袭",
            "captcha_key": key,
            "captcha_answer": captcha_answer(client, key),
        },
    )
    assert missing_name.status_code == 400 and "实名" in _messages(missing_name)
    assert "论文涉嫌抄袭" in missing_name.content.decode()  # what was typed is kept
    wrong_captcha = client.post(
        "/results/publicity/objection/",
        {"entry": entry.pk, "name": "张三", "mobile": "13912345678", "content": "x", "captcha_key": "k"},
    )
    assert wrong_captcha.status_code == 400 and "验证码" in _messages(wrong_captcha)
    key = wrong_captcha.context["captcha_key"]
    done = client.post(
        "/results/publicity/objection/",
        {
            "entry": entry.pk,
            "name": "张三",
            "mobile": "13912345678",
            "content": "论文涉嫌抄袭",
            "captcha_key": key,
            "captcha_answer": captcha_answer(client, key),
        },
    )
    assert done.status_code == 302 and done["Location"] == "/results/publicity/"
    assert ResultObjection.objects.filter(entry=entry, name="张三").count() == 1
    publicity_over(published)
    late = client.get(f"/results/publicity/objection/?entry={entry.pk}", follow=True)
    assert "不再受理异议" in _messages(late)


def test_handle_confirm_and_the_document(world, published, login, django_assert_max_num_queries):
    client = login("hzadmin")
    first, second = published.entries.order_by("pk")
    objection = services.submit_objection(
        entry_id=second.pk, name="李四", mobile="13912345679", content="业绩不实", ip="10.1.1.1"
    )
    publicity_over(published)
    held = client.post(
        f"/results/batches/{published.pk}/confirm/",
        {"agency_code": "浙人社", "issuing_body": "杭州市人社局"},
        follow=True,
    )
    assert "暂缓确认" in _messages(held)
    page = client.get(f"/results/batches/{published.pk}/")
    assert "139****5679" in page.content.decode() and "13912345679" not in page.content.decode()
    client.post(f"/results/objections/{objection.pk}/handle/", {"outcome": "upheld", "explanation": "经核实成立"})
    done = client.post(
        f"/results/batches/{published.pk}/confirm/",
        {"agency_code": "浙人社", "issuing_body": "杭州市人力资源和社会保障局"},
        follow=True,
    )
    batch = ResultBatch.objects.get(pk=published.pk)
    assert f"已确认发文：{batch.document_number}" in _messages(done)
    year = timezone.localdate().year
    assert re.fullmatch(rf"浙人社〔{year}〕\d+号", batch.document_number)
    pdf = client.get(f"/results/batches/{published.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = compact(pdf_text(b"".join(pdf.streaming_content)))
    for expected in (
        batch.document_number,
        "杭州市职称工作领导小组办公室文件",
        first.person_name,
        "中小学教师",
        "（印章）",
    ):
        assert compact(expected) in text, expected
    assert second.person_name not in text
    with django_assert_max_num_queries(20):
        assert client.get(f"/results/batches/{published.pk}/").status_code == 200


def test_results_go_back_to_the_unit_and_the_applicant(world, published, login, django_assert_max_num_queries):
    teacher_name, applicant_name = world["declaration"].applicant_name, world["second"].applicant_name
    school = login("schooladmin")
    with django_assert_max_num_queries(12):
        page = school.get("/results/unit/")
    html = page.content.decode()
    assert teacher_name in html and applicant_name not in html
    export = school.post("/results/unit/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    hospital = Client()
    hospital.force_login(User.objects.get(username="hospitaladmin"))
    assert applicant_name in hospital.get("/results/unit/").content.decode()
    mine = Client()
    mine.force_login(world["declaration"].applicant)
    with django_assert_max_num_queries(12):
        own = mine.get("/results/mine/")
    assert teacher_name in own.content.decode() and applicant_name not in own.content.decode()
    assert mine.get("/results/unit/").status_code == 403


def test_the_office_approves_an_initial_round_on_its_page(world, login, django_assert_max_num_queries):
    from title_review.rounds.models import Round, RoundKind

    Round.objects.filter(pk=world["round"].pk).update(kind=RoundKind.INITIAL)
    client = login("hzadmin")
    assert "初定 / 认定审批" in client.get("/results/").content.decode()
    url = f"/results/approvals/{world['round'].pk}/"
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert world["declaration"].applicant_name in page.content.decode()
    refused = client.post(url, {"declaration": [world["second"].pk], "decision": "disapprove", "reason": ""})
    assert refused.status_code == 400 and "请填写理由" in _messages(refused)
    done = client.post(url, {"declaration": [world["declaration"].pk], "decision": "approve"})
    batch = ResultBatch.objects.get(round=world["round"])
    assert done.status_code == 302 and done["Location"] == f"/results/batches/{batch.pk}/"
    assert world["declaration"].applicant_name not in client.get(url).content.decode()
    assert login("wjwadmin").get(url).status_code == 404
