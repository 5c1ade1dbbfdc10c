"""The employer's summary per round and stage (管理材料, 工作台; issue 12): the rounds are found by a loose index
scan (declarations.selectors.rounds_of_employer) instead of an EXISTS per round that PostgreSQL ran over every
index entry of the employer. The summary is the one the EXISTS gave, in the same queries, however many
rounds and declarations there are."""

import datetime as dt

from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.selectors import SUMMARY_ROUNDS, SUMMARY_STATUSES, employer_counts
from title_review.declarations.workflow import Status
from title_review.exports.tests.conftest import flood
from title_review.reviews.tests.conftest import publish_review_round
from title_review.rounds.models import Round, RoundStatus


def _expected(employer) -> dict[str, dict[str, int]]:
    """The summary as it was computed before: the employer's rounds by EXISTS, exact counts by GROUP BY (every
    count here is far below the cap)."""
    rounds = list(
        Round.objects.filter(Exists(Declaration.objects.filter(round=OuterRef("pk"), employer=employer))).order_by(
            "-created_at", "-pk"
        )[:SUMMARY_ROUNDS]
    )
    summary: dict[str, dict[str, int]] = {}
    for r in sorted(rounds, key=lambda r: r.title):
        rows = Declaration.objects.filter(round=r, employer=employer, status__in=SUMMARY_STATUSES)
        per_status = {s: rows.filter(status=s).count() for s in SUMMARY_STATUSES}
        per_status = {s: n for s, n in per_status.items() if n}
        if per_status:
            summary[r.title] = per_status
    return summary


def _more_rounds(first: Round, count: int) -> list[Round]:
    """Copies of `first` under other titles, each created a day after the one before (the summary keeps the
    most recent)."""
    made = []
    for i in range(count):
        copy = Round.objects.get(pk=first.pk)
        copy.pk = None
        copy.title = f"第{i + 2:02d}轮评审（计数）"
        copy.save()
        Round.objects.filter(pk=copy.pk).update(created_at=first.created_at + dt.timedelta(days=i + 1))
        made.append(copy)
    return made


def test_the_summary_is_the_one_the_exists_gave_over_many_rounds(users, orgs, login):
    first = publish_review_round(users, orgs)
    rounds = [first, *_more_rounds(first, SUMMARY_ROUNDS + 3)]
    hospital, school = orgs["杭州市第一人民医院"], orgs["杭州第二中学"]
    office = orgs["杭州市职称工作领导小组办公室"]
    stages = [Status.DRAFT, Status.WITH_EMPLOYER, Status.READY_TO_FORWARD, Status.RETURNED, Status.ACCEPTED]
    serial = 50_000
    for i, round_ in enumerate(rounds):
        if i == 3:
            continue  # a round without the hospital: only the school declared in it
        # The most recent round holds only 受理 declarations: one of the hospital's rounds, nothing to summarise.
        statuses = [Status.ACCEPTED] if i == len(rounds) - 1 else stages[: 1 + i % len(stages)]
        for j, status in enumerate(statuses):
            flood(round_, hospital, office, 1 + (i + j) % 3, start=serial, status=status)
            serial += 10
    flood(rounds[3], school, office, 2, start=serial, status=Status.WITH_EMPLOYER)
    Round.objects.filter(pk=rounds[5].pk).update(status=RoundStatus.WITHDRAWN)  # still the hospital's round
    expected = _expected(hospital)
    # More rounds exist than are summarised, the oldest ones are left out, the 受理-only round counts as one of
    # the hospital's rounds but shows nothing, the round without the hospital is not among them.
    assert len(expected) == SUMMARY_ROUNDS - 1
    assert rounds[0].title not in expected and rounds[-1].title not in expected
    assert rounds[3].title not in expected and rounds[5].title in expected

    admin = users["hospitaladmin"]
    with CaptureQueriesContext(connection) as captured:
        got = employer_counts(admin, hospital)
    assert got == expected
    # The rounds, the user's grants (may they 填写材料 here), the counts: as many as for one round (below).
    assert len(captured.captured_queries) == 3

    # 管理材料 shows that summary: each round's title with its stages.
    page = login("hospitaladmin").get("/reviews/manage/")
    assert page.context["summary"] == expected
    assert rounds[6].title in page.content.decode()


def test_no_declaration_no_round_and_the_same_queries(users, orgs):
    first = publish_review_round(users, orgs)
    hospital = orgs["杭州市第一人民医院"]
    admin = users["hospitaladmin"]
    with CaptureQueriesContext(connection) as captured:
        assert employer_counts(admin, hospital) == {}
    # An empty summary reads the rounds and the user's grants, and has no counts to make.
    assert len(captured.captured_queries) == 2
    flood(first, hospital, orgs["杭州市职称工作领导小组办公室"], 3, start=60_000, status=Status.WITH_EMPLOYER)
    admin = User.objects.get(pk=admin.pk)  # its grants read again, as in a new request
    with CaptureQueriesContext(connection) as captured:
        assert employer_counts(admin, hospital) == {first.title: {Status.WITH_EMPLOYER: 3}}
    assert len(captured.captured_queries) == 3
