"""思政 opinion slot only for applicants under 40 on the round's 申报截止 day (职称申报系统客户端: 学工部审核40岁以下
青年教师的学生思想政治工作考核)."""

import datetime as dt

import pytest
from django.utils import timezone

from title_review.core.errors import DomainError
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews import services
from title_review.reviews.services.employer import under_age_at

OPINION = "经审核，材料真实，同意推荐。"


@pytest.mark.parametrize(
    ("birth", "on", "under"),
    [
        (dt.date(1986, 10, 31), dt.date(2026, 10, 30), True),  # 40 tomorrow
        (dt.date(1986, 10, 31), dt.date(2026, 10, 31), False),  # 40 today
        (dt.date(1987, 1, 1), dt.date(2026, 10, 31), True),  # 39
        (dt.date(1985, 1, 1), dt.date(2026, 10, 31), False),  # 41
        (dt.date(1988, 2, 29), dt.date(2028, 2, 28), True),  # a 29 February birthday: 40 on 1 March
        (dt.date(1988, 2, 29), dt.date(2028, 2, 29), False),  # 2028 has a 29 February
        (dt.date(1984, 2, 29), dt.date(2025, 2, 28), False),  # 41
        (None, dt.date(2026, 10, 31), True),  # unknown: the slot stays
    ],
)
def test_under_forty_at_the_deadline(birth, on, under):
    assert under_age_at(birth, on) is under


def _aged(declaration, years: int, days: int = 10) -> Declaration:
    """The applicant `years` old (and `days`) on the round's 申报截止 day."""
    deadline = timezone.localdate(declaration.round.closes_at)
    applicant = declaration.applicant
    applicant.birth_date = deadline.replace(year=deadline.year - years) - dt.timedelta(days=days)
    applicant.save(update_fields=["birth_date"])
    return Declaration.objects.select_related("applicant", "round", "employer").get(pk=declaration.pk)


@pytest.fixture
def ideology_required(users, orgs):
    school = orgs["杭州第二中学"]
    services.set_required_slots(
        actor=users["schooladmin"], employer_id=school.pk, slots=["opinion_ethics", "opinion_ideology"]
    )
    return school


def test_a_39_year_old_needs_the_ideology_opinion(users, submitted, ideology_required, login):
    declaration = _aged(submitted, 39)
    assert services.slots_for(declaration) == ["opinion_ethics", "opinion_ideology"]
    with pytest.raises(DomainError, match="思政"):
        services.employer_pass(
            actor=users["schooladmin"], declaration_id=declaration.pk, version=declaration.version, opinion=OPINION
        )
    page = login("schooladmin").get(f"/reviews/track/{declaration.pk}/").content.decode()
    assert "思政：" in page and "师德：" in page
    services.give_internal_opinion(
        actor=users["schooladmin"], declaration_id=declaration.pk, slot="opinion_ideology", agrees=True, opinion="好"
    )
    services.give_internal_opinion(
        actor=users["schooladmin"], declaration_id=declaration.pk, slot="opinion_ethics", agrees=True, opinion="好"
    )
    passed = services.employer_pass(
        actor=users["schooladmin"],
        declaration_id=declaration.pk,
        version=Declaration.objects.get(pk=declaration.pk).version,
        opinion=OPINION,
    )
    assert passed.status == Status.EMPLOYER_PASSED


def test_a_41_year_old_has_no_ideology_slot(users, submitted, ideology_required, login, django_assert_max_num_queries):
    declaration = _aged(submitted, 41)
    assert services.slots_for(declaration) == ["opinion_ethics"]
    client = login("schooladmin")
    with django_assert_max_num_queries(40):
        page = client.get(f"/reviews/track/{declaration.pk}/").content.decode()
    assert "师德：" in page and "思政：" not in page
    with pytest.raises(DomainError, match="已满 40 周岁，无需填写思政意见"):
        services.give_internal_opinion(
            actor=users["schooladmin"],
            declaration_id=declaration.pk,
            slot="opinion_ideology",
            agrees=True,
            opinion="好",
        )
    services.give_internal_opinion(
        actor=users["schooladmin"], declaration_id=declaration.pk, slot="opinion_ethics", agrees=True, opinion="好"
    )
    passed = services.employer_pass(
        actor=users["schooladmin"],
        declaration_id=declaration.pk,
        version=Declaration.objects.get(pk=declaration.pk).version,
        opinion=OPINION,
    )
    assert passed.status == Status.EMPLOYER_PASSED
