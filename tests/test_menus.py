"""Flow 1 over HTTP: every demo account signs in and sees the left menu its capabilities allow, and no
more; every item shown opens its page (no 无权访问 behind a visible link) and is highlighted there.

The expected menu is computed from access.menu.MENU and access.policies.has_capability, so the
test follows the capability table; a few spot checks pin the rules a reviewer would name
(三员分立, 字典由省级统一维护, an applicant's bare menu) so that a wrong table cannot pass unnoticed.

This is the per-account half of the menu test: the pages are read as HTML from the test client (cheap,
one transaction rolled back). tests/browser/test_menus.py signs a few accounts in a real browser and
clicks through the same menu, to prove that it renders and works there.
"""

from html.parser import HTMLParser

import pytest

from title_review.access.menu import MENU
from title_review.access.policies import has_capability
from title_review.demo.data import ACCOUNTS, DEMO_PASSWORD

ALL_LABELS = [item.label for section in MENU for item in section.items]

APPLICANT_MENU = {
    "工作台",
    "个人信息",
    "站内信",
    "我的下载",
    "业绩档案",
    "我的申报",
    "我的证书",
    "我的评审结果",
    "评审活动",
    "被退回的材料",
    "上报材料跟踪",
}

# username -> (labels that must be in the menu, labels that must not be)
SPOT_CHECKS = {
    "auditor": ({"操作日志", "登录日志"}, {"机构树", "备份与恢复"}),
    # 三员分立: no audit logs for the system admin; 备份与恢复 is theirs alone (an archive holds every password hash).
    "sysadmin": ({"机构树", "备份与恢复"}, {"操作日志", "登录日志"}),
    "secadmin": (set(), {"备份与恢复", "操作日志"}),
    "hzadmin": ({"机构树", "代码字典"}, {"接收更新代码"}),  # a city office only reads the dictionaries
    "zjadmin": ({"机构树", "代码字典", "接收更新代码", "参数设置"}, {"操作日志", "备份与恢复"}),
    "applicant": (APPLICANT_MENU, set(ALL_LABELS) - APPLICANT_MENU),
    "hospitaladmin": ({"单位信息", "单位工作人员", "工作账号管理"}, {"参数设置", "接收更新代码"}),
    # 评委会评审: the secretary runs the meetings (not the pool, not the results); an expert takes part only.
    "zjmishu": ({"评审会议", "交换数据包"}, {"专家库", "评审结果", "评委会管理", "我的评审会议", "我的申报"}),
    "gczj01": (
        {"我的评审会议", "代表作评审"},
        {"评审会议", "专家库", "评审结果", "评委会管理", "我的申报", "待审核材料", "交换数据包"},
    ),
}


def expected_menu(username: str) -> list[str]:
    """The labels this account should see, in menu order, after the spot checks hold for it."""
    from title_review.accounts.models import User

    user = User.objects.get(username=username)
    expected = [item.label for section in MENU for item in section.items if has_capability(user, item.action)]
    if username in SPOT_CHECKS:
        present, absent = SPOT_CHECKS[username]
        assert present <= set(expected), f"{username} should have {present - set(expected)} in the menu"
        assert not absent & set(expected), f"{username} should not have {absent & set(expected)} in the menu"
        if username == "applicant":
            assert set(expected) == APPLICANT_MENU
    return expected


def _text(parts: list[str]) -> str:
    """Text content with whitespace collapsed, as a browser's text assertions compare it."""
    return " ".join("".join(parts).split())


