"""A refused form of the employer desk, the 公示表 and the inbox loses nothing (core.kept): the rows ticked, the
经办人, the 公示 dates and place, the 异议 written and the person chosen, the 处理情况, the 审核意见 come back in
their form with the reason, on the page (and tab, and filters) they were posted from; once — the next visit shows
the form as new."""

import re

from django.utils import timezone

from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews import services

from .test_chain import OPINION, _refresh, forward, to_ready
from .test_views import _flood


def _form(html: str, field_id: str) -> str:
    """The <form> holding the element with id `field_id`."""
    at = html.index(f'id="{field_id}"')
    return html[html.rindex("<form", 0, at) : html.index("</form>", at)]


def _ticked(form: str) -> set[str]:
    return set(re.findall(r'name="pick" value="([^"]+)"[^>]* checked>', form))


def _boxes(form: str) -> set[str]:
    return set(re.findall(r'name="pick" value="([^"]+)"', form))


def _other(round_, employer, desk, status, name="王老师") -> Declaration:
    """A second declaration of `employer` at `desk` (a bulk row, no dossier) in `status`."""
    _flood(round_, employer, desk, 1, start=70_000, status=status)
    other = Declaration.objects.get(applicant__username="bulk70000")
    Declaration.objects.filter(pk=other.pk).update(applicant_name=name)
    return _refresh(other)


