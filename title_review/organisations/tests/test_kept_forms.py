"""A refused 修改归口部门 on 单位信息 loses nothing (core.kept): the department chosen and the 变更原因 typed come back
in the form beside the reason; once — the next visit shows the form as new."""

import re

from title_review.audit.models import AuditEvent
from title_review.organisations.models import Organisation


def _move_form(html: str) -> str:
    at = html.index('action="/organisations/employer/move/"')
    return html[at : html.index("</form>", at)]


def _selected(form: str) -> list[str]:
    block = form.split('name="move-parent"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', block)


def test_a_refused_move_comes_back_with_the_department_and_the_reason(login, orgs):
    company = Organisation.objects.get(name="杭州西湖数智科技有限公司")
    admin = login("companyadmin")
    answer = admin.post(
        "/organisations/employer/move/",
        {"move-parent": company.parent_id, "move-reason": "改由人才服务局代理"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/organisations/employer/"
    html = answer.content.decode()
    assert "新的归口部门与原归口部门相同。" in html
    form = _move_form(html)
    assert _selected(form) == [str(company.parent_id)]
    assert 'value="改由人才服务局代理"' in form
    assert not AuditEvent.objects.filter(action="employer.move").exists()

    # Kept once: the next visit shows 请选择 and no reason.
    again = _move_form(admin.get("/organisations/employer/").content.decode())
    assert _selected(again) == [""] and "改由人才服务局代理" not in again


def test_a_move_without_a_department_keeps_the_reason(login, seeded):
    admin = login("companyadmin")
    answer = admin.post("/organisations/employer/move/", {"move-parent": "", "move-reason": "上级调整"}, follow=True)
    html = answer.content.decode()
    assert "请选择新的归口部门。" in html
    form = _move_form(html)
    assert 'value="上级调整"' in form and _selected(form) == [""]
