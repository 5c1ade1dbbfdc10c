"""tests/links.check_page finds what a page must not have (the walk of tests/test_demo_activity.py relies on it)."""

from title_review.accounts.models import User

from .links import check_page

GOOD = """
<form method="post" action="/reviews/inbox/batch-pass/"><label for="opinion">审核意见</label>
<textarea id="opinion" name="opinion"></textarea><label>全选 <input type="checkbox" name="all"></label>
<input type="hidden" name="version" value="3"><button type="submit"><i class="bi bi-check"></i> 批量审核通过</button>
<button type="button" aria-label="关闭"><i class="bi bi-x"></i></button></form>
"""


def test_a_page_with_named_fields_and_usable_forms_passes(seeded):
    assert check_page(User.objects.get(username="hzcheck"), GOOD) == []


def test_an_unnamed_field_an_unnamed_button_and_a_repeated_id_are_found(seeded):
    html = GOOD + '<input name="q" id="q"><button type="submit"><i class="bi bi-search"></i></button><div id="opinion">'
    found = check_page(User.objects.get(username="hzcheck"), html)
    assert "input name='q' has no label" in found
    assert any(p.startswith("button ") and p.endswith("has no name") for p in found)
    assert "id 'opinion' used 2 times" in found


def test_a_form_posting_to_an_action_the_role_lacks_is_found(seeded):
    found = check_page(User.objects.get(username="teacher"), GOOD)
    assert found == ["a form posts to /reviews/inbox/batch-pass/, which needs review.inbox"]
    assert check_page(User.objects.get(username="teacher"), '<form method="post" action="/nowhere/x/"></form>') == [
        "a form posts to /nowhere/x/, which is no address of the system"
    ]
