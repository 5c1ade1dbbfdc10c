"""Staff lists in the browser (issue 15 point 7): the 杭州市职改办's 资格审查 clerk finds a person on 上报材料跟踪 by
identity number (shown masked), sorts by two columns through the headers, hides a column, and finds the same
columns after reloading and after signing in again."""

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import field, open_menu, screenshot, sign_in, sign_out, submit

pytestmark = pytest.mark.browser

NAMES = ["李明", "王芳", "李明", "张伟", "陈静", "刘洋"]


@pytest.fixture
def at_the_office(site):
    """Six declarations of the hospital and the school at the 杭州市职改办's 资格审查 desk, committed."""
    from title_review.accounts.models import User
    from title_review.declarations.models import Declaration
    from title_review.declarations.workflow import Status
    from title_review.exports.tests.conftest import flood
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.conftest import publish_review_round

    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    round_ = publish_review_round(users, orgs)
    office = orgs["杭州市职称工作领导小组办公室"]
    rows = []
    for i, employer in enumerate([orgs["杭州市第一人民医院"], orgs["杭州第二中学"]] * 3):
        rows += flood(round_, employer, office, 1, start=70_000 + i, status=Status.QUALIFICATION_CHECK, days_ago=i)
    for row, name in zip(rows, NAMES, strict=True):
        User.objects.filter(pk=row.applicant_id).update(real_name=name)
        Declaration.objects.filter(pk=row.pk).update(applicant_name=name)
    return [Declaration.objects.select_related("applicant", "employer").get(pk=r.pk) for r in rows]


def _column(page: Page, label: str) -> list[str]:
    """The texts of one column of the list, by its header."""
    headers = [re.sub(r"\s+", "", t) for t in page.locator("table thead th").all_inner_texts()]
    at = next(i for i, text in enumerate(headers) if text.startswith(label))
    return [t.strip() for t in page.locator(f"table tbody tr td:nth-child({at + 1})").all_inner_texts()]


def test_a_clerk_searches_sorts_and_keeps_columns(page: Page, at_the_office):
    from title_review.core.identity import mask_identity

    person = at_the_office[3].applicant
    sign_in(page, "hzcheck")
    open_menu(page, "上报材料跟踪")

    # Search by identity number, typed in lower case with a space: one row, the number masked.
    field(page, "姓名或证件号码").fill(f"{person.id_number[:6]} {person.id_number[6:].lower()}")
    submit(page, "查询")
    expect(page.locator("table tbody tr")).to_have_count(1)
    assert _column(page, "申报人") == ["张伟"]
    assert _column(page, "证件号码") == [mask_identity(person.id_number)]
    expect(page.locator("table tbody")).not_to_contain_text(person.id_number)
    field(page, "姓名或证件号码").fill("")
    submit(page, "查询")

    # Two sort keys through the headers: 申报人 ascending, then 申报单位 descending (second click).
    for header in ("申报人", "申报单位", "申报单位"):
        with page.expect_navigation():
            page.locator("thead").get_by_role("link", name=re.compile(f"^{header}")).click()
    expect(page.get_by_text("1. 申报人 升序")).to_be_visible()
    expect(page.get_by_text("2. 申报单位 降序")).to_be_visible()
    ours = sorted(at_the_office, key=lambda d: d.pk)
    ours.sort(key=lambda d: d.employer.name, reverse=True)
    ours.sort(key=lambda d: d.applicant_name)
    names = [n for n in _column(page, "申报人") if n in set(NAMES)]
    assert names == [d.applicant_name for d in ours]

    # Hide 申报单位 and 证件号码 in 列设置; the sort stays.
    page.get_by_text("列设置", exact=True).click()
    columns = page.get_by_role("form", name="列设置")
    columns.get_by_role("checkbox", name="申报单位").uncheck()
    columns.get_by_role("checkbox", name="证件号码").uncheck()
    submit(page, "保存列设置")
    expect(page.get_by_role("alert").first).to_contain_text("已保存列设置")
    thead = page.locator("table thead")
    expect(thead).not_to_contain_text("申报单位")
    expect(thead).not_to_contain_text("证件号码")
    expect(page.get_by_text("1. 申报人 升序")).to_be_visible()
    screenshot(page, "staff-lists-sorted-columns")

    page.reload()
    expect(thead).not_to_contain_text("申报单位")
    sign_out(page)
    sign_in(page, "hzcheck")
    open_menu(page, "上报材料跟踪")
    expect(page.locator("table thead")).not_to_contain_text("申报单位")
    expect(page.locator("table thead")).to_contain_text("申报人")

    # 恢复默认 brings the columns back.
    page.get_by_text("列设置", exact=True).click()
    submit(page, "恢复默认")
    expect(page.locator("table thead")).to_contain_text("申报单位")
    expect(page.locator("table thead")).to_contain_text("证件号码")


def test_the_employer_searches_sorts_and_chooses_columns_on_manage(page: Page, at_the_office):
    """管理材料, the hospital's own list: the same search, header sort and 列设置 as the office's lists."""
    ours = [d for d in at_the_office if d.employer.name == "杭州市第一人民医院"]
    sign_in(page, "hospitaladmin")
    open_menu(page, "管理材料")
    expect(page.get_by_role("heading", level=1)).to_have_text("管理材料")
    field(page, "姓名或证件号码").fill("李明")  # two of the hospital's people bear it
    submit(page, "查询")
    expect(page.locator("table tbody tr")).to_have_count(2)
    assert _column(page, "申报人") == ["李明", "李明"]
    field(page, "姓名或证件号码").fill("")
    submit(page, "查询")

    for _click in range(2):  # twice: descending
        with page.expect_navigation():
            page.locator("thead").get_by_role("link", name=re.compile("^申报人")).click()
    expect(page.get_by_text("1. 申报人 降序")).to_be_visible()
    names = [n for n in _column(page, "申报人") if n in set(NAMES)]
    assert names == sorted((d.applicant_name for d in ours), reverse=True)

    page.get_by_text("列设置", exact=True).click()
    page.get_by_role("form", name="列设置").get_by_role("checkbox", name="证件号码").check()
    submit(page, "保存列设置")
    expect(page.locator("table thead")).to_contain_text("证件号码")
    from title_review.core.identity import mask_identity

    assert mask_identity(ours[0].applicant.id_number) in _column(page, "证件号码")
