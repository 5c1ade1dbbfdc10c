"""A refused decision on the 审核 page loses nothing (core.kept): the 退回理由, the ticked 需修改的栏目, the 补正事项 and
期限, an edited 单位意见 come back in their form with the reason; once — the next visit shows the form as new."""

import re

from .test_chain import _refresh, forward, to_ready

OWN_OPINION = "经审核，该同志任现职以来教学成绩突出，同意推荐申报高级教师。"


def _form(html: str, field_id: str) -> str:
    """The <form> holding the element with id `field_id`."""
    at = html.index(f'id="{field_id}"')
    return html[html.rindex("<form", 0, at) : html.index("</form>", at)]


def test_a_refused_return_comes_back_with_its_reason_sections_and_correction(users, login, submitted):
    d = forward(users, to_ready(users, submitted))
    client, url = login("zsadmin"), f"/reviews/track/{d.pk}/"
    answer = client.post(
        f"{url}decide/",
        {
            "decision": "return",
            "version": d.version,
            "reason": "年度考核表缺少单位盖章",
            "sections": ["年度考核", "学历学位"],
            "correction_items": "补充2025年度考核表\n补充学历证书扫描件",
            "correction_days": "45",
        },
        follow=True,
    )
    html = answer.content.decode()
    assert "补正期限请填写 1 到 30 个工作日。" in html
    form = _form(html, "reason-return")
    assert ">年度考核表缺少单位盖章</textarea>" in form
    ticked = set(re.findall(r'name="sections" value="([^"]+)" id="[^"]+" checked', form))
    assert ticked == {"年度考核", "学历学位"}
    assert ">补充2025年度考核表\n补充学历证书扫描件</textarea>" in form and 'value="45"' in form
    assert '<details class="mb-2" open>' in form
    assert _refresh(d).status == d.status  # nothing happened
    # Kept once: the next visit shows the form as it always is.
    again = _form(client.get(url).content.decode(), "reason-return")
    assert "年度考核表缺少单位盖章" not in again and " checked" not in again and '<details class="mb-2">' in again


def test_an_edited_employer_opinion_refused_as_stale_is_not_lost(users, login, submitted):
    client, url = login("schooladmin"), f"/reviews/track/{submitted.pk}/"
    answer = client.post(
        f"{url}decide/",
        {"decision": "employer_pass", "version": submitted.version - 1, "opinion": OWN_OPINION},
        follow=True,
    )
    html = answer.content.decode()
    assert "已被他人处理" in html
    assert f">{OWN_OPINION}</textarea>" in _form(html, "opinion")
    # The 退回 form of the same page is not filled with it.
    assert OWN_OPINION not in _form(html, "reason-employer_return")
    assert "经审核，该同志申报材料真实，符合申报条件，同意推荐。" in _form(client.get(url).content.decode(), "opinion")
