"""Every object URL × every role of the demo tree × objects at every stage that matters.

The world: declarations of 朱老师 (杭州第二中学) and 韩申报 (杭州市第一人民医院) in two rounds — a draft, one
submitted to the employer but not reported up, one reported up (at 直属学校管理中心) and one accepted by the
杭州市职改办 — with their attachments, prints, publicities, an objection, a draft round, a committee, a job,
a 站内信, a 工作账号, an integrity record, a token, a working-day override, a dictionary entry, 业绩档案
records, a received exchange package, a rename applied and one waiting for its 归口部门, and every demo
organisation.

For each URL that takes an object id, each persona and each object: outside the URL's policy the answer is
404 (no hint that the object exists) and a POST changes nothing; inside it is never a server error. Who is
inside comes from the policy, and the policy itself is held to a hand-written table for declarations. A URL
that takes an id and names no policy, or that this file does not know, fails.
"""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import get_resolver

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.kinds import POLICIES
from title_review.attachments.models import Attachment
from title_review.attachments.tests.helpers import PDF
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.demo.data import ACCOUNTS
from title_review.reviews.models import Objection
from title_review.reviews.tests.conftest import publish_review_round
from title_review.reviews.tests.factories import _png, _upload, complete_draft, submit_for

from .test_url_rules import _walk, view_attribute

# Some 10,000 requests, asking whether each view uses its kind's policy: CI runs this module on SQLite only,
# where a request costs least (ADR 0055); the policies' querysets themselves are held to the policies on both
# databases by test_scope_matrix.py.
pytestmark = pytest.mark.ci_on_sqlite

PERSONAS = sorted(account[0] for account in ACCOUNTS)

# Parameters that name no object: forms, sections, file formats, agreement texts, captcha keys.
NOT_OBJECTS = {
    "accounts/agreement/<slug:name>/",
    "dictionaries/types/<slug:code>/",
    "dictionaries/export.<str:fmt>",
    "achievements/<slug:section>/",
    "api/v1/achievements/<slug:section>/",
    "verification/captcha/<slug:key>.png",
    "printing/blanks/<slug:form>.pdf",
    # 证书查验's QR link: a certificate number bound by an HMAC, public (certificates/tests/test_verify.py).
    "certificates/verify/<str:token>/",
}

# Routes whose parameters are filled in from one object in a special way.
SPECIAL = {
    "declarations/start/<int:round_id>/": lambda o: f"/declarations/start/{o.pk}/",
    "printing/declarations/<int:pk>/<slug:form>.pdf": lambda o: f"/printing/declarations/{o.pk}/review.pdf",
    "reviews/employer/publicity/<int:pk>/objection/<int:objection_id>/": lambda o: (
        f"/reviews/employer/publicity/{o.publicity_id}/objection/{o.pk}/"
    ),
    "exchange/received/<int:pk>/files/<int:file_pk>/": lambda o: f"/exchange/received/{o.declaration_id}/files/{o.pk}/",
    "achievements/<slug:section>/<int:pk>/edit/": lambda o: f"/achievements/education/{o.pk}/edit/",
    "achievements/<slug:section>/<int:pk>/delete/": lambda o: f"/achievements/education/{o.pk}/delete/",
}

# Who may open each declaration as received (purpose VIEW), written out by hand.
EXPECTED_VIEW = {
    "draft": {"applicant"},
    "submitted": {"teacher", "schooladmin"},
    "forwarded": {"teacher", "schooladmin", "zsadmin", "jyjadmin", "hzadmin", "hzcheck", "hzreturn", "zjadmin"},
    "accepted": {"applicant", "hospitaladmin", "wjwadmin", "wjwreview", "hzadmin", "hzcheck", "hzreturn", "zjadmin"},
}
# Who may fill (and so upload to) each declaration: its applicant, and its employer's 填写材料.
EXPECTED_FILL = {
    "draft": {"applicant", "hospitaladmin"},
    "submitted": {"teacher", "schooladmin"},
    "forwarded": {"teacher", "schooladmin"},
    "accepted": {"applicant", "hospitaladmin"},
}


