"""A refused 登记回避关系 on the 专家库 page loses nothing (core.kept): the 姓名, 证件号码 and 关系 typed come back in
that expert's form, on the tab and page it was posted from, beside the reason; once — the next visit shows it empty."""

from django.test import Client

from title_review.committees.models import DeclaredRelation


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(html: str, action: str) -> str:
    """The 登记回避关系 block (<details> and its <form>) posting to `action`."""
    at = html.index(f'action="{action}"')
    return html[html.rindex("<details", 0, at) : html.index("</form>", at)]


def test_a_refused_relation_comes_back_in_its_experts_form_on_the_same_page(pool, users):
    office = _as(users["hzadmin"])
    listing = office.get("/committees/experts/?status=active&page=2")
    on_page_two = list(listing.context["page"].object_list)
    expert, other = on_page_two[3], on_page_two[4]
    url, other_url = f"/committees/experts/{expert.pk}/relations/", f"/committees/experts/{other.pk}/relations/"
    assert 'name="page" value="2"' in _form(listing.content.decode(), url)

    typed = {"applicant_name": "朱老师", "id_number": "330108198506120027", "relation": "师生"}
    answer = office.post(url, typed | {"status": "active", "page": "2"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/committees/experts/?status=active&page=2"
    html = answer.content.decode()
    assert "未找到姓名与证件号码相符的人员，请核对后重新填写。" in html
    form = _form(html, url)
    assert form.startswith('<details class="mt-1" open>')
    assert 'value="朱老师"' in form and 'value="330108198506120027"' in form and 'value="师生"' in form
    # Another expert's form on the page is not filled with it.
    assert "朱老师" not in _form(html, other_url) and _form(html, other_url).startswith('<details class="mt-1">')
    assert not DeclaredRelation.objects.exists()

    # Kept once: the next visit shows the form empty and closed.
    again = _form(office.get("/committees/experts/?status=active&page=2").content.decode(), url)
    assert again.startswith('<details class="mt-1">')
    assert "朱老师" not in again and "330108198506120027" not in again and 'value="师生"' not in again
    assert again.count('value=""') == 3


def test_a_page_that_is_not_a_number_is_not_carried_back(pool, users):
    expert = pool["inside"][0]
    answer = _as(users["hzadmin"]).post(
        f"/committees/experts/{expert.pk}/relations/",
        {"applicant_name": "朱老师", "id_number": "330108198506120027", "relation": "师生", "page": "2x"},
    )
    assert answer["Location"] == "/committees/experts/"
