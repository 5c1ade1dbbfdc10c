"""`fill_at_employer` is FILL at one employer written so an index can count it (issue 12): for every demo account
and every employer it gives exactly the rows of `policy.visible(user, FILL).filter(employer=…)`."""

import datetime as dt

from django.utils import timezone

from title_review.access.declarations import Purpose, fill_at_employer
from title_review.access.declarations import policy as declaration_policy
from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.exports.tests.conftest import flood
from title_review.organisations.models import Organisation
from title_review.reviews.tests.conftest import publish_review_round


def test_it_is_fill_at_the_employer_for_every_account_and_employer(users, orgs):
    round_ = publish_review_round(users, orgs)
    office = orgs["杭州市职称工作领导小组办公室"]
    statuses = [Status.DRAFT, Status.WITH_EMPLOYER, Status.IN_REVIEW, Status.RETURNED, Status.ACCEPTED]
    for i, status in enumerate(statuses):
        for j, name in enumerate(("杭州市第一人民医院", "杭州第二中学")):
            flood(round_, orgs[name], office, 2, start=90_000 + 10 * i + 2 * j, status=status)
    # The demo applicants' own declarations, one a draft and one submitted, at their employers.
    now = timezone.now()
    for username, status in (("applicant", Status.DRAFT), ("teacher", Status.WITH_EMPLOYER)):
        person = users[username]
        Declaration.objects.create(
            applicant=person, round=round_, employer=person.organisation, filled_by=person, status=status,
            current_org=person.organisation, stage_since=now - dt.timedelta(days=1), pledge_version="2026-11",
            pledge_accepted_at=now, snapshot={},
        )  # fmt: skip
    employers = list(Organisation.objects.filter(kind="employer"))
    assert len(employers) >= 3
    checked = 0
    for user in User.objects.all():
        for employer in employers:
            expected = set(
                declaration_policy.visible(user, Purpose.FILL).filter(employer=employer).values_list("pk", flat=True)
            )
            condition = fill_at_employer(user, employer)
            got = set(Declaration.objects.filter(condition).values_list("pk", flat=True)) if condition else set()
            assert got == expected, (user.username, employer.name)
            checked += bool(expected)
    assert checked >= 4  # the hospital's and the school's administrators, and the two applicants