class RenderedPage(HTMLParser):
    """What a person reads on a page: its level-1 headings, the signed-in user, and the main menu's links
    (label, address, CSS classes), in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.current_user: list[str] = []
        self.menu: list[tuple[str, str, set[str]]] = []
        self._nav_depth = 0  # <nav> elements open inside the 主菜单 (0: outside it)
        self._captures: list[tuple[str, int, list[str], object]] = []  # (tag, depth, text, where to put it)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for i, (open_tag, depth, text, target) in enumerate(self._captures):
            if open_tag == tag:
                self._captures[i] = (open_tag, depth + 1, text, target)
        if tag == "nav":
            if self._nav_depth:
                self._nav_depth += 1
            elif a.get("aria-label") == "主菜单":
                self._nav_depth = 1
        elif tag == "h1":
            self._captures.append((tag, 1, [], self.headings))
        elif a.get("data-testid") == "current-user":
            self._captures.append((tag, 1, [], self.current_user))
        elif tag == "a" and self._nav_depth and "href" in a:
            self._captures.append((tag, 1, [], (a["href"], set(a.get("class", "").split()))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        for i in reversed(range(len(self._captures))):
            open_tag, depth, text, target = self._captures[i]
            if open_tag != tag:
                continue
            if depth > 1:
                self._captures[i] = (open_tag, depth - 1, text, target)
                continue
            del self._captures[i]
            if isinstance(target, list):
                target.append(_text(text))
            else:
                href, classes = target
                self.menu.append((_text(text), href, classes))

    def handle_data(self, data: str) -> None:
        for _tag, _depth, text, _target in self._captures:
            text.append(data)

    def link(self, label: str) -> tuple[str, str, set[str]]:
        (link,) = [item for item in self.menu if item[0] == label]
        return link


def test_the_page_reader_reads_headings_the_user_and_the_menu():
    page = RenderedPage(
        '<header><span data-testid="current-user">韩申报 · <b>医院</b></span></header>'
        '<nav aria-label="主菜单"><div><a href="/a/" class="nav-link active"><i class="bi"></i> 工作台 </a>'
        '<nav><a href="/b/">个人\n信息</a></nav><button>关闭</button></div></nav>'
        '<main><nav aria-label="breadcrumb"><a href="/">首页</a></nav><h1>工作<span>台</span></h1></main>'
    )
    assert page.headings == ["工作台"]
    assert page.current_user == ["韩申报 · 医院"]
    assert page.menu == [("工作台", "/a/", {"nav-link", "active"}), ("个人 信息", "/b/", set())]


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_each_demo_account_sees_its_own_menu(client, seeded, username):
    real_name = next(name for account, name, *_rest in ACCOUNTS if account == username)
    expected = expected_menu(username)

    # Signs in through the login form, as a person does, and lands on the 工作台.
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200, response.redirect_chain
    home = RenderedPage(response.content.decode())
    assert home.headings == ["工作台"], (username, response.redirect_chain)
    assert len(home.current_user) == 1 and real_name in home.current_user[0]
    assert [label for label, _href, _classes in home.menu] == expected
    for label in set(ALL_LABELS) - set(expected):
        assert not [item for item in home.menu if item[0] == label], f"{username} sees {label}"

    # Every item shown opens its page (no 无权访问 behind a visible link) and is highlighted there.
    for label, href, _classes in home.menu:
        response = client.get(href, follow=True)
        assert response.status_code == 200, (username, label, href, response.status_code)
        page = RenderedPage(response.content.decode())
        assert page.headings == [label], (username, label, href, page.headings)
        assert "active" in page.link(label)[2], (username, label, "not highlighted")


def test_menu_addresses_follow_the_script_prefix(users):
    """The menu's addresses are reversed once per URL configuration and prefix (issue 12): an installation
    served under a sub-path gets its own, and the root one is not handed out there."""
    from django.urls import get_script_prefix, set_script_prefix

    from title_review.access.menu import menu_for

    def home(user):
        return next(i["url"] for s in menu_for(user) for i in s["items"] if i["url_name"] == "system:home")

    before = get_script_prefix()
    try:
        set_script_prefix("/")
        assert home(users["hzadmin"]) == "/"
        set_script_prefix("/zhicheng/")
        assert home(users["hzadmin"]) == "/zhicheng/"
    finally:
        set_script_prefix(before)
    assert home(users["hzadmin"]) == before