def _policy_of(callback):
    return view_attribute(callback, "object_policy")


def object_routes():
    """(route, kind, purpose) of every URL that takes an object id."""
    rows = []
    for route, callback in _walk(get_resolver().url_patterns):
        if "<" not in route or route in NOT_OBJECTS:
            continue
        rows.append((route, *(_policy_of(callback) or (None, None))))
    return rows


def test_every_object_url_names_a_known_policy():
    missing = [route for route, kind, _p in object_routes() if kind is None]
    assert not missing, f"object URLs without a policy (add @guards / object_policy and a row here): {missing}"
    for route, kind, purpose in object_routes():
        policy = POLICIES["record:education" if kind == "record" else kind]
        assert purpose in policy.purposes, (route, kind, purpose)


def test_the_walker_knows_the_object_urls_it_tries():
    routes = {route for route, _k, _p in object_routes()}
    assert {"reviews/track/<int:pk>/", "attachments/<int:pk>/download/", "downloads/<int:pk>/download/"} <= routes
    assert {"committees/results/<int:pk>/", "exports/meetings/<int:pk>/results/"} <= routes  # 评审结果, its export
    assert "committees/experts/<int:pk>/relations/" in routes  # 登记回避关系 on the 专家库 page
    assert {"results/batches/<int:pk>/", "results/objections/<int:pk>/handle/"} <= routes  # 评后管理
    assert set(SPECIAL) <= routes
    # The committees API (its objects are the `_meeting_world`'s: a meeting, an open ballot, a panel and its
    # assignment, a 代表作 review, a pending expert).
    assert {
        "api/v1/committees/experts/<int:pk>/approve/",
        "api/v1/committees/experts/<int:pk>/remove/",
        "api/v1/committees/meetings/<int:pk>/",
        "api/v1/committees/meetings/<int:pk>/recuse/",
        "api/v1/committees/meetings/<int:pk>/start/",
        "api/v1/committees/meetings/<int:pk>/ballots/",
        "api/v1/committees/meetings/<int:pk>/close/",
        "api/v1/committees/meetings/<int:pk>/record/",
        "api/v1/committees/meetings/<int:pk>/record/sign/",
        "api/v1/committees/meetings/<int:pk>/panels/",
        "api/v1/committees/meetings/<int:pk>/blind-works/",
        "api/v1/committees/meetings/<int:pk>/blind-reviews/replace/",
        "api/v1/committees/ballots/<int:pk>/close/",
        "api/v1/committees/ballots/<int:pk>/vote/",
        "api/v1/committees/panels/<int:pk>/assign/",
        "api/v1/committees/panels/<int:pk>/progress/",
        "api/v1/committees/panels/<int:pk>/remind/",
        "api/v1/committees/results/<int:pk>/",
        "api/v1/committees/my-meetings/<int:pk>/",
        "api/v1/committees/my-meetings/<int:pk>/sign-in/",
        "api/v1/committees/assignments/<int:pk>/opinion/",
        "api/v1/committees/reviews/<int:pk>/",
        "api/v1/committees/reviews/<int:pk>/submit/",
    } <= routes


def _second_declaration(applicant, round_):
    """Another submitted declaration of someone who already filed once: the same 业绩档案 rows, new files."""
    from title_review.achievements.models import Appraisal, Education, WorkHistory
    from title_review.attachments.services import upload_attachment
    from title_review.declarations import services as declarations
    from title_review.declarations.models import PLEDGE_VERSION

    declaration = declarations.start_declaration(actor=applicant, round_id=round_.pk, pledge_version=PLEDGE_VERSION)
    picks = {
        section: list(model.objects.filter(owner=applicant).values_list("pk", flat=True))
        for section, model in (("education", Education), ("work", WorkHistory), ("appraisal", Appraisal))
    }
    declarations.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": round_.qualifications[0] if round_.qualifications else "",
            "current_qualification_date": dt.date(2016, 12, 1),
        },
        picks=picks,
        section_data={},
    )
    for kind, name in (("photo", "证件照.png"), ("id_card", "身份证.png")):
        upload_attachment(actor=applicant, owner=applicant, kind=kind, upload=_upload(name, _png()), target=declaration)
    upload_attachment(
        actor=applicant,
        owner=applicant,
        kind="review_form",
        upload=_upload("评审表.pdf", PDF),
        target=declaration,
    )
    return declarations.submit_declaration(actor=applicant, declaration_id=declaration.pk)


