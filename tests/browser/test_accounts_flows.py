"""Accounts as a newcomer meets them, clicked through as the manuals describe.

个人注册 (with 图形验证码 and 短信验证码) and signing in by mobile or identity number; 忘记密码;
单位帐户注册 with its licence and seal; 单位工作人员 and 工作账号管理 (批量新增, 禁用, 重置密码);
单位忘记密码 through a staff member's phone; and the lockout after repeated wrong passwords.

The SMS codes come from the development outbox and the captcha answers from the browser's
server-side session (title_review.verification.testing): everything else is what a person sees.
"""

import pytest
from playwright.sync_api import Page, expect

from title_review.demo.data import APPLICANT_IDENTITY, DEMO_PASSWORD

from .pages import (
    LOGIN_URL,
    attach_employer_files,
    credit_code,
    field,
    fill_employer_registration,
    first_sign_in,
    image_loaded,
    main_menu,
    named,
    open_menu,
    open_public_link,
    register_employer,
    request_sms_code,
    screenshot,
    sign_in,
    sign_out,
    solve_captcha,
    submit,
    type_credit_code,
)

pytestmark = pytest.mark.browser

EMPLOYER = "杭州云栖软件有限公司"
EMPLOYER_LOGIN = "yunqisoft"
EMPLOYER_PASSWORD = "Yq@2026soft"
CREDIT_CODE = credit_code("91330106MA2B00001")
APPLICANT_NAME = "韩申报"  # the demo applicant, a registered person (title_review.demo.data)


def expect_home(page: Page, who: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_test_id("current-user")).to_contain_text(who)


def field_block(page: Page, label: str):
    """The form group of one field: its label, control, help text and error messages."""
    return page.locator("div.mb-3").filter(has=field(page, label)).last


def table_row(page: Page, first_cell: str, *, table: str = "状态"):
    """The row that starts with `first_cell`, in the table that has a column headed `table`."""
    listing = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=table, exact=True))
    return listing.get_by_role("row").filter(has=page.get_by_role("cell", name=first_cell, exact=True))


# ---- 1. 个人注册 ------------------------------------------------------------------------------------


def test_person_registers_then_signs_in_by_mobile_and_by_identity_number(page):
    name, phone, password = "林晓", "13912345678", "Lx@reg2026"
    open_public_link(page, "个人注册", "个人注册")

    # A slip in the identity number: the check digit is wrong, the rest of the form is kept.
    field(page, "真实姓名").fill(name)
    field(page, "证件类型").select_option(label="居民身份证")
    field(page, "证件号码").fill("110105194912310021")
    field(page, "手机号码").fill(phone)
    field(page, "短信验证码").fill("123456")
    field(page, "登录密码").fill(password)
    field(page, "确认密码").fill(password)
    page.get_by_label("我已阅读并同意《用户协议》和《隐私政策》").check()
    screenshot(page, "person-register-form")
    submit(page, "注册")
    expect(page.get_by_role("heading", level=1)).to_have_text("个人注册")
    expect(field_block(page, "证件号码")).to_contain_text("校验位不正确")
    expect(field(page, "真实姓名")).to_have_value(name)
    expect(field(page, "手机号码")).to_have_value(phone)
    expect(field(page, "证件类型").locator("option:checked")).to_have_text("居民身份证")
    screenshot(page, "person-register-error")

    # Corrected (typed with a lower-case x), proven by an SMS code, registered.
    field(page, "证件号码").fill("11010519491231002x")
    code = request_sms_code(page, phone, "register", lower=True)
    field(page, "短信验证码").fill(code)
    field(page, "登录密码").fill(password)
    field(page, "确认密码").fill(password)
    page.get_by_label("我已阅读并同意《用户协议》和《隐私政策》").check()
    submit(page, "注册")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("注册成功")

    # Signs in by the mobile number …
    sign_in(page, phone, password)
    expect_home(page, name)
    open_menu(page, "个人信息")
    expect(page.get_by_text("110105********002X", exact=True)).to_be_visible()  # stored upper-case
    expect(page.get_by_text("女 / 1949-12-31", exact=True)).to_be_visible()  # read from the number
    sign_out(page)
    # … and by the identity number, typed as on the card.
    sign_in(page, "11010519491231002x", password)
    expect_home(page, name)


# ---- 2. 忘记密码 ------------------------------------------------------------------------------------


