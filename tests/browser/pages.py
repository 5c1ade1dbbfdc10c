"""What a person does on the site, as small helpers the browser tests share.

Elements are found by what a user reads (labels, button and link names, visible text); assertions
use Playwright's `expect`, which waits for the page to settle before judging it.
"""

import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from title_review.demo.data import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOGIN_URL = re.compile(r"/accounts/login/(\?.*)?$")
PASSWORD_CHANGE_URL = re.compile(r"/accounts/password/change/$")


def named(label: str) -> re.Pattern:
    """An accessible name that reads `label`, after an optional icon.

    The Bootstrap icons (<i class="bi ...">) are not aria-hidden, so their private-use glyph
    becomes part of a link's or button's accessible name ("\uf425 工作台"); match past it.
    """
    return re.compile(rf"^(\S\s*)?{re.escape(label)}$")


def field(page: Page | Locator, label: str) -> Locator:
    """The form control whose <label> reads `label`, exactly (on the page, or inside one form of it).

    Required fields show a red "*" (aria-hidden) inside the label. Screen readers skip it, but
    Playwright's get_by_label(exact=True) compares the label's raw text, so allow that marker.
    """
    return page.get_by_label(re.compile(rf"^\*?{re.escape(label)}$"))


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    field(page, "登录名").fill(username)
    field(page, "密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def signed_in_page(browser: Browser, site: str, user: object, viewport: dict | None = None) -> Page:
    """A browser context of its own with `user` signed in by a session cookie, as after the login page (whose own
    flows are tested elsewhere); `viewport` set: a phone's (touch, mobile). Waits give up after 30 s, as
    conftest's contexts do."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    phone = viewport is not None
    context = browser.new_context(
        base_url=site,
        locale="zh-CN",
        viewport=viewport or {"width": 1366, "height": 900},
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(30_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site}])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("您已安全退出")


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="主菜单")


def menu_links(page: Page) -> Locator:
    return main_menu(page).get_by_role("link")


def open_menu(page: Page, label: str) -> None:
    with page.expect_navigation():
        main_menu(page).get_by_role("link", name=named(label)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def submit(page: Page, button: str) -> None:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=named(button)).click()


def change_password(page: Page, old: str, new: str) -> None:
    field(page, "原密码").fill(old)
    field(page, "新密码").fill(new)
    field(page, "确认新密码").fill(new)
    submit(page, "保存新密码")


def first_sign_in(page: Page, username: str, one_time_password: str, new_password: str, *, weak: str = "") -> None:
    """A new administrator signs in with the one-time password and is made to replace it.

    With `weak`, first tries that password and expects the complexity rule to refuse it.
    """
    sign_in(page, username, one_time_password)
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.get_by_role("alert")).to_contain_text("一次性密码")
    # Anything else sends the account back to 修改密码 until the password is changed.
    page.goto("/organisations/")
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    if weak:
        change_password(page, one_time_password, weak)
        expect(page).to_have_url(PASSWORD_CHANGE_URL)
        expect(page.get_by_role("alert").filter(has_text="当前缺少")).to_be_visible()
        screenshot(page, "password-change-forced")
    change_password(page, one_time_password, new_password)
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_organisation(page: Page, name: str) -> None:
    """From the 机构树, open an organisation's detail page by clicking its name."""
    open_menu(page, "机构树")
    with page.expect_navigation():
        page.get_by_role("table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def create_child_organisation(
    page: Page, *, parent: str, name: str, kind: str, region: str, admin_username: str, admin_name: str
) -> str:
    """机构树 → parent → 新增下级机构 → fill → 保存； returns the administrator's one-time password."""
    open_organisation(page, parent)
    with page.expect_navigation():
        page.get_by_role("link", name=named("新增下级机构")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增下级机构")
    expect(page.get_by_text(f"上级机构：{parent}")).to_be_visible()
    field(page, "机构名称").fill(name)
    field(page, "机构类型").select_option(label=kind)
    field(page, "所在地（行政区划）").select_option(label=region)
    field(page, "管理员登录名").fill(admin_username)
    field(page, "管理员姓名").fill(admin_name)
    submit(page, "保存")
    expect(page.get_by_role("heading", level=1)).to_have_text("机构已创建")
    expect(page.get_by_role("status")).to_contain_text(f"已创建“{name}”")
    expect(page.get_by_test_id("new-username")).to_have_text(admin_username)
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(password) >= 8, f"one-time password looks wrong: {password!r}"
    return password


# ---- 图形验证码, 短信验证码 ---------------------------------------------------------------------------


def session_cookie(page: Page) -> str:
    """The value of the browser's Django session cookie (the captcha answers live in that session)."""
    from django.conf import settings

    for cookie in page.context.cookies():
        if cookie["name"] == settings.SESSION_COOKIE_NAME:
            return cookie["value"]
    raise AssertionError("the browser has no session cookie yet")


def solve_captcha(page: Page, *, lower: bool = False) -> None:
    """Type the answer of the 图形验证码 on the page, as a person reading the picture would.

    The answer is read from the server-side session of this browser (test helper only); the picture
    must have loaded, as a person needs to see it. With `lower`, types it in lower case (accepted).
    """
    from title_review.verification.testing import captcha_answer

    block = page.locator(".app-captcha")
    picture = block.get_by_role("img", name="图形验证码图片")
    assert image_loaded(picture), "the captcha picture did not load"
    key = block.locator("input[name=captcha_key]").input_value()
    answer = captcha_answer(session_cookie(page), key)
    field(page, "图形验证码").fill(answer.lower() if lower else answer)


def request_sms_code(page: Page, phone: str, purpose: str, *, lower: bool = False) -> str:
    """图形验证码 + 获取短信验证码 (htmx); returns the code the SMS carried (development outbox)."""
    from title_review.verification.testing import last_sms_code

    solve_captcha(page, lower=lower)
    page.get_by_role("button", name="获取短信验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    return last_sms_code(phone, purpose)


def image_loaded(image: Locator) -> bool:
    """Whether an <img> decoded into a real picture (naturalWidth > 0), waiting for it to arrive."""
    width = image.evaluate("async img => { try { await img.decode(); } catch (e) {} return img.naturalWidth; }")
    return bool(width)


# ---- 个人注册, 单位注册 ----------------------------------------------------------------------------


def open_public_link(page: Page, link: str, heading: str) -> None:
    """From the login page, follow one of the links under the form (个人注册, 忘记密码, 单位注册 …)."""
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def credit_code(first17: str) -> str:
    """A 统一社会信用代码 with its GB 32100-2015 check character appended."""
    from title_review.organisations.codes import _USCC_WEIGHTS, USCC_CHARSET

    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARSET[(31 - total % 31) % 31]


def licence_pdf(directory: Path) -> Path:
    path = directory / "营业执照.pdf"
    from title_review.attachments.tests.helpers import PDF

    path.write_bytes(PDF)
    return path


def seal_png(directory: Path) -> Path:
    """A scanned seal: a red circle on white paper."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), "white")
    ImageDraw.Draw(image).ellipse((20, 20, 220, 220), outline=(210, 20, 20), width=10)
    path = directory / "公章.png"
    image.save(path, format="PNG")
    return path


def select_starting(select: Locator, prefix: str) -> str:
    """Choose the option whose label starts with `prefix` (归口部门 reads "name（kind）"); returns it."""
    labels = [text.strip() for text in select.locator("option").all_inner_texts()]
    matches = [label for label in labels if label.startswith(prefix)]
    assert len(matches) == 1, f"expected one option starting with {prefix!r}, got {matches}"
    select.select_option(label=matches[0])
    return matches[0]


def wait_for_htmx(page: Page) -> None:
    """Until htmx has no request in flight and has swapped and settled what came back."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def type_credit_code(page: Page, code: str) -> None:
    """Type the 统一社会信用代码 and leave the field: htmx looks the name up, so wait for that answer."""
    box = field(page, "统一社会信用代码")
    box.fill(code)
    with page.expect_response(lambda response: "/employer/register/name/" in response.url):
        box.press("Tab")
    wait_for_htmx(page)


def fill_employer_registration(
    page: Page,
    *,
    code: str,
    name: str,
    username: str,
    password: str,
    files: Path,
    parent: str = "西湖区职称工作领导小组办公室",
) -> None:
    """Everything the 单位帐户注册 form asks for, as the employer manual describes it."""
    type_credit_code(page, code)
    field(page, "单位名称").fill(name)
    field(page, "法定代表人").fill("李云")
    field(page, "单位性质").select_option(label="民营企业")
    field(page, "单位行业").select_option(label="信息传输、软件和信息技术服务业")
    field(page, "单位所在地").select_option(label="330106 西湖区")
    field(page, "单位地址").fill("杭州市西湖区云栖小镇 1 号")
    chosen = select_starting(field(page, "归口部门"), f"{parent}（")
    assert chosen.endswith("）"), chosen
    attach_employer_files(page, files)
    field(page, "登录名").fill(username)
    field(page, "登录密码").fill(password)
    field(page, "确认密码").fill(password)
    field(page, "联系人").fill("周人事")
    field(page, "联系电话").fill("0571-88888888")


def attach_employer_files(page: Page, files: Path) -> None:
    field(page, "营业执照（证书）扫描件").set_input_files(licence_pdf(files))
    field(page, "单位签章").set_input_files(seal_png(files))


def register_employer(page: Page, *, code: str, name: str, username: str, password: str, files: Path) -> None:
    """登录页 → 单位注册 → fill → 注册 → back on the login page with 注册成功."""
    open_public_link(page, "单位注册", "单位帐户注册")
    fill_employer_registration(page, code=code, name=name, username=username, password=password, files=files)
    submit(page, "注册")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text(f"“{name}”注册成功")
