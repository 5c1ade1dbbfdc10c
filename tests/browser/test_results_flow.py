"""评后管理 in the browser (issue 14): the office receives a meeting's results, starts the public 公示 (its end on
the working-day calendar across a holiday), a visitor objects to one result without signing in, the result is
held until the office handles the objection, then 确认发文 gives 浙人社〔年〕N号 and the unit sees its people.
Then the certificates: the office numbers them, the holder downloads the signed PDF, its QR link shows 有效 to
someone not signed in, the office revokes it (诚信档案, 3 years) and the link shows 已撤销, and the same person's
next declaration, in another series (卫生) in a round whose precheck only warns, is refused at 提交.

Page objects are named for the pages they drive (ResultBatchPage, PublicityPage, ObjectionPage,
UnitResultsPage) so a later flow (证书编号, 电子证书, 查验, 撤销) can continue from `confirmed`."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from title_review.accounts.models import User
from title_review.certificates import signing
from title_review.certificates.models import Certificate
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


def _health_draft_of_the_applicant():
    """A complete 卫生 draft of 韩申报 in a published round whose precheck only warns (`warn`)."""
    from title_review.eligibility.tests.helpers import open_round
    from title_review.reviews.tests.factories import complete_draft

    round_ = open_round("卫生技术人员", mode="warn", title=HEALTH_ROUND)
    return complete_draft(User.objects.get(username="applicant"), round_)


HEALTH_ROUND = "卫生高级职称评审（预审提示）"


def test_results_publicity_objection_document_certificate_and_revocation(page: Page, open_page, site):
    world = voted_meeting()
    _health_draft_of_the_applicant()  # before the 撤销: nothing stops him from starting one
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
    # 导出 gives the same rows as a workbook (a short list at once; a long one through 我的下载).
    with school.expect_download() as download:
        school.get_by_role("button", name=named("导出（Excel）")).click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    exported = list(sheet.iter_rows(values_only=True))
    assert exported[0][0] == "姓名" and [r[0] for r in exported[1:]] == [teacher]
    assert exported[1][6] == "通过" and exported[1][7] == number.inner_text()

    # The teacher sees the result on 我的申报 and 我的评审结果.
    own = open_page()
    sign_in(own, "teacher")
    open_menu(own, "我的申报")
    expect(own.get_by_role("row").filter(has_text=world["round"].title)).to_contain_text("已发文")
    open_menu(own, "我的评审结果")
    expect(own.get_by_role("table", name="评审结果")).to_contain_text(number.inner_text())

    # 证书编号: the batch's certificates keep its 发文字号 and get consecutive numbers by the configured pattern.
    document_number = number.inner_text()
    open_menu(page, "证书编号")
    for person in (teacher, applicant):
        page.get_by_role("row").filter(has_text=person).get_by_role("checkbox").check()
    field(page, "地区代码").fill("330100")
    field(page, "评委会代码").fill("002")
    submit(page, "为选中的证书编号")
    expect(page.get_by_role("alert")).to_contain_text("已为 2 本证书编号")
    expect(page.get_by_role("alert")).to_contain_text(document_number)
    held = Certificate.objects.get(id_number=User.objects.get(username="applicant").id_number, source="issued")
    assert held.document_number == document_number and held.number.startswith(f"330100{start.year}")

    # The holder downloads the 电子证书: signed by the installation's key; one changed byte breaks it.
    holder = open_page()
    sign_in(holder, "applicant")
    open_menu(holder, "我的证书")
    mine = holder.get_by_test_id(f"mine-{held.number}")
    expect(mine).to_contain_text("有效")
    with holder.expect_download() as download:
        mine.get_by_role("link", name=named("下载")).click()
    pdf = download.value.path().read_bytes()
    assert signing.validate_pdf(pdf).valid
    middle = len(pdf) // 2
    assert not signing.validate_pdf(pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]).valid
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert held.number in text and document_number in text
    link = re.search(r"(https?://[^\s]+?/certificates/verify/[^/]+/)", text).group(1)

    # Its QR link, opened on a phone by someone not signed in: 有效, the name and number masked.
    phone = open_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    result = phone.get_by_test_id("verify-result")
    expect(result).to_contain_text(held.number)
    expect(result.get_by_test_id("status")).to_have_text("有效")
    expect(phone.locator("main")).not_to_contain_text(applicant)

    # 撤销 with reason and basis: the link now shows 已撤销, and the holder is in the 诚信档案.
    open_menu(page, "证书信息")
    with page.expect_navigation():
        page.get_by_test_id(f"revoke-{held.pk}").click()
    field(page, "撤销原因").fill("申报材料弄虚作假")
    field(page, "撤销依据").fill("人社部令第40号第四十条")
    submit(page, "撤销证书")
    expect(page.get_by_role("alert")).to_contain_text("并记入诚信档案")
    phone.reload()
    expect(result.get_by_test_id("status")).to_have_text("已撤销")
    expect(phone.get_by_test_id("revoked")).to_contain_text("申报材料弄虚作假")

    # The same person's next declaration, in another series and a round that only warns, is refused at 提交.
    open_menu(holder, "我的申报")
    holder.get_by_role("row").filter(has_text=HEALTH_ROUND).get_by_role("link", name="继续填写").click()
    submit(holder, "提交")
    refusal = holder.get_by_role("alert").filter(has_text="不能提交")
    expect(refusal).to_contain_text("存在诚信记录，禁止申报至")
    expect(refusal).to_contain_text("诚信档案记录期限内不能提交职称申报")
    open_menu(holder, "我的申报")
    expect(holder.get_by_role("row").filter(has_text=HEALTH_ROUND)).to_contain_text("填写中")
    screenshot(holder, "results-revoked-next-declaration-refused")
