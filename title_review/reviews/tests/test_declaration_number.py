"""申报编号 (issue 15 point 4): unique per round, readable (年度-活动-序号), given when a declaration is opened,
and quoted on the tracking page, the 评审表 PDF, the 汇总表 export and the API."""

import re

import pytest

from title_review.core.errors import DomainError
from title_review.declarations import services as declarations
from title_review.declarations.models import PLEDGE_VERSION, Declaration
from title_review.printing.tests.pdf import compact, text
from title_review.rounds.models import Round


def test_numbers_run_per_round_without_gaps_and_read_as_year_round_sequence(users, review_round, submitted):
    assert re.fullmatch(rf"2026-{review_round.pk:04d}-00001", submitted.number)
    second = declarations.start_declaration(
        actor=users["applicant"], round_id=review_round.pk, pledge_version=PLEDGE_VERSION
    )
    assert second.number == f"2026-{review_round.pk:04d}-00002"
    assert Round.objects.get(pk=review_round.pk).declaration_seq == 2
    # A second click on 我要申报 fails and gives its number back: the next one is still 00003.
    with pytest.raises(DomainError, match="已在该评审活动中申报"):
        declarations.start_declaration(
            actor=users["applicant"], round_id=review_round.pk, pledge_version=PLEDGE_VERSION
        )
    assert Round.objects.get(pk=review_round.pk).declaration_seq == 2
    numbers = list(Declaration.objects.filter(round=review_round).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 2


def test_the_number_is_on_the_tracking_page_the_review_form_and_the_api(users, login, submitted):
    client = login("teacher")
    assert submitted.number in client.get("/reviews/track/").content.decode()
    assert submitted.number in client.get("/declarations/").content.decode()
    assert submitted.number in client.get(f"/declarations/{submitted.pk}/").content.decode()
    school = login("schooladmin")
    assert submitted.number in school.get("/reviews/track/").content.decode()
    pdf = school.get(f"/printing/declarations/{submitted.pk}/review.pdf").content
    assert f"申报编号：{submitted.number}" in compact(text(pdf, page=1))
    api = login("teacher").get(f"/api/v1/declarations/{submitted.pk}/")
    assert api.json()["number"] == submitted.number
