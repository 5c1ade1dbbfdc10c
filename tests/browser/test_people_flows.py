"""People at every level, in a browser.

1. A fresh installation (no demo data): `create_province_admin` → the province creates 杭州市职改办 with
   its administrator → that administrator adds a 资格审查经办 and a 退回审查 through 本级人员授权 → the
   资格审查经办, whose role came only from that page, 受理s a declaration.
2. The Hangzhou unit manual: the unit registers → 工作账号管理 批量新增 5 个人申报账号 → one holder signs in,
   names themselves and files → the unit 审核通过, 单位内部公示 and 上报s it.
"""

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .pages import (
    change_password,
    create_child_organisation,
    credit_code,
    field,
    first_sign_in,
    open_menu,
    register_employer,
    screenshot,
    sign_in,
    sign_out,
    submit,
)

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROVINCE = "浙江省职称工作领导小组办公室"
CITY = "杭州市职称工作领导小组办公室"


def _round(actor, publisher, scope):
    from title_review.dictionaries.models import Entry
    from title_review.rounds import services as rounds

    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    round_ = rounds.create_round(
        actor=actor,
        publisher=publisher,
        title="2026年度中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=None,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime.now(tz=SHANGHAI) + dt.timedelta(days=30),
    )
    rounds.update_round(actor=actor, round_id=round_.pk, changes={"levels": levels, "routes": ["01"]}, scope=scope)
    return rounds.publish_round(actor=actor, round_id=round_.pk)


def _declaration_at_the_city_office(city_admin_username: str):
    """Behind the scenes, through the services: an employer under the new city office, a round, and one
    complete declaration that the employer passed, publicised and reported up to the city office."""
    from tests.personas import identity_number
    from title_review.access.models import RoleGrant
    from title_review.accounts.models import AccountKind, User
    from title_review.core.identity import validate_identity
    from title_review.organisations.models import Organisation
    from title_review.organisations.services import create_organisation_with_admin
    from title_review.reviews import services as reviews
    from title_review.reviews.tests.factories import submit_for

    city_admin = User.objects.get(username=city_admin_username)
    city = city_admin.organisation
    employer, employer_admin, _password = create_organisation_with_admin(
        actor=city_admin,
        parent_id=city.pk,
        name="杭州市第十四中学",
        kind="employer",
        region=city.region,
        admin_username="hz14admin",
        admin_real_name="十四中",
    )
    round_ = _round(city_admin, city, [employer])
    facts = validate_identity("01", identity_number(803))
    teacher = User.objects.create(
        username="p00000000014",
        kind=AccountKind.PERSONAL,
        real_name="林老师",
        id_type="01",
        id_number=facts.number,
        birth_date=facts.birth_date,
        sex=facts.sex,
        phone="13800000014",
        organisation=employer,
    )
    RoleGrant.objects.create(user=teacher, role="applicant", organisation=None)
    declaration = submit_for(teacher, round_)
    reviews.employer_pass(
        actor=employer_admin, declaration_id=declaration.pk, version=declaration.version, opinion="同意推荐。"
    )
    reviews.start_publicity(
        actor=employer_admin,
        employer_id=employer.pk,
        declaration_ids=[declaration.pk],
        starts_on=dt.date(2026, 9, 30),
        place="公告栏",
    )
    declaration.refresh_from_db()
    reviews.forward(
        actor=employer_admin,
        employer_id=employer.pk,
        items=[(declaration.pk, declaration.version)],
        operator_name="经办人",
        operator_phone="0571-88888888",
    )
    declaration.refresh_from_db()
    assert declaration.current_org_id == city.pk and declaration.status == "qualification_check"
    assert Organisation.objects.count() == 3
    return declaration


def add_person(page: Page, username: str, name: str, roles: list[str]) -> str:
    """本级人员授权 → 添加 with the ticked roles; returns the one-time password shown once."""
    open_menu(page, "本级人员授权")
    form = page.locator("form").filter(has=page.get_by_role("button", name="添加"))
    field(form, "登录名").fill(username)
    field(form, "姓名").fill(name)
    for role in roles:
        form.get_by_label(role, exact=True).check()
    submit(page, "添加")
    expect(page.get_by_role("alert").filter(has_text=f"已添加 {username}")).to_be_visible()
    expect(page.get_by_test_id("created-username")).to_have_text([username])
    row = page.get_by_role("row").filter(has_text=username).filter(has_text="待首次登录")
    expect(row).to_contain_text("、".join(roles))
    return page.get_by_test_id("created-password").inner_text().strip()


