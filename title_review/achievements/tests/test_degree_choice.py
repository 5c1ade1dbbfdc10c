"""The 学位 list offers 无 once (issue 10, finding 13c): the code table has its own 无, so no blank 无 beside it."""

import datetime as dt
import re

from title_review.achievements import services
from title_review.achievements.models import Education


def _degree_options(html: str, name: str) -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        (value, label.strip(), " selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    ]


def test_the_degree_list_has_one_none_and_a_new_row_starts_on_it(login, seeded):
    html = login("applicant").get("/achievements/").content.decode()
    options = _degree_options(html, "add-degree")
    assert [label for _v, label, _s in options] == ["博士", "硕士", "学士", "无"]
    assert [label for _v, label, selected in options if selected] == ["无"]


def test_an_old_row_without_a_degree_shows_none_and_keeps_it_when_saved(login, users):
    row = services.save_record(
        actor=users["applicant"],
        section="education",
        values={
            "school": "浙江大学",
            "major": "临床医学",
            "education": "21",
            "degree": "",
            "enrolled_on": dt.date(2004, 9, 1),
            "graduated_on": dt.date(2009, 7, 1),
        },
    )
    client = login("applicant")
    html = client.get(f"/achievements/education/{row.pk}/edit/").content.decode()
    assert [label for _v, label, selected in _degree_options(html, "degree") if selected] == ["无"]
    response = client.post(
        f"/achievements/education/{row.pk}/edit/",
        {
            "school": "浙江大学",
            "major": "临床医学",
            "education": "21",
            "degree": "0",
            "enrolled_on": "2004-09-01",
            "graduated_on": "2009-07-01",
        },
    )
    assert response.status_code == 302
    assert Education.objects.get(pk=row.pk).degree == "0"