def _url(route, obj):
    if route in SPECIAL:
        return SPECIAL[route](obj)
    assert re.findall(r"<[^>]+>", route) == ["<int:pk>"], f"teach this test how to fill {route}"
    return "/" + route.replace("<int:pk>", str(obj.pk))


@pytest.fixture(scope="module", autouse=True)
def _pdf_layout_skipped():
    """The printed forms are laid out as a one-page stand-in here: this module asks who gets a 200 and who a
    404, and WeasyPrint's ~1 s a form, for every persona allowed to print, is spent on access alone. The
    templates are still rendered with the object's data (a template error would still be a 500); the
    layout of each form is tested in title_review/printing/tests and the browser tests. For the same reason the
    电子证书 is not signed here (pyHanko, ~0.3 s a download): signing is tested in certificates/tests/test_ecert.py."""
    from unittest import mock

    from title_review.certificates import ecert
    from title_review.printing import renderer

    with (
        mock.patch.object(renderer, "html_to_pdf", return_value=PDF),
        mock.patch.object(ecert, "sign_pdf", side_effect=lambda pdf, **_kw: pdf),
    ):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module (and xdist worker) on top of the session's demo tree, in a
    transaction rolled back after the module's last test. Each test runs in a savepoint on top of it
    (pytest-django's `db`) and each request in a savepoint of its own (`_request`), so no test and no
    request sees what another one changed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _build_world():
    from title_review.accounts.models import User
    from title_review.api.tokens import create_token
    from title_review.core.models import PolicySetting
    from title_review.core.policies import forget_policy
    from title_review.dictionaries.models import Entry
    from title_review.eligibility.services import record_integrity_ban
    from title_review.exchange.services import import_package
    from title_review.exchange.tests.factories import accept_through_chain, export_bytes
    from title_review.jobs.models import Job
    from title_review.notifications.services import notify
    from title_review.organisations import basic_info, employers
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.test_chain import forward, to_ready
    from title_review.rounds import services as rounds
    from title_review.system.services import set_working_day_override

    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    review_round = publish_review_round(users, orgs)
    hz = orgs["杭州市职称工作领导小组办公室"]
    second = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="2026年度中小学教师职称评审（第二批）",
        year=2026,
        kind="review",
        series=review_round.series,
        committee=review_round.committee,
        opens_at=review_round.opens_at,
        closes_at=review_round.closes_at,
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=second.pk,
        changes={"levels": review_round.levels, "routes": ["01"]},
        scope=[orgs["杭州市卫生健康委员会"], orgs["杭州市教育局"]],
    )
    second = rounds.publish_round(actor=users["hzadmin"], round_id=second.pk)
    draft_round = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="2027年度中小学教师职称评审（未发布）",
        year=2027,
        kind="review",
        series=review_round.series,
        committee=review_round.committee,
        opens_at=review_round.opens_at,
        closes_at=review_round.closes_at,
    )

    forwarded = forward(users, to_ready(users, submit_for(users["teacher"], review_round)))
    draft = complete_draft(users["applicant"], review_round)
    declarations = {
        "draft": draft,
        "submitted": _second_declaration(users["teacher"], second),
        "forwarded": forwarded,
        "accepted": accept_through_chain(_second_declaration(users["applicant"], second)),
    }
    declarations = {k: Declaration.objects.get(pk=d.pk) for k, d in declarations.items()}
    assert declarations["forwarded"].status == Status.IN_REVIEW
    assert declarations["submitted"].status == Status.WITH_EMPLOYER

    publicity = declarations["forwarded"].publicity
    objection = Objection.objects.create(
        publicity=publicity,
        declaration=declarations["forwarded"],
        received_on=dt.date(2026, 10, 1),
        content="论文署名有误",
        recorded_by=users["schooladmin"],
    )
    job = Job.objects.create(owner=users["hzadmin"], kind="export", title="导出汇总表")
    (message,) = notify(recipients=[users["teacher"]], title="测试站内信", body="正文")
    sub_account, _password = employers.create_sub_account(
        actor=users["hospitaladmin"],
        employer_id=orgs["杭州市第一人民医院"].pk,
        username="hospitalclerk",
        real_name="经办员",
        permissions=["view"],
    )
    from title_review.organisations import filing

    filing_account, _password = filing.create_filing_account(
        actor=users["hospitaladmin"],
        employer_id=orgs["杭州市第一人民医院"].pk,
        username="hospitalfiler1",
        permissions=["declare"],
        real_name="申报甲",
        id_number="11010519491231002X",
    )
    User.objects.filter(username="teacher").update(requested_unit=orgs["杭州市第一人民医院"])
    token, _key = create_token(actor=users["hzadmin"], organisation=hz, name="对接人社系统")
    ban = record_integrity_ban(
        actor=users["hzadmin"],
        organisation_id=hz.pk,
        id_type="01",
        id_number="11010519491231002X",
        name="失信人",
        reason="学历造假",
        basis="人社部令第40号",
        starts_on=dt.date(2026, 1, 1),
    )
    override = set_working_day_override(
        actor=users["zjadmin"], day=dt.date(2027, 1, 4), is_working_day=False, note="调休"
    )
    package = export_bytes(users["hzadmin"], second.pk, [declarations["accepted"].pk])
    import io

    import_package(actor=users["hzadmin"], source=io.BytesIO(package), package_name="pkg.zip")
    from title_review.exchange.models import ReceivedDeclaration, ReceivedFile

    records = list(
        POLICIES["record:education"].model._default_manager.filter(owner__in=[users["applicant"], users["teacher"]])
    )
    renamed = basic_info.request_rename(
        actor=users["companyadmin"],
        employer_id=orgs["杭州西湖数智科技有限公司"].pk,
        new_name="杭州西湖数智集团有限公司",
    )
    PolicySetting.objects.create(key="employer.rename_needs_approval", value=True)
    forget_policy("employer.rename_needs_approval")
    pending = basic_info.request_rename(
        actor=users["hospitaladmin"], employer_id=orgs["杭州市第一人民医院"].pk, new_name="杭州市第一人民医院集团"
    )
    meeting, ballot, assignment, panel, review, expert = _meeting_world(users, orgs, declarations["accepted"])
    closed = _closed_meeting(meeting)  # its 评审结果 (page and export) reach the publishing office only
    certificates = _certificate_world(users, orgs, review_round)
    result_batch, result_objection = _result_world(users, closed, declarations["accepted"])
    return {
        "meeting": [("meeting", meeting), ("closed", closed)],
        "meeting_seat": [("meeting", meeting)],
        "ballot": [("open", ballot)],
        "ballot_seat": [("open", ballot)],
        "panel_assignment": [("assignment", assignment)],
        "meeting_panel": [("panel", panel)],
        "blind_review": [("review", review)],
        "expert": [("pending", expert)],
        "declaration": list(declarations.items()),
        "attachment": [
            (f"{stage}:{a.kind}", a)
            for stage, d in declarations.items()
            for a in Attachment.objects.filter(target_id=d.pk, kind="photo")
        ],
        "round": [("published", review_round), ("second", second), ("draft", draft_round)],
        "committee": [("committee", review_round.committee)],
        "publicity": [("school", publicity), ("hospital", declarations["accepted"].publicity)],
        "objection": [("objection", objection)],
        "job": [("job", job)],
        "message": [("message", message)],
        "organisation": [(o.name, o) for o in orgs.values()],
        "sub_account": [("sub_account", sub_account), ("employer_admin", User.objects.get(username="hospitaladmin"))],
        "account": [
            (name, User.objects.get(username=name)) for name in ("hospitaladmin", "wjwadmin", "hzcheck", "secadmin")
        ],
        "filing_account": [("filing", filing_account)],
        "join_request": [("teacher", User.objects.get(username="teacher"))],
        "token": [("token", token)],
        "integrity_record": [("ban", ban)],
        "workday_override": [("override", override)],
        "dictionary_entry": [("entry", Entry.objects.filter(type__code="series").first())],
        "received_declaration": [("received", r) for r in ReceivedDeclaration.objects.all()],
        "received_file": [("file", f) for f in ReceivedFile.objects.all()],
        "record": [(f"record:{r.owner_id}", r) for r in records],
        "name_change": [("applied", renamed), ("pending", pending)],
        **certificates,
        "result_batch": [("batch", result_batch)],
        "result_objection": [("objection", result_objection)],
    }


