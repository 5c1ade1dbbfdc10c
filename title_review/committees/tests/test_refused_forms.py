"""A refused form of the meeting pages loses nothing: 组建评议组, 分配评议, 送审代表作 and 回避 on the secretary's 评审会议,
书面评议意见 on the expert's 我的评审会议 come back (400) with the reason at the form and everything typed, ticked and
chosen still there, on the page of declarations they were posted from; nothing is written."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from title_review.committees import views
from title_review.committees.models import BlindWork, MeetingPanel, PanelOpinion
from title_review.declarations.models import Declaration
from title_review.dictionaries.models import Entry

from .conftest import _expert
from .factories import accepted_many, give, panel_of, sign_in, sitting

WORK = {"id": 9001, "category": "paper", "title": "高中物理实验教学研究", "is_representative": True}


@pytest.fixture
def world(seeded):
    return sitting(members=11)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(html: str, action: str) -> str:
    """The HTML of the form posting to `action`."""
    start = html.index(f'action="{action}"')
    return html[start : html.index("</form>", start)]


def _selected(form: str, select_id: str) -> set[str]:
    block = form.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return set(re.findall(r'<option value="([^"]*)" selected>', block))


def _alert(form: str) -> str:
    return form.split('role="alert">', 1)[1].split("</div>", 1)[0]


def test_a_refused_panel_comes_back_with_its_name_members_scores_and_date(world):
    url = f"/committees/meetings/{world['meeting'].pk}/"
    two = [str(e.pk) for e in world["experts"][:2]]
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    answer = _as(world["secretary"]).post(
        f"{url}panels/", {"name": "中学物理组", "members": two, "asks_scores": "1", "due_on": due}
    )
    assert answer.status_code == 400
    form = _form(answer.content.decode(), f"{url}panels/")
    assert _alert(form) == "评议组至少由 3 名评委组成，现为 2 人。"
    assert 'value="中学物理组"' in form and f'value="{due}"' in form
    assert 'name="asks_scores" value="1" checked' in form
    assert _selected(form, "panel-members") == set(two)
    assert '<details class="mb-3" open><summary>组建评议组' in answer.content.decode()
    assert not MeetingPanel.objects.exists()
    # A date the browser did not check (typed by hand, an old browser) is refused the same way.
    answer = _as(world["secretary"]).post(
        f"{url}panels/", {"name": "中学物理组", "members": two, "due_on": "2026-13-40"}
    )
    assert answer.status_code == 400
    form = _form(answer.content.decode(), f"{url}panels/")
    assert _alert(form) == "评议截止日期格式不正确。" and _selected(form, "panel-members") == set(two)
    # The other forms of the page are as they were: no alert, nothing chosen.
    html = answer.content.decode()
    assert html.count('role="alert"') == 1 and "送审代表作" in html


def test_a_refused_assignment_keeps_the_panel_and_the_declarations_ticked(world):
    url = f"/committees/meetings/{world['meeting'].pk}/"
    panel = panel_of(world, [world["declaration"]])  # already given to this panel
    answer = _as(world["secretary"]).post(
        f"{url}assign/", {"panel": panel.pk, "declarations": [world["declaration"].pk]}
    )
    assert answer.status_code == 400
    form = _form(answer.content.decode(), f"{url}assign/")
    assert "不能重复分配" in _alert(form)
    assert _selected(form, "assign-panel") == {str(panel.pk)}
    assert _selected(form, "assign-declarations") == {str(world["declaration"].pk)}


def test_a_refused_blind_review_keeps_the_work_the_reviewers_and_the_date(world):
    declaration = world["declaration"]
    Declaration.objects.filter(pk=declaration.pk).update(snapshot={"records": {"achievement": [WORK]}})
    series = Entry.objects.get(type__code="series", name="中小学教师")
    reviewers = [_expert(f"zj_rev{i:03d}", world["experts"][0].organisation, series) for i in range(2)]
    url = f"/committees/meetings/{world['meeting'].pk}/"
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    answer = _as(world["secretary"]).post(
        f"{url}blind/",
        {"work": f"{declaration.pk}:9001", "reviewers": [r.user_id for r in reviewers], "due_on": due},
    )
    assert answer.status_code == 400
    form = _form(answer.content.decode(), f"{url}blind/")
    assert _alert(form) == "每件代表作至少送 3 名专家评审，现为 2 名。"
    assert _selected(form, "blind-work") == {f"{declaration.pk}:9001"}
    assert _selected(form, "blind-reviewers") == {str(r.user_id) for r in reviewers}
    assert f'value="{due}"' in form
    assert not BlindWork.objects.exists()


def test_a_refusal_on_a_later_page_stays_on_it_and_its_links_lead_to_the_meeting(world, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    many = accepted_many(world, 12)
    panel = panel_of(world, [])
    url = f"/committees/meetings/{world['meeting'].pk}/"
    on_page_3 = _as(world["secretary"]).get(f"{url}?page=3").content.decode()
    offered = _form(on_page_3, f"{url}assign/").split('id="assign-declarations"', 1)[1].split("</select>", 1)[0]
    ticked = [d.pk for d in many if f'value="{d.pk}"' in offered][:2]
    assert len(ticked) == 2
    give(world, panel, [d for d in many if d.pk == ticked[0]])  # one of them is the panel's already
    answer = _as(world["secretary"]).post(f"{url}assign/", {"panel": panel.pk, "declarations": ticked, "page": "3"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "第 3/3 页" in html
    assert f'href="{url}?page=2"' in html  # 上一页 to the meeting page, not to the form's address
    assert _selected(_form(html, f"{url}assign/"), "assign-declarations") == {str(pk) for pk in ticked}


def test_a_refused_recusal_keeps_the_reason_typed_at_its_expert(pool):
    from title_review.committees import draws
    from title_review.committees.models import DrawnExpert, SeatRole

    meeting = draws.draw_committee(actor=pool["secretary"], round_id=pool["round"].pk, title="评审会议", size=25)
    seat = DrawnExpert.objects.filter(draw__meeting=meeting, role=SeatRole.MEMBER).order_by("position").first()
    # Every 候补 used up: a recusal cannot be filled and is refused.
    DrawnExpert.objects.filter(draw__meeting=meeting, role=SeatRole.ALTERNATE).delete()
    url = f"/committees/meetings/{meeting.pk}/"
    answer = _as(pool["secretary"]).post(
        f"{url}recuse/", {"expert": seat.expert_id, "reason": "与申报人为同一课题组成员"}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "候补专家已用完，不能再回避；请重新抽取。" in html.split('role="alert">', 1)[1].split("</div>", 1)[0]
    assert html.count('value="与申报人为同一课题组成员" aria-invalid="true"') == 1
    assert DrawnExpert.objects.get(pk=seat.pk).role == SeatRole.MEMBER


def test_a_refused_opinion_comes_back_with_the_text_at_its_declaration(world):
    sign_in(world, 3)
    panel = panel_of(world, [world["declaration"]])
    MeetingPanel.objects.filter(pk=panel.pk).update(asks_scores=True)
    member = world["experts"][0]
    url = f"/committees/mine/{world['meeting'].pk}/"
    page = _as(member).get(url).content.decode()
    action = re.search(r'action="(/committees/assignments/\d+/opinion/)"', page)
    assert action, page
    written = "该同志教学成绩突出，\n公开课两次获市级一等奖。"
    answer = _as(member).post(action[1], {"opinion": written, "score": "150"})
    assert answer.status_code == 400
    form = _form(answer.content.decode(), action[1])
    assert _alert(form) == "请填写 0 到 100 之间的评分。"
    assert f">{written}</textarea>" in form and 'value="150"' in form
    assert not PanelOpinion.objects.exists()
