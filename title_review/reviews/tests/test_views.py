"""The review pages over HTTP: who sees what, the decisions, and bounded query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status

from .test_chain import OPINION, _refresh, forward, to_ready


def test_employer_review_publicity_and_forward_through_the_pages(users, login, submitted):
    client = login("schooladmin")
    page = client.get("/reviews/employer/")
    assert "朱老师" in page.content.decode()
    client.post(
        f"/reviews/track/{submitted.pk}/decide/",
        {"decision": "employer_pass", "version": submitted.version, "opinion": OPINION},
    )
    d = _refresh(submitted)
    assert d.status == Status.EMPLOYER_PASSED
    response = client.post(
        "/reviews/employer/publicity/", {"pick": f"{d.pk}:{d.version}", "starts_on": "2026-09-30", "place": "公告栏"}
    )
    sheet = client.get(response["Location"]).content.decode()
    assert "2026年9月30日 至 2026年10月12日" in sheet and "朱老师" in sheet
    d = _refresh(d)
    client.post(
        "/reviews/employer/forward/", {"pick": f"{d.pk}:{d.version}", "operator_name": "", "operator_phone": ""}
    )
    assert _refresh(d).status == Status.IN_PUBLICITY  # name and phone are required: nothing happened
    response = client.post(
        "/reviews/employer/forward/",
        {"pick": f"{d.pk}:{d.version}", "operator_name": "卫学校", "operator_phone": "0571-88888888"},
        follow=True,
    )
    assert "已上报 1 份" in response.content.decode()
    assert _refresh(d).current_org.name == "杭州市教育局直属学校管理中心"


def test_departments_see_only_their_own_subtree(users, login, submitted):
    d = forward(users, to_ready(users, submitted))
    assert "朱老师" in login("zsadmin").get("/reviews/inbox/").content.decode()
    assert "朱老师" not in login("wjwreview").get("/reviews/inbox/").content.decode()
    assert login("wjwreview").get(f"/reviews/track/{d.pk}/").status_code == 404
    assert login("wjwreview").post(f"/reviews/track/{d.pk}/decide/", {"decision": "pass"}).status_code == 404
    assert login("hospitaladmin").get(f"/reviews/track/{d.pk}/").status_code == 404
    # 市教育局 sees it in tracking (its subtree) but not in its inbox until level 1 passes it.
    jyj = login("jyjadmin")
    assert "朱老师" in jyj.get("/reviews/track/").content.decode()
    assert "朱老师" not in jyj.get("/reviews/inbox/").content.decode()


def test_a_return_shows_at_the_employer_and_the_applicant_with_its_record(users, login, submitted):
    d = forward(users, to_ready(users, submitted))
    client = login("zsadmin")
    response = client.post(
        f"/reviews/track/{d.pk}/decide/", {"decision": "return", "version": d.version, "reason": ""}, follow=True
    )
    assert "请填写退回理由" in response.content.decode()
    client.post(
        f"/reviews/track/{d.pk}/decide/",
        {"decision": "return", "version": d.version, "reason": "年度考核表缺少盖章", "sections": ["年度考核"]},
    )
    for username in ("schooladmin", "teacher"):
        text = login(username).get("/reviews/returned/").content.decode()
        assert "年度考核表缺少盖章" in text and "杭州市教育局直属学校管理中心" in text and "年度考核" in text


def test_two_reviewers_with_the_same_page_give_one_decision(users, login, submitted):
    d = forward(users, to_ready(users, submitted))
    client = login("zsadmin")
    client.post(f"/reviews/track/{d.pk}/decide/", {"decision": "pass", "version": d.version})
    response = client.post(f"/reviews/track/{d.pk}/decide/", {"decision": "pass", "version": d.version}, follow=True)
    assert "已被他人处理，请刷新" in response.content.decode()
    assert _refresh(d).records.filter(action="pass").count() == 1


def _flood(round_, employer, desk, count, *, start, status=Status.IN_REVIEW):
    """`count` declarations from `employer` at `desk` (bulk rows; no dossier content)."""
    people = User.objects.bulk_create(
        User(username=f"bulk{i}", real_name=f"批量{i}", kind="personal", password="!")
        for i in range(start, start + count)
    )
    now = timezone.now()
    Declaration.objects.bulk_create(
        Declaration(
            applicant=p,
            round=round_,
            employer=employer,
            filled_by=p,
            status=status,
            current_org=desk,
            stage_since=now - dt.timedelta(minutes=i),
            pledge_version="2026-11",
            pledge_accepted_at=now,
            snapshot={},
        )
        for i, p in enumerate(people)
    )


@pytest.mark.parametrize("url", ["/reviews/inbox/", "/reviews/track/", "/reviews/inbox/?employer=第二&waiting=0"])
def test_inbox_pages_keep_a_bounded_query_count(users, orgs, login, review_round, url):
    client = login("zsadmin")
    school, desk = orgs["杭州第二中学"], orgs["杭州市教育局直属学校管理中心"]
    _flood(review_round, school, desk, 30, start=0)
    client.get(url)  # the session's first request does its own one-off work
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    small = len(few.captured_queries)
    _flood(review_round, school, desk, 2000, start=30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == small <= 16
    # 2,030 rows: the count stops at the cap (core.pagination.COUNT_CAP, ADR 0029).
    assert "共 1,000+ 条" in response.content.decode()


@pytest.mark.parametrize("url", ["/reviews/employer/", "/reviews/returned/"])
def test_employer_lists_keep_a_bounded_query_count(users, orgs, login, review_round, url):
    client = login("schooladmin")
    school = orgs["杭州第二中学"]
    status = Status.WITH_EMPLOYER if url.endswith("employer/") else Status.RETURNED
    _flood(review_round, school, school, 5, start=0, status=status)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _flood(review_round, school, school, 300, start=5, status=status)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "批量299" in response.content.decode() or "共 305 条" in response.content.decode()


def test_reviewers_print_the_snapshot_with_the_stamped_employer_opinion(users, orgs, login, submitted):
    from django.core.files.base import ContentFile

    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import EmployerProfile

    school = orgs["杭州第二中学"]
    profile = EmployerProfile(
        organisation=school,
        legal_representative="校长",
        nature=Entry.objects.filter(type__code="employer_nature").first(),
        industry=Entry.objects.filter(type__code="industry").first(),
    )
    profile.seal_stamp.save("seal.png", ContentFile(b"\x89PNG\r\n\x1a\nstamp"), save=False)
    profile.save()
    d = forward(users, to_ready(users, submitted))
    # What the applicant typed afterwards does not change what the reviewer prints.
    Declaration.objects.filter(pk=d.pk).update(specialty="篡改")
    client = login("zsadmin")
    page = client.get(f"/reviews/track/{d.pk}/print/").content.decode()
    assert OPINION in page and "朱老师" in page and "篡改" not in page
    assert f"/reviews/track/{d.pk}/seal.png" in page
    seal = client.get(f"/reviews/track/{d.pk}/seal.png")
    assert seal.status_code == 200 and seal["Content-Type"] == "image/png"
    assert login("wjwreview").get(f"/reviews/track/{d.pk}/seal.png").status_code == 404
    assert login("wjwreview").get(f"/reviews/track/{d.pk}/print/").status_code == 404


def test_the_employer_sets_required_opinions_and_a_ticked_clerk_fills_one(users, orgs, login, submitted):
    from title_review.organisations.employers import create_sub_account

    admin = login("schooladmin")
    admin.post("/reviews/employer/opinions/", {"slots": ["opinion_teaching"]})
    response = admin.post(
        f"/reviews/track/{submitted.pk}/decide/",
        {"decision": "employer_pass", "version": submitted.version, "opinion": OPINION},
        follow=True,
    )
    assert "还缺少内部审核意见：教学" in response.content.decode()
    create_sub_account(
        actor=users["schooladmin"],
        employer_id=orgs["杭州第二中学"].pk,
        username="jiaoxue",
        real_name="教学组",
        permissions=["view", "opinion_teaching"],
    )
    from django.test import Client

    clerk = Client()
    User.objects.filter(username="jiaoxue").update(must_change_password=False)
    clerk.force_login(User.objects.get(username="jiaoxue"))
    page = clerk.get(f"/reviews/track/{submitted.pk}/").content.decode()
    assert "内部审核意见" in page and "employer_pass" not in page  # the clerk gives an opinion, not the decision
    clerk.post(
        f"/reviews/track/{submitted.pk}/decide/",
        {"decision": "opinion", "slot": "opinion_teaching", "agrees": "1", "opinion": "教学效果好"},
    )
    admin.post(
        f"/reviews/track/{submitted.pk}/decide/",
        {"decision": "employer_pass", "version": _refresh(submitted).version, "opinion": OPINION},
    )
    assert _refresh(submitted).status == Status.EMPLOYER_PASSED


def test_the_accepted_list_shows_what_the_office_accepted(users, login, submitted):
    from title_review.reviews import services

    d = forward(users, to_ready(users, submitted))
    for reviewer in ("zsadmin", "jyjadmin"):
        d = _refresh(d)
        services.department_pass(actor=users[reviewer], declaration_id=d.pk, version=d.version)
    assert "朱老师" not in login("hzcheck").get("/reviews/accepted/").content.decode()
    for key, _label in services.check_items_of(_refresh(d)):
        services.check_item(actor=users["hzcheck"], declaration_id=d.pk, key=key, verified=True)
    services.accept(actor=users["hzcheck"], declaration_id=d.pk, version=_refresh(d).version)
    assert "朱老师" in login("hzcheck").get("/reviews/accepted/").content.decode()
    assert "朱老师" in login("jyjadmin").get("/reviews/accepted/").content.decode()
    assert "朱老师" not in login("wjwadmin").get("/reviews/accepted/").content.decode()


def test_a_changed_resubmission_says_the_printed_forms_must_be_printed_again(users, login, submitted):
    from title_review.declarations import services as declarations
    from title_review.reviews import services

    services.employer_return(
        actor=users["schooladmin"], declaration_id=submitted.pk, version=submitted.version, reason="专业填写有误"
    )
    d = _refresh(submitted)
    declarations.save_declaration(
        actor=users["teacher"],
        declaration_id=d.pk,
        version=d.version,
        values={
            "route": d.route,
            "target_qualification": d.target_qualification,
            "current_qualification_date": dt.date(2016, 12, 2),
        },
        picks=d.picks,
        section_data={},
    )
    response = login("teacher").post(f"/declarations/{d.pk}/submit/", follow=True)
    assert "已打印的评审表等表格须重新打印" in response.content.decode()
    assert "材料内容有改动" in _refresh(d).records.order_by("-pk").first().reason