def test_person_resets_a_forgotten_password_by_sms(page):
    phone, new_password = APPLICANT_IDENTITY["phone"], "Hsb@reset2026"
    open_public_link(page, "忘记密码", "忘记密码")
    field(page, "手机号码").fill(phone)
    code = request_sms_code(page, phone, "reset_password")
    field(page, "短信验证码").fill(code)
    field(page, "新密码").fill(new_password)
    field(page, "确认新密码").fill(new_password)
    submit(page, "重置密码")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("密码已重置")

    sign_in(page, phone, DEMO_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")
    sign_in(page, phone, new_password)
    expect_home(page, APPLICANT_NAME)


# ---- 3. 单位注册 ------------------------------------------------------------------------------------


def test_employer_registers_with_licence_and_seal(page, tmp_path):
    open_public_link(page, "单位注册", "单位帐户注册")
    # First with a mistyped credit code: the check character does not match.
    wrong = CREDIT_CODE[:17] + ("1" if CREDIT_CODE[17] != "1" else "2")
    fill_employer_registration(
        page, code=wrong, name=EMPLOYER, username=EMPLOYER_LOGIN, password=EMPLOYER_PASSWORD, files=tmp_path
    )
    submit(page, "注册")
    expect(page.get_by_role("heading", level=1)).to_have_text("单位帐户注册")
    expect(field_block(page, "统一社会信用代码")).to_contain_text("校验位不符")
    expect(page.get_by_label("信用代码已核对无误（校验位不符时勾选）")).not_to_be_checked()
    expect(page.get_by_role("alert")).to_contain_text("请重新选择要上传的文件")
    expect(field(page, "单位名称")).to_have_value(EMPLOYER)
    expect(field(page, "登录名")).to_have_value(EMPLOYER_LOGIN)
    expect(field(page, "单位行业").locator("option:checked")).to_have_text("信息传输、软件和信息技术服务业")
    screenshot(page, "employer-register-error")

    # Corrected against the licence; the passwords and files are chosen again, as the page asks.
    type_credit_code(page, CREDIT_CODE)
    field(page, "登录密码").fill(EMPLOYER_PASSWORD)
    field(page, "确认密码").fill(EMPLOYER_PASSWORD)
    attach_employer_files(page, tmp_path)
    expect(field(page, "单位名称")).to_have_value(EMPLOYER)
    submit(page, "注册")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text(f"“{EMPLOYER}”注册成功")
    expect(page.get_by_role("alert")).to_contain_text(f"请用登录名 {EMPLOYER_LOGIN} 登录")

    sign_in(page, EMPLOYER_LOGIN, EMPLOYER_PASSWORD)
    expect_home(page, EMPLOYER)
    open_menu(page, "单位信息")
    expect(page.get_by_text(CREDIT_CODE, exact=True)).to_be_visible()
    expect(page.get_by_text("西湖区职称工作领导小组办公室", exact=True)).to_be_visible()
    expect(field(page, "单位性质").locator("option:checked")).to_have_text("民营企业")
    seal = page.get_by_role("img", name="单位电子签章")
    expect(seal).to_be_visible()
    assert image_loaded(seal), "the 电子签章 image did not load"
    screenshot(page, "employer-info")


# ---- 4. 单位工作人员, 工作账号管理 -------------------------------------------------------------------


def add_staff_member(page: Page, id_number: str, name: str) -> None:
    """单位工作人员 → search by identity number → 添加."""
    open_menu(page, "单位工作人员")
    field(page, "工作人员身份证号码").fill(id_number)
    submit(page, "查询")
    expect(page.get_by_text(name, exact=True)).to_be_visible()
    submit(page, "添加")
    expect(page.get_by_role("alert")).to_contain_text(f"已添加工作人员 {name}")
    expect(table_row(page, name)).to_contain_text("启用")


def test_employer_adds_staff_and_manages_work_accounts(page, open_page, tmp_path):
    register_employer(
        page, code=CREDIT_CODE, name=EMPLOYER, username=EMPLOYER_LOGIN, password=EMPLOYER_PASSWORD, files=tmp_path
    )
    sign_in(page, EMPLOYER_LOGIN, EMPLOYER_PASSWORD)
    add_staff_member(page, APPLICANT_IDENTITY["id_number"], APPLICANT_NAME)

    # 批量新增 5 operator accounts (经办账号) that may 填写材料 and 查看.
    open_menu(page, "经办账号管理")
    batch = page.locator("form").filter(has=page.get_by_role("button", name="批量新增"))
    field(batch, "新增个数").fill("5")
    batch.get_by_label("填写材料", exact=True).check()
    batch.get_by_label("查看", exact=True).check()
    submit(page, "批量新增")
    names = [f"{EMPLOYER_LOGIN}{n}" for n in range(1, 6)]
    expect(page.get_by_test_id("created-username")).to_have_text(names)
    passwords = [p.strip() for p in page.get_by_test_id("created-password").all_inner_texts()]
    assert len(passwords) == 5 and all(len(p) >= 8 for p in passwords), passwords
    assert len(set(passwords)) == 5, "every work account gets its own one-time password"
    for username in names:
        expect(table_row(page, username)).to_contain_text("填写材料、查看")
        expect(table_row(page, username)).to_contain_text("待首次登录")
    screenshot(page, "sub-accounts-one-time-passwords")

    # The first work account is in use at another computer …
    elsewhere = open_page()
    first_sign_in(elsewhere, names[0], passwords[0], "Ws@first2026")

    # … when the employer disables it: it cannot sign in again, and the open session ends.
    submit(page, f"禁用 {names[0]}")
    expect(page.get_by_role("alert")).to_contain_text(f"已禁用 {names[0]}")
    expect(table_row(page, names[0])).to_contain_text("已禁用")
    with elsewhere.expect_navigation():
        main_menu(elsewhere).get_by_role("link", name=named("个人信息")).click()
    expect(elsewhere).to_have_url(LOGIN_URL)
    sign_in(elsewhere, names[0], "Ws@first2026")
    expect(elsewhere.get_by_role("alert")).to_contain_text("登录名或密码不正确")
    expect(elsewhere).to_have_url(LOGIN_URL)

    # 重置密码 of the second: a new one-time password, shown once, which forces a change.
    submit(page, f"重置密码 {names[1]}")
    expect(page.get_by_test_id("created-username")).to_have_text([names[1]])
    reset_password = page.get_by_test_id("created-password").inner_text().strip()
    assert reset_password != passwords[1]
    second = open_page()
    sign_in(second, names[1], passwords[1])
    expect(second.get_by_role("alert")).to_contain_text("登录名或密码不正确")  # the batch password is spent
    first_sign_in(second, names[1], reset_password, "Ws@second2026")
    expect_home(second, EMPLOYER)


# ---- 5. 单位忘记密码 --------------------------------------------------------------------------------


def test_employer_recovers_its_password_through_a_staff_member(page, tmp_path):
    register_employer(
        page, code=CREDIT_CODE, name=EMPLOYER, username=EMPLOYER_LOGIN, password=EMPLOYER_PASSWORD, files=tmp_path
    )
    sign_in(page, EMPLOYER_LOGIN, EMPLOYER_PASSWORD)
    add_staff_member(page, APPLICANT_IDENTITY["id_number"], APPLICANT_NAME)
    sign_out(page)

    new_password = "Yq@found2026"
    with page.expect_navigation():
        page.get_by_role("link", name="单位忘记密码", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("单位忘记密码")
    field(page, "统一社会信用代码").fill(CREDIT_CODE.lower())
    submit(page, "查找单位")
    expect(field(page, "单位（归口部门）").locator("option:checked")).to_have_text(
        f"{EMPLOYER}（西湖区职称工作领导小组办公室）"
    )
    staff = field(page, "工作人员")
    expect(staff.locator("option")).to_have_text(["韩*报"])  # the name is not shown in full
    staff.select_option(label="韩*报")
    field(page, "该工作人员的身份证号码").fill(APPLICANT_IDENTITY["id_number"])
    solve_captcha(page)
    submit(page, "发送短信验证码")
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至工作人员手机 138****0001")

    from title_review.verification.testing import last_sms_code

    field(page, "短信验证码").fill(last_sms_code(APPLICANT_IDENTITY["phone"], "employer_reset"))
    field(page, "新密码").fill(new_password)
    submit(page, "重置单位密码")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text(f"单位密码已重置，请用登录名 {EMPLOYER_LOGIN}")

    sign_in(page, EMPLOYER_LOGIN, EMPLOYER_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")
    sign_in(page, EMPLOYER_LOGIN, new_password)
    expect_home(page, EMPLOYER)


# ---- 6. 登录失败锁定 --------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_on_this_computer(page):
    username = "companyadmin"
    captcha = field(page, "图形验证码")
    for attempt in range(1, 6):
        if attempt == 1:
            page.goto("/accounts/login/")
            field(page, "登录名").fill(username)
        else:
            expect(field(page, "登录名")).to_have_value(username)  # the typed name is kept
        # From the 4th attempt on, after three failures, a 图形验证码 is asked for too.
        expect(captcha).to_have_count(1 if attempt > 3 else 0)
        if attempt > 3:
            solve_captcha(page)
        field(page, "密码").fill(f"Wrong@{attempt}x")
        submit(page, "登录")
        expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")

    # The 6th attempt, with the right password, is refused as well.
    solve_captcha(page)
    field(page, "密码").fill(DEMO_PASSWORD)
    submit(page, "登录")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("临时锁定")
    screenshot(page, "login-locked")
    # Another account from the same computer is not affected.
    sign_in(page, "schooladmin")
    expect_home(page, "杭州第二中学")