def _certificate_world(users, orgs, review_round):
    """The demo applicant's certificate, numbered (电子证书, 撤销), one waiting for its number, and the 通知附件 of a
    published round and of a draft one (公共服务门户)."""
    import io

    from title_review.attachments.services import upload_attachment
    from title_review.certificates.tests.helpers import APPLICANT_ID, issue, number
    from title_review.rounds.models import Round, RoundStatus

    hz = users["hzadmin"]
    mine = issue(hz, orgs["杭州市第一人民医院"], name="韩申报", id_number=APPLICANT_ID)
    waiting = issue(hz, orgs["杭州第二中学"], name="朱老师", id_number="110101199003070011")
    number(hz, [mine])

    def notice(round_, name):
        upload = io.BytesIO(PDF)
        upload.name, upload.size = name, len(PDF)
        return upload_attachment(actor=hz, owner=hz, kind="notice", upload=upload, target=round_)

    draft = Round.objects.filter(status=RoundStatus.DRAFT, publisher__name="杭州市职称工作领导小组办公室").first()
    return {
        "certificate": [("numbered", mine), ("waiting", waiting)],
        "public_notice_file": [("published", notice(review_round, "通知.pdf")), ("draft", notice(draft, "草稿.pdf"))],
    }


# Who may download the 电子证书 of the demo applicant (韩申报, 杭州市第一人民医院), written out by hand: the holder,
# the holder's unit, and the title offices above it.
EXPECTED_CERTIFICATE_DOWNLOAD = {"applicant", "hospitaladmin", "hzadmin", "zjadmin"}


