"""The committee API follows the list pattern of the pages (core.pagination): a meeting's declarations, its
results and a member's assignments come a page at a time (?page=, the pages' PER_PAGE rows) with a capped
count, nothing lost across pages, and a response runs the same number of queries with few rows as with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from title_review.committees import selectors, services
from title_review.committees.models import BallotVoter, BlindReview, BlindWork, MeetingMember
from title_review.core.pagination import COUNT_CAP, PAGE_SIZE

from .factories import accepted_many, closed_ballots, give, open_ballots, panel_of, sign_in, sitting

BASE = "/api/v1/committees"
MORE = PAGE_SIZE + 5  # rows past one page


@pytest.fixture
def world(seeded):
    return sitting()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _get(client: APIClient, url: str, **params) -> dict:
    answer = client.get(url, params)
    assert answer.status_code == 200, answer.content
    return answer.json()


def _queries(client: APIClient, url: str) -> tuple[int, dict]:
    """The response's query count and body (after a first request that does one-off work)."""
    _get(client, url)
    with CaptureQueriesContext(connection) as ran:
        body = _get(client, url)
    return len(ran.captured_queries), body


def _meta(body: dict) -> tuple:
    return body["count"], body["count_label"], body["page"], body["num_pages"]


def _blind(world, declarations) -> None:
    due = timezone.localdate()
    works = BlindWork.objects.bulk_create(
        BlindWork(meeting=world["meeting"], declaration=d, code=f"DBZ-P{d.pk:05d}", work={"title": "研究"}, due_on=due)
        for d in declarations
    )
    BlindReview.objects.bulk_create(
        BlindReview(work=w, reviewer=r, due_on=due) for w in works for r in world["experts"][20:23]
    )


# ---- 评审会议 (the secretary) ---------------------------------------------------------------------------------


def test_the_meeting_gives_its_declarations_a_page_at_a_time_with_a_capped_count(world):
    many = accepted_many(world, MORE)
    closed_ballots(world, many[-3:])
    _blind(world, [world["declaration"], *many])
    secretary, url = _client(world["secretary"]), f"{BASE}/meetings/{world['meeting'].pk}/"
    total = MORE + 1
    first = _get(secretary, url)
    assert _meta(first) == (total, str(total), 1, 2)
    assert len(first["declarations"]) == PAGE_SIZE
    second = _get(secretary, url, page=2)
    assert _meta(second) == (total, str(total), 2, 2)
    assert len(second["declarations"]) == total - PAGE_SIZE
    seen = [row["declaration"] for body in (first, second) for row in body["declarations"]]
    assert sorted(seen) == sorted(d.pk for d in [world["declaration"], *many])  # each once, none lost
    # Each page's rows keep their fields and their ballots; the 代表作 are those of the page's declarations.
    ballots = {row["declaration"]: row["ballots"] for body in (first, second) for row in body["declarations"]}
    assert all(len(ballots[d.pk]) == 1 and ballots[d.pk][0]["outcome"] == "passed" for d in many[-3:])
    for body in (first, second):
        assert {w["declaration"] for w in body["blind_works"]} == {r["declaration"] for r in body["declarations"]}
    # Out of range: the last page; not a number: the first (as the pages do).
    assert _get(secretary, url, page=99)["declarations"] == second["declarations"]
    assert _get(secretary, url, page="x")["declarations"] == first["declarations"]


def test_the_meeting_runs_the_same_queries_for_few_and_many_declarations(world):
    sign_in(world, 17)
    secretary, url = _client(world["secretary"]), f"{BASE}/meetings/{world['meeting'].pk}/"
    few = accepted_many(world, 2)
    closed_ballots(world, few[:1])
    open_ballots(world, few[1:])
    panel_of(world, few)
    _blind(world, [world["declaration"]])
    small, body = _queries(secretary, url)
    assert body["count"] == 3 and len(body["declarations"]) == 3

    more = accepted_many(world, 3 * PAGE_SIZE, start=2)
    closed_ballots(world, more[:10], passed=False)
    closed_ballots(world, more[:10], attempt=2)
    open_ballots(world, more[10:15])
    _blind(world, more)
    large, body = _queries(secretary, url)
    assert body["count"] == 3 * PAGE_SIZE + 3 and len(body["declarations"]) == PAGE_SIZE
    assert large == small


# ---- 评审结果 (the title office) -------------------------------------------------------------------------------


def _close(world) -> None:
    services.close_meeting(actor=world["secretary"], meeting_id=world["meeting"].pk)


def test_the_results_come_a_page_at_a_time_with_capped_counts(world, users):
    many = accepted_many(world, MORE)
    closed_ballots(world, many[:1], passed=False)
    closed_ballots(world, many[:1], attempt=2)  # voted again: listed once, with the second ballot
    closed_ballots(world, many[1:10])
    closed_ballots(world, many[10:], passed=False)
    _close(world)
    office, url = _client(users["hzadmin"]), f"{BASE}/results/{world['meeting'].pk}/"
    first = _get(office, url)
    assert _meta(first) == (MORE, str(MORE), 1, 2)
    assert (first["passed"], first["passed_label"]) == (10, "10")
    assert len(first["results"]) == PAGE_SIZE
    second = _get(office, url, page=2)
    assert _meta(second) == (MORE, str(MORE), 2, 2) and second["passed"] == 10
    assert len(second["results"]) == MORE - PAGE_SIZE
    rows = [row for body in (first, second) for row in body["results"]]
    assert sorted(r["declaration"] for r in rows) == sorted(d.pk for d in many)  # each once, none lost
    revoted = next(r for r in rows if r["declaration"] == many[0].pk)
    assert (revoted["attempt"], revoted["passed"], revoted["members_count"], revoted["approve"]) == (2, True, 25, 12)
    assert _get(office, url, page=99)["results"] == second["results"]
    assert _get(office, url, page="x")["results"] == first["results"]