def test_a_refused_forward_keeps_the_ticks_and_the_operator_on_its_tab_and_page(users, orgs, login, submitted):
    # The publicity started today: still running, so the school cannot forward 朱老师 yet.
    d = to_ready(users, submitted, starts_on=timezone.localdate())
    school = orgs["杭州第二中学"]
    other = _other(d.round, school, school, Status.READY_TO_FORWARD)
    client = login("schooladmin")
    answer = client.post(
        "/reviews/employer/forward/",
        {"pick": [f"{d.pk}:{d.version}"], "operator_name": "卫学校", "operator_phone": "0571-88888888", "page": "1"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/reviews/employer/?tab=forward&page=1"
    html = answer.content.decode()
    assert "朱老师的单位内部公示尚未结束" in html
    form = _form(html, "operator_name")
    assert _boxes(form) == {f"{d.pk}:{d.version}", f"{other.pk}:{other.version}"}
    assert _ticked(form) == {f"{d.pk}:{d.version}"}
    assert 'value="卫学校"' in form and 'value="0571-88888888"' in form
    assert _refresh(d).status == Status.IN_PUBLICITY  # nothing happened
    # Kept once: the next visit shows the form as it always is.
    again = _form(client.get("/reviews/employer/?tab=forward").content.decode(), "operator_name")
    assert not _ticked(again) and "卫学校" not in again and "0571-88888888" not in again


def test_a_refused_publicity_keeps_the_ticks_the_date_the_place_and_the_contact(users, orgs, login, submitted):
    client = login("schooladmin")
    client.post(
        f"/reviews/track/{submitted.pk}/decide/",
        {"decision": "employer_pass", "version": submitted.version, "opinion": OPINION},
    )
    d = _refresh(submitted)
    school = orgs["杭州第二中学"]
    other = _other(d.round, school, school, Status.EMPLOYER_PASSED)
    answer = client.post(
        "/reviews/employer/publicity/",
        {
            "pick": [f"{d.pk}:{d.version}"],
            "starts_on": "2026-08-20",
            "place": "校园网公示栏",
            "contact": "0571-86000000",
        },
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/reviews/employer/?tab=publicity"
    html = answer.content.decode()
    assert "公示开始日期不能早于该评审活动开始申报的日期。" in html
    form = _form(html, "starts_on")
    assert _boxes(form) == {f"{d.pk}:{d.version}", f"{other.pk}:{other.version}"}
    assert _ticked(form) == {f"{d.pk}:{d.version}"}
    assert 'value="2026-08-20"' in form and 'value="校园网公示栏"' in form and 'value="0571-86000000"' in form
    assert _refresh(d).status == Status.EMPLOYER_PASSED
    again = _form(client.get("/reviews/employer/?tab=publicity").content.decode(), "starts_on")
    assert not _ticked(again) and "校园网公示栏" not in again and "0571-86000000" not in again
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in again  # today, as always


def test_a_refused_objection_keeps_the_person_chosen_and_what_was_written(users, orgs, login, submitted):
    d = to_ready(users, submitted)
    school = orgs["杭州第二中学"]
    other = _other(d.round, school, school, Status.IN_PUBLICITY)
    Declaration.objects.filter(pk=other.pk).update(publicity=d.publicity)
    client, url = login("schooladmin"), f"/reviews/employer/publicity/{d.publicity.pk}/"
    written = "反映王老师的论文与他人雷同，请核实。"
    # A browser without a date picker: the date typed as people write it.
    answer = client.post(
        f"{url}objection/",
        {"declaration": other.pk, "received_on": "2026.10.9", "raised_by": "匿名群众", "content": written, "page": "1"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == f"{url}?page=1"
    html = answer.content.decode()
    assert "收到日期：日期格式错误。" in html
    assert '<details class="card" open>' in html  # the 登记异议 form is open, as it was
    form = _form(html, "content")
    assert f">{written}</textarea>" in form and 'value="匿名群众"' in form and 'value="2026.10.9"' in form
    assert f'<option value="{other.pk}" selected>王老师</option>' in form
    assert f'<option value="{d.pk}">朱老师</option>' in form
    assert not d.publicity.objections.exists()
    again = client.get(url).content.decode()
    form = _form(again, "content")
    assert written not in form and "匿名群众" not in form and " selected" not in form
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form and '<details class="card">' in again


def test_a_refused_handling_keeps_what_was_written_in_its_own_objection(users, orgs, login, submitted):
    d = to_ready(users, submitted)
    school = orgs["杭州第二中学"]
    other = _other(d.round, school, school, Status.IN_PUBLICITY)
    Declaration.objects.filter(pk=other.pk).update(publicity=d.publicity)
    admin = users["schooladmin"]
    first, second = (
        services.record_objection(actor=admin, declaration_id=d.pk, received_on=None, content=content)
        for content in ("业绩造假", "论文存疑")
    )
    third = services.record_objection(actor=admin, declaration_id=other.pk, received_on=None, content="学历存疑")
    # A colleague upholds the first objection: 朱老师 is not recommended; the second can no longer be handled.
    services.handle_objection(actor=admin, objection_id=first.pk, upheld=True, handling="查实")
    client, url = login("schooladmin"), f"/reviews/employer/publicity/{d.publicity.pk}/"
    written = "经核实，论文为本人独立完成，异议不成立。"
    answer = client.post(f"{url}objection/{second.pk}/", {"handling": written, "upheld": "0", "page": "1"}, follow=True)
    html = answer.content.decode()
    assert "该申报材料不在您的审核环节（当前：已撤回），不能办理。" in html
    assert f">{written}</textarea>" in _form(html, f"handling-{second.pk}")
    assert written not in _form(html, f"handling-{third.pk}")  # the other objection's form is not filled
    again = client.get(url).content.decode()
    assert written not in _form(again, f"handling-{second.pk}")


def test_a_refused_batch_pass_keeps_the_ticks_and_the_opinion_on_the_filtered_list(users, orgs, login, submitted):
    d = forward(users, to_ready(users, submitted))
    other = _other(d.round, orgs["杭州第二中学"], d.current_org, Status.IN_REVIEW)
    client = login("zsadmin")
    # 朱老师's row was changed by someone else after the page was shown: the batch is refused as a whole.
    answer = client.post(
        "/reviews/inbox/batch-pass/",
        {
            "pick": [f"{d.pk}:{d.version - 1}", f"{other.pk}:{other.version}"],
            "opinion": "材料齐全，同意报送市教育局。",
            "query": "employer=第二中学&unknown=1",
            "page": "1",
        },
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/reviews/inbox/?employer=%E7%AC%AC%E4%BA%8C%E4%B8%AD%E5%AD%A6&page=1"
    html = answer.content.decode()
    assert "已被他人处理" in html
    form = _form(html, "batch-opinion")
    # The row that did not change is ticked again; the one that changed is for the reviewer to look at anew.
    assert _boxes(form) == {f"{d.pk}:{d.version}", f"{other.pk}:{other.version}"}
    assert _ticked(form) == {f"{other.pk}:{other.version}"}
    assert 'value="材料齐全，同意报送市教育局。"' in form
    assert _refresh(other).status == Status.IN_REVIEW
    again = _form(client.get("/reviews/inbox/").content.decode(), "batch-opinion")
    assert not _ticked(again) and 'value="同意上报"' in again
