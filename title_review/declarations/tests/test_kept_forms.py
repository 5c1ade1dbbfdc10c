"""A refused 填写材料 on 管理材料 loses nothing (core.kept): the colleague chosen (or the 证件号码 typed at a big unit),
the 评审活动 and the 真实性承诺 tick come back in the form beside the reason, on the list as it was filtered; once —
the next visit shows the form as new."""

import re

from title_review.declarations.models import Declaration
from title_review.reviews import views


def _fill_form(html: str) -> str:
    at = html.index('action="/declarations/employer/fill/"')
    return html[html.rindex("<details", 0, at) : html.index("</form>", at)]


def _selected(form: str, select_id: str) -> list[str]:
    block = form.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', block)


def test_a_refused_fill_keeps_the_colleague_and_the_round_on_the_filtered_list(login, users, open_round):
    client = login("hospitaladmin")
    listing = client.get("/reviews/manage/?status=draft&q=韩&page=1").content.decode()
    assert 'name="query" value="status=draft&amp;q=%E9%9F%A9"' in _fill_form(listing)
    answer = client.post(
        "/declarations/employer/fill/",
        {"person": users["applicant"].pk, "round": open_round.pk, "query": "status=draft&q=韩&page=3&next=//evil"},
        follow=True,
    )
    # Through declarations:manage to the list as it was (its page too), the query encoded again; a parameter the
    # list does not know goes along and is ignored there (the address stays the list's own).
    query = "status=draft&q=%E9%9F%A9&page=3&next=%2F%2Fevil"
    assert [url for url, _status in answer.redirect_chain] == [
        f"/declarations/employer/?{query}",
        f"/reviews/manage/?{query}",
    ]
    html = answer.content.decode()
    assert "请阅读并勾选《真实性承诺》后再开始申报。" in html
    form = _fill_form(html)
    assert form.startswith('<details class="card mb-3" open>')
    assert _selected(form, "fill-person") == [str(users["applicant"].pk)]
    assert _selected(form, "fill-round") == [str(open_round.pk)]
    assert 'id="fill-pledge">' in form  # not ticked: it was not
    assert not Declaration.objects.exists()

    # Kept once: the next visit shows the form as it always is.
    again = _fill_form(client.get("/reviews/manage/?status=draft&q=韩").content.decode())
    assert again.startswith('<details class="card mb-3">')
    assert _selected(again, "fill-person") == [] and _selected(again, "fill-round") == []


def test_a_big_units_refused_fill_keeps_the_identity_number_and_the_pledge(login, users, open_round, monkeypatch):
    monkeypatch.setattr(views, "COLLEAGUE_CHOICES", 0)
    client = login("hospitaladmin")
    number = "330106199001011234"
    answer = client.post(
        "/declarations/employer/fill/", {"id_number": number, "round": open_round.pk, "pledge": "on"}, follow=True
    )
    assert answer.redirect_chain[-1][0] == "/reviews/manage/"
    html = answer.content.decode()
    assert "本单位工作人员中没有这个证件号码，请先在“单位工作人员”中登记。" in html
    form = _fill_form(html)
    assert f'value="{number}"' in form
    assert _selected(form, "fill-round") == [str(open_round.pk)]
    assert 'id="fill-pledge" checked>' in form
    assert not Declaration.objects.exists()

    again = _fill_form(client.get("/reviews/manage/").content.decode())
    assert number not in again and 'id="fill-pledge">' in again
    assert 'aria-describedby="fill-id-number-help" value="">' in again and _selected(again, "fill-round") == []