def test_the_certificate_download_policy_matches_the_written_table(users, world):
    (_label, numbered), *_rest = world["certificate"]
    sees = {p for p in PERSONAS if POLICIES["certificate"].allows(users[p], numbered, "download")}
    assert sees == EXPECTED_CERTIFICATE_DOWNLOAD, sees ^ EXPECTED_CERTIFICATE_DOWNLOAD
    revokers = {p for p in PERSONAS if POLICIES["certificate"].allows(users[p], numbered, "revoke")}
    assert revokers == {"hzadmin", "zjadmin"}


def _closed_meeting(meeting):
    """A second sitting of the same committee for the same round, started and closed (no ballot)."""
    from title_review.committees import services as committees

    secretary = meeting.created_by
    members = list(meeting.members.values_list("user_id", flat=True))
    closed = committees.create_meeting(
        actor=secretary,
        round_id=meeting.round_id,
        committee_id=meeting.committee_id,
        title="已结束的评审会议",
        member_ids=members,
    )
    committees.start_meeting(actor=secretary, meeting_id=closed.pk)
    return committees.close_meeting(actor=secretary, meeting_id=closed.pk)


def _result_world(users, closed, accepted):
    """评后管理: a result batch of the closed meeting (the round's office's) with one entry and an objection to it,
    as rows (the closed meeting voted on nothing)."""
    from title_review.results.models import BatchSource, BatchStatus, ResultBatch, ResultEntry, ResultObjection

    batch = ResultBatch.objects.create(
        office=closed.round.publisher,
        round=closed.round,
        meeting=closed,
        committee_name=closed.committee.name,
        source=BatchSource.MEETING,
        status=BatchStatus.PUBLICISING,
        publicity_starts=dt.date(2026, 1, 5),
        publicity_ends=dt.date(2026, 1, 9),
        created_by=users["hzadmin"],
    )
    entry = ResultEntry.objects.create(
        batch=batch, declaration=accepted, person_name="申报人", employer_name="单位", outcome="passed"
    )
    objection = ResultObjection.objects.create(
        entry=entry,
        name="异议人",
        mobile="13912345678",
        content="异议",
        received_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC),
    )
    return batch, objection