def test_a_fresh_installation_reaches_an_acceptance_through_pages(page: Page, capsys):
    with open(os.devnull, "w") as quiet:
        call_command("flush", interactive=False, stdout=quiet)
        call_command("load_dictionaries", stdout=quiet)
    call_command("create_province_admin", "--username", "zjfirst", "--real-name", "首任省管理员")
    first_password = capsys.readouterr().out.strip().rsplit("：", 1)[-1]

    first_sign_in(page, "zjfirst", first_password, "Tk@9281abcxy")
    expect(page.get_by_role("navigation", name="主菜单")).to_contain_text("本级人员授权")  # the 安全管理员's page
    city_password = create_child_organisation(
        page,
        parent=PROVINCE,
        name=CITY,
        kind="职改办",
        region="330100 杭州市",
        admin_username="hzboss",
        admin_name="杭州市办",
    )
    sign_out(page)

    first_sign_in(page, "hzboss", city_password, "Mb@7730plume")
    open_menu(page, "本级人员授权")
    # Only the roles a city office may hand out are offered.
    expect(page.get_by_label("资格审查经办", exact=True)).to_be_visible()
    expect(page.get_by_label("安全管理员", exact=True)).to_have_count(0)
    expect(page.get_by_label("单位管理员", exact=True)).to_have_count(0)
    checker_password = add_person(page, "hzqual", "资格经办", ["资格审查经办"])
    returner_password = add_person(page, "hzret", "退回审查员", ["退回审查"])
    screenshot(page, "people-added")
    sign_out(page)

    declaration = _declaration_at_the_city_office("hzboss")

    first_sign_in(page, "hzret", returner_password, "Rq@5561kite")
    open_menu(page, "待审核材料")
    expect(page.get_by_role("row").filter(has_text="林老师")).to_be_visible()
    sign_out(page)

    first_sign_in(page, "hzqual", checker_password, "Vx@4402moss")
    open_menu(page, "待审核材料")
    page.get_by_role("row").filter(has_text="林老师").get_by_role("link", name="审核").click()
    expect(page.get_by_test_id("desk")).to_have_text(CITY)
    verify = page.get_by_role("button", name=re.compile("^核实无误："))
    for i in range(verify.count()):
        with page.expect_navigation():
            verify.nth(i).click()
    expect(page.get_by_role("table")).not_to_contain_text("未审查")
    submit(page, "受理")
    expect(page.get_by_test_id("status")).to_have_text("已受理")
    declaration.refresh_from_db()
    assert declaration.status == "accepted"


def test_a_unit_issues_filing_accounts_and_a_holder_files_through_it(page: Page, tmp_path, open_page):
    from tests.personas import identity_number
    from title_review.accounts.models import User
    from title_review.declarations.models import Declaration
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.factories import complete_draft

    register_employer(
        page,
        code=credit_code("91330106MA2B00002"),
        name="杭州云栖软件有限公司",
        username="yunqisoft",
        password="Yq@2026soft",
        files=tmp_path,
    )
    sign_in(page, "yunqisoft", "Yq@2026soft")
    open_menu(page, "工作账号管理")
    batch = page.locator("form").filter(has=page.get_by_role("button", name="批量新增"))
    field(batch, "新增数量").fill("5")
    # 填写申报材料, 修改基本信息, 修改密码 are ticked already, as the manual recommends.
    expect(batch.get_by_label("修改密码", exact=True)).to_be_checked()
    submit(page, "批量新增")
    names = [f"yunqisoft{n}" for n in range(1, 6)]
    expect(page.get_by_test_id("created-username")).to_have_text(names)
    passwords = [p.strip() for p in page.get_by_test_id("created-password").all_inner_texts()]
    assert len(set(passwords)) == 5
    screenshot(page, "filing-accounts-created")

    # The holder of the first signs in elsewhere, replaces the password and names themselves.
    holder = open_page()
    sign_in(holder, names[0], passwords[0])
    change_password(holder, passwords[0], "Lin@2026abcd")
    expect(holder.get_by_role("heading", level=1)).to_have_text("完善身份信息")
    person_id = identity_number(802)
    field(holder, "真实姓名").fill("林申报")
    field(holder, "证件号码").fill(person_id)
    submit(holder, "保存")
    expect(holder.get_by_role("alert").filter(has_text="身份信息已保存")).to_be_visible()

    # The round of the 杭州市职改办 for the 西湖区 subtree; the holder's dossier is filled (behind the
    # scenes, as in the other chain tests), and the holder submits it from 我的申报.
    employer = Organisation.objects.get(name="杭州云栖软件有限公司")
    round_ = _round(User.objects.get(username="hzadmin"), employer.parent.parent, [employer.parent])
    account = User.objects.get(username=names[0])
    complete_draft(account, round_)
    open_menu(holder, "我的申报")
    holder.get_by_role("link", name="继续填写").click()
    submit(holder, "提交")
    expect(holder.get_by_role("alert").filter(has_text="已提交至单位审核")).to_be_visible()

    # The unit: 审核通过, 单位内部公示, 上报.
    open_menu(page, "单位审核")
    page.get_by_role("row").filter(has_text="林申报").get_by_role("link", name="审核").click()
    submit(page, "审核通过")
    expect(page.get_by_test_id("status")).to_have_text("待公示")
    open_menu(page, "单位审核")
    page.get_by_role("link", name="单位内部公示", exact=True).click()
    page.get_by_role("checkbox", name="选择 林申报").check()
    field(page, "公示开始日期").fill("2026-09-30")
    field(page, "公示地点或方式").fill("公司公告栏")
    submit(page, "开始公示")
    open_menu(page, "单位审核")
    page.get_by_role("link", name="上报材料", exact=True).click()
    page.get_by_role("checkbox", name="选择 林申报").check()
    field(page, "经办人姓名").fill("云栖")
    field(page, "经办人联系电话").fill("0571-88888888")
    submit(page, "上报")
    expect(page.get_by_role("alert").filter(has_text="已上报 1 份申报材料")).to_be_visible()
    person = User.objects.get(id_number=person_id)
    declaration = Declaration.objects.get(applicant=person)
    assert declaration.employer_id == employer.pk and declaration.filled_by_id == account.pk
    assert declaration.status == "in_review" or declaration.status == "qualification_check"
