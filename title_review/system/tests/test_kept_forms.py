"""A refused value on 参数设置 loses nothing (core.kept): the refused row shows what was typed (or chosen) beside the
reason, the other rows their current values; once — the next visit shows every row's current value again."""

import re

from title_review.core.policies import DEFAULTS, get_policy


def _row(html: str, key: str) -> str:
    """The <form> of the row for policy `key`."""
    at = html.index(f'name="key" value="{key}"')
    return html[html.rindex("<form", 0, at) : html.index("</form>", at)]


def _selected(form: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', form)


def test_a_refused_value_comes_back_in_its_row(login, seeded):
    client = login("zjadmin")
    answer = client.post("/system/policies/", {"key": "password.min_length", "value": "七十"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/system/policies/"
    html = answer.content.decode()
    assert "请填写整数。" in html
    assert 'value="七十"' in _row(html, "password.min_length")
    # The other rows show their current values.
    assert f'value="{DEFAULTS["backup.keep_count"]}"' in _row(html, "backup.keep_count")
    assert get_policy("password.min_length") == 8

    # Kept once: the next visit shows the current value.
    again = _row(client.get("/system/policies/").content.decode(), "password.min_length")
    assert 'value="8"' in again and "七十" not in again


def test_a_refused_switch_comes_back_as_chosen(login, seeded):
    client = login("zjadmin")
    html = client.get("/system/policies/").content.decode()
    assert _selected(_row(html, "password.require_symbol")) == ["true"]
    assert _selected(_row(html, "password.require_mixed_case")) == ["false"]
    # Letters and digits only, then digits off too: fewer than two kinds of character is refused.
    client.post("/system/policies/", {"key": "password.require_symbol", "value": "false"})
    answer = client.post("/system/policies/", {"key": "password.require_digit", "value": "false"}, follow=True)
    html = answer.content.decode()
    assert "密码规则至少要保留 2 项字符要求" in html and get_policy("password.require_digit") is True
    assert _selected(_row(html, "password.require_digit")) == ["false"]
    assert _selected(_row(html, "password.require_letter")) == ["true"]

    again = client.get("/system/policies/").content.decode()
    assert _selected(_row(again, "password.require_digit")) == ["true"]