def _meeting_world(users, orgs, accepted):
    """A meeting of the round's committee, in session, with a ballot open and a panel given the accepted
    declaration. Its secretary and experts are not demo personas: every persona stands outside it."""
    from title_review.access.models import RoleGrant
    from title_review.access.roles import Role
    from title_review.accounts.models import User
    from title_review.committees import panels
    from title_review.committees import services as committees
    from title_review.committees.models import BlindReview, BlindWork, Expert, ExpertStatus

    host = accepted.round.committee.host

    def account(username):
        user = User.objects.create_user(username=username, password=None, real_name=username, organisation=host)
        RoleGrant.objects.create(user=user, organisation=host, role=Role.EXPERT)
        return user

    secretary = User.objects.create_user(username="matrix_secretary", password=None, organisation=host)
    RoleGrant.objects.create(user=secretary, organisation=host, role=Role.COMMITTEE_SECRETARY)
    experts = [account(f"matrix_expert{i}") for i in range(3)]
    meeting = committees.create_meeting(
        actor=secretary,
        round_id=accepted.round_id,
        committee_id=accepted.round.committee_id,
        title="评审会议",
        member_ids=[e.pk for e in experts],
    )
    committees.start_meeting(actor=secretary, meeting_id=meeting.pk)
    for expert in experts:
        committees.sign_in(actor=expert, meeting_id=meeting.pk)
    panel = panels.form_panel(
        actor=secretary, meeting_id=meeting.pk, name="评议组", member_user_ids=[e.pk for e in experts]
    )
    (assignment,) = panels.assign(actor=secretary, panel_id=panel.pk, declaration_ids=[accepted.pk])
    ballot = committees.open_ballot(actor=secretary, meeting_id=meeting.pk, declaration_id=accepted.pk)
    # A 代表作 out for review, as rows (its snapshot has no 代表作 to send through the service).
    work = BlindWork.objects.create(
        meeting=meeting, declaration=accepted, code="DBZ-MATRIX", work={"title": "代表作"}, due_on=dt.date(2027, 1, 1)
    )
    review = BlindReview.objects.create(work=work, reviewer=experts[0], due_on=work.due_on)
    expert = Expert.objects.create(
        user=experts[1],
        employer=host,
        series=accepted.round.series,
        title_name="正高级教师",
        level="1",
        term_starts=dt.date(2026, 1, 1),
        term_ends=dt.date(2028, 12, 31),
        status=ExpertStatus.PENDING,
    )
    return meeting, ballot, assignment, panel, review, expert


# A well-formed decision, so that what answers is the object check, not the form check.
BODY = {
    "version": 1,
    "reason": "测试理由",
    "opinion": "同意推荐。",
    "basis": "人社部令第40号",
    "handling": "已核实",
    "slot": "opinion_ethics",
    "agrees": True,
    "upheld": False,
}


# Routes that answered a GET with 405 (they only take POST), learnt once per worker: every later persona
# POSTs to them at once, so a persona who would be refused a GET is also held to "a POST changes nothing".
POST_ONLY: set[str] = set()