def test_the_results_counts_stop_at_the_cap(world, users):
    closed_ballots(world, accepted_many(world, COUNT_CAP + 5))
    _close(world)
    office, url = _client(users["hzadmin"]), f"{BASE}/results/{world['meeting'].pk}/"
    body = _get(office, url)
    label = f"{COUNT_CAP:,}+"
    assert (body["count"], body["count_label"], body["passed"], body["passed_label"]) == (
        COUNT_CAP + 1,
        label,
        COUNT_CAP + 1,
        label,
    )
    # The pages past the cap are not offered: the last one holds the 1,000th row.
    last = COUNT_CAP // PAGE_SIZE
    assert body["num_pages"] == last and len(body["results"]) == PAGE_SIZE
    assert _get(office, url, page=last + 1)["page"] == last


def test_the_results_run_the_same_queries_for_few_and_many(world, users):
    office, url = _client(users["hzadmin"]), f"{BASE}/results/{world['meeting'].pk}/"
    few = accepted_many(world, 3)
    closed_ballots(world, few)
    _close(world)
    small, body = _queries(office, url)
    assert body["count"] == 3 and len(body["results"]) == 3
    more = accepted_many(world, 2 * PAGE_SIZE, start=3)
    closed_ballots(world, more[:10], passed=False)
    closed_ballots(world, more[:10], attempt=2, passed=False)
    closed_ballots(world, more[10:])
    large, body = _queries(office, url)
    assert body["count"] == 2 * PAGE_SIZE + 3 and len(body["results"]) == PAGE_SIZE
    assert large == small


# ---- 我的评审会议 (a member) -----------------------------------------------------------------------------------


def test_a_members_assignments_come_a_page_at_a_time(world):
    many = accepted_many(world, MORE)
    panel_of(world, [world["declaration"], *many])
    expert, url = _client(world["experts"][0]), f"{BASE}/my-meetings/{world['meeting'].pk}/"
    total = MORE + 1
    first = _get(expert, url)
    assert _meta(first) == (total, str(total), 1, 2) and len(first["assignments"]) == PAGE_SIZE
    second = _get(expert, url, page=2)
    assert _meta(second) == (total, str(total), 2, 2) and len(second["assignments"]) == total - PAGE_SIZE
    seen = [a["declaration"] for body in (first, second) for a in body["assignments"]]
    assert sorted(seen) == sorted(d.pk for d in [world["declaration"], *many])
    assert all(a["panel_name"] == "中学组" and a["written"] is False for a in first["assignments"])
    assert _get(expert, url, page=99)["assignments"] == second["assignments"]
    assert _get(expert, url, page="x")["assignments"] == first["assignments"]


def test_a_member_gets_the_open_ballots_waiting_for_their_vote_first_with_their_count(world, monkeypatch):
    monkeypatch.setattr(selectors, "OPEN_BALLOTS_SHOWN", 2)
    sign_in(world, 17)
    ballots = open_ballots(world, accepted_many(world, 4))
    seat = MeetingMember.objects.get(meeting=world["meeting"], user=world["experts"][0])
    BallotVoter.objects.filter(ballot__in=ballots[:2], member=seat).update(has_voted=True)
    body = _get(_client(world["experts"][0]), f"{BASE}/my-meetings/{world['meeting'].pk}/")
    assert [(b["id"], b["has_voted"]) for b in body["open_ballots"]] == [(ballots[2].pk, False), (ballots[3].pk, False)]
    assert (body["open_count"], body["open_count_label"]) == (4, "4")


def test_a_members_meeting_runs_the_same_queries_for_few_and_many(world):
    sign_in(world, 17)
    few = accepted_many(world, 3)
    panel = panel_of(world, few)
    open_ballots(world, few)
    expert, url = _client(world["experts"][0]), f"{BASE}/my-meetings/{world['meeting'].pk}/"
    small, body = _queries(expert, url)
    assert body["count"] == 3 and len(body["assignments"]) == 3 and len(body["open_ballots"]) == 3
    more = accepted_many(world, 37, start=3)
    give(world, panel, more)
    open_ballots(world, more)
    large, body = _queries(expert, url)
    assert body["count"] == 40 and len(body["assignments"]) == PAGE_SIZE
    assert len(body["open_ballots"]) == body["open_count"] == 40  # within OPEN_BALLOTS_SHOWN
    assert large == small


# ---- the schema --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "listed"),
    [
        ("/api/v1/committees/meetings/{id}/", "declarations"),
        ("/api/v1/committees/results/{id}/", "results"),
        ("/api/v1/committees/my-meetings/{id}/", "assignments"),
    ],
)
def test_the_schema_documents_the_page_and_its_count(seeded, client, path, listed):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][path]["get"]
    assert "page" in [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert {listed, "count", "count_label", "page", "num_pages"} <= set(fields)
    assert fields["count"]["type"] == "integer" and fields["count_label"]["type"] == "string"
