"""评后管理 in the browser (issue 14): the office receives a meeting's results, starts the public 公示 (its end on
the working-day calendar across a holiday), a visitor objects to one result without signing in, the result is
held until the office handles the objection, then 确认发文 gives 浙人社〔年〕N号 and the unit sees its people.

Page objects are named for the pages they drive (ResultBatchPage, PublicityPage, ObjectionPage,
UnitResultsPage) so a later flow (证书编号, 电子证书, 查验, 撤销) can continue from `confirmed`."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from title_review.accounts.models import User
from title_review.results.models import ResultBatch
from title_review.results.tests.factories import publicity_over, voted_meeting
from title_review.system.services import set_working_day_override

from .pages import field, named, open_menu, screenshot, sign_in, solve_captcha, submit

pytestmark = pytest.mark.browser


class ResultsIndexPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> None:
        open_menu(self.page, "评后管理")

    def receive(self, meeting_title: str) -> None:
        row = self.page.get_by_role("row").filter(has_text=meeting_title)
        with self.page.expect_navigation():
            row.get_by_role("button", name="接收评审情况").click()


class ResultBatchPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def status(self):
        return self.page.get_by_test_id("batch-status")

    def start_publicity(self, starts_on: dt.date) -> None:
        field(self.page, "公示开始日期").fill(starts_on.isoformat())
        submit(self.page, "开始公示")

    def objection_of(self, person: str):
        return self.page.get_by_role("row").filter(has_text=person).get_by_label(re.compile("^异议 "))

    def handle(self, person: str, outcome: str, explanation: str) -> None:
        box = self.objection_of(person)
        box.get_by_label("处理说明").fill(explanation)
        with self.page.expect_navigation():
            box.get_by_role("button", name=outcome).click()

    def confirm(self, agency_code: str) -> None:
        field(self.page, "机关代字").fill(agency_code)
        submit(self.page, "确认发文")


class PublicityPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> None:
        self.page.goto("/results/publicity/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("职称评审结果公示")

    def object_to(self, person: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=f"对{person}提出异议").click()


class ObjectionPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def send(self, name: str, mobile: str, content: str) -> None:
        field(self.page, "姓名（实名）").fill(name)
        field(self.page, "联系电话（手机）").fill(mobile)
        field(self.page, "异议内容").fill(content)
        solve_captcha(self.page)
        submit(self.page, "提交异议")


class UnitResultsPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> None:
        open_menu(self.page, "本单位评审结果")

    def row_of(self, person: str):
        return self.page.get_by_role("table", name="评审结果").get_by_role("row").filter(has_text=person)


def _fifth_working_day(start: dt.date, holiday: dt.date) -> dt.date:
    """Counted by hand: weekdays, less the holiday (December has no national holiday or 调休)."""
    day, found = start, 0
    while True:
        if day.weekday() < 5 and day != holiday:
            found += 1
            if found == 5:
                return day
        day += dt.timedelta(days=1)


def test_results_publicity_objection_and_document(page: Page, open_page, site):
    world = voted_meeting()
    teacher, applicant = world["declaration"].applicant_name, world["second"].applicant_name
    start = timezone.localdate()
    holiday = start + dt.timedelta(days=(2 - start.weekday()) % 7 or 7)  # the next Wednesday
    set_working_day_override(actor=User.objects.get(username="zjadmin"), day=holiday, is_working_day=False, note="假日")
    end = _fifth_working_day(start, holiday)

    # The city office receives the meeting's results.
    sign_in(page, "hzadmin")
    index = ResultsIndexPage(page)
    index.open()
    index.receive(world["meeting"].title)
    expect(page.get_by_role("alert")).to_contain_text("已接收评审情况：共 2 人")
    batch_page = ResultBatchPage(page)
    expect(batch_page.status()).to_have_text("待公示")

    # 公示 from today: the end skips the weekend and the holiday.
    batch_page.start_publicity(start)
    expect(page.get_by_role("alert")).to_contain_text(f"{end:%Y年%m月%d日}")
    expect(batch_page.status()).to_have_text("公示中")
    expect(page.get_by_test_id("publicity-period")).to_have_text(f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")

    # A visitor, not signed in, reads the list and objects to the applicant's result.
    visitor = open_page()
    publicity = PublicityPage(visitor)
    publicity.open()
    listing = visitor.get_by_role("table", name="杭州市中小学教师评委会公示名单")
    expect(listing).to_contain_text(teacher)
    expect(listing).to_contain_text(applicant)
    publicity.object_to(applicant)
    objection = ObjectionPage(visitor)
    objection.send("", "13912345678", "业绩材料与实际不符。")
    expect(visitor.get_by_role("alert")).to_contain_text("异议须实名提出")
    objection.send("张三", "13912345678", "业绩材料与实际不符。")
    expect(visitor.get_by_role("alert")).to_contain_text("异议已提交")

    # The result is held: after the period, 确认 is refused until the objection is handled.
    batch = ResultBatch.objects.get(meeting=world["meeting"])
    publicity_over(batch)
    page.reload()
    row = page.get_by_role("row").filter(has_text=applicant)
    expect(row).to_contain_text("待处理，结果暂缓确认")
    expect(row).to_contain_text("139****5678")
    batch_page.confirm("浙人社")
    expect(page.get_by_role("alert")).to_contain_text(f"{applicant}的评审结果有异议尚未处理，暂缓确认")
    batch_page.handle(applicant, "异议不成立", "经核实，业绩材料属实，异议不成立。")
    expect(page.get_by_role("alert")).to_contain_text("异议已处理")

    # 确认发文: 浙人社〔年〕N号, the 发文 to download, both certificates waiting for their numbers.
    batch_page.confirm("浙人社")
    expect(page.get_by_role("alert")).to_contain_text("已确认发文")
    number = page.get_by_test_id("document-number")
    expect(number).to_have_text(re.compile(rf"^浙人社〔{start.year}〕\d+号$"))
    expect(batch_page.status()).to_have_text("已发文")
    expect(page.get_by_role("row").filter(has_text=teacher)).to_contain_text("证书待编号")
    with page.expect_download() as download:
        page.get_by_role("link", name=named("下载发文（PDF）")).click()
    assert download.value.suggested_filename == f"{number.inner_text()}.pdf"
    screenshot(page, "results-confirmed")

    # The school sees its teacher's result with the 发文字号, not the hospital's applicant.
    school = open_page()
    sign_in(school, "schooladmin")
    unit = UnitResultsPage(school)
    unit.open()
    expect(unit.row_of(teacher)).to_contain_text(number.inner_text())
    expect(unit.row_of(teacher)).to_contain_text("通过")
    expect(school.get_by_role("table", name="评审结果")).not_to_contain_text(applicant)

    # The teacher sees the result on 我的申报 and 我的评审结果.
    own = open_page()
    sign_in(own, "teacher")
    open_menu(own, "我的申报")
    expect(own.get_by_role("row").filter(has_text=world["round"].title)).to_contain_text("已发文")
    open_menu(own, "我的评审结果")
    expect(own.get_by_role("table", name="评审结果")).to_contain_text(number.inner_text())