def _request(client, url, route=None):
    """GET, or POST where the URL only takes POST; inside a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        response = None if route in POST_ONLY else client.get(url)
        if response is None or response.status_code == 405:
            if route is not None:
                POST_ONLY.add(route)
            if url.startswith("/api/"):
                response = client.post(url, BODY, content_type="application/json")
            else:
                response = client.post(url, BODY)
        transaction.set_rollback(True)
    return response


def test_the_declaration_policy_matches_the_written_table(users, world):
    for purpose, table in ((Purpose.VIEW, EXPECTED_VIEW), (Purpose.FILL, EXPECTED_FILL)):
        for stage, declaration in world["declaration"]:
            sees = {p for p in PERSONAS if declaration_policy.allows(users[p], declaration, purpose)}
            assert sees == table[stage], (purpose, stage, sees ^ table[stage])
    # Attachments go with their declaration: downloadable exactly where the declaration may be filled or seen.
    for stage, declaration in world["declaration"]:
        photo = Attachment.objects.get(target_id=declaration.pk, kind="photo")
        sees = {p for p in PERSONAS if POLICIES["attachment"].allows(users[p], photo, "download")}
        assert sees == EXPECTED_VIEW[stage] | EXPECTED_FILL[stage], (stage, sees)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_object_url_answers_404_outside_its_policy(persona, users, login, world):
    client = login(persona)
    user = users[persona]
    tried = 0
    failures = []
    for route, kind, purpose in object_routes():
        objects = world["record" if kind == "record" else kind]
        assert objects, f"the world has no {kind} to try {route} with"
        policy = POLICIES["record:education" if kind == "record" else kind]
        for label, obj in objects:
            if kind == "record" and not isinstance(obj, policy.model):
                continue
            url = _url(route, obj)
            inside = policy.allows(user, obj, purpose)
            # A kind's "view" says whether the object may be known at all: outside it, 404 and nothing else;
            # seen but not allowed for this purpose, a refusal (never the page or file itself).
            known = inside or ("view" in policy.purposes and policy.allows(user, obj, "view"))
            status = _request(client, url, route).status_code
            tried += 1
            if not known and status != 404:
                failures.append(f"{url} ({kind} {label}, {purpose}): {status} outside the policy")
            elif not inside and status == 200:
                failures.append(f"{url} ({kind} {label}, {purpose}): 200 for someone who may only see it")
            if status >= 500:
                failures.append(f"{url} ({kind} {label}): server error {status}")
    assert tried > 100
    assert not failures, "\n".join(failures)


# The kinds of the `_meeting_world`, whose people are not demo personas.
MEETING_KINDS = {
    "meeting",
    "meeting_seat",
    "ballot",
    "ballot_seat",
    "meeting_panel",
    "panel_assignment",
    "blind_review",
    "expert",
}


@pytest.mark.parametrize("username", ["matrix_secretary", "matrix_expert0", "matrix_expert2"])
def test_the_meeting_urls_answer_the_meetings_own_people(username, users, login, world):
    """Every persona stands outside the meeting: here its secretary and two members (one a 代表作 reviewer, one
    not) try each meeting API URL. Inside its policy it answers (a body id it does not know is input, 400,
    never 404; never a server error); outside, 404."""
    from title_review.accounts.models import User

    client = login(username)
    user = User.objects.get(username=username)
    inside_count = 0
    failures = []
    for route, kind, purpose in object_routes():
        if kind not in MEETING_KINDS or not route.startswith("api/"):
            continue
        policy = POLICIES[kind]
        for label, obj in world[kind]:
            url = _url(route, obj)
            inside = policy.allows(user, obj, purpose)
            status = _request(client, url, route).status_code
            inside_count += inside
            if inside and (status == 404 or status >= 500):
                failures.append(f"{url} ({kind} {label}, {purpose}): {status} inside the policy")
            elif not inside and status != 404:
                failures.append(f"{url} ({kind} {label}, {purpose}): {status} outside the policy")
    assert inside_count >= 3
    assert not failures, "\n".join(failures)
