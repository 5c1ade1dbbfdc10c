"""Every form is a real PDF: the applicant's data and the form's labels in its text, only the vendored
font embedded, a page that is not blank when drawn; masking, watermark, seal, snapshot and scope."""

from urllib.parse import quote

import pytest

from title_review.audit.models import AuditEvent
from title_review.declarations.models import Declaration
from title_review.reviews import services as reviews
from title_review.reviews.tests.factories import complete_draft, submit_for

from . import pdf
from .conftest import OPINION, add_achievements, make_round, to_department, to_office

LABELS = {
    "review": [
        "专业技术职务任职资格评审表",
        "基本情况",
        "证件号码",
        "学历学位",
        "工作经历",
        "年度考核",
        "业绩成果",
        "附件清单",
        "单位意见",
        "真实性承诺",
        "杭州师范大学",
    ],
    "brief": [
        "专业技术职务任职资格评审简表",
        "最高学历",
        "主要工作经历",
        "主要业绩成果",
        "单位意见",
        "表决结果",
        "杭州师范大学",
    ],
    "check": [
        "专业技术职务任职资格申报资格审查表",
        "逐项审查结果",
        "审查内容",
        "审查结果",
        "问题说明",
        "审查结论",
        "杭州师范大学",
    ],
    "initial": ["专业技术职务任职资格初定表", "初定资格", "毕业院校", "见习期", "主管部门意见", "职改部门审批意见"],
    "recognition": ["专业技术职务任职资格认定表", "认定资格", "认定依据", "主管部门意见", "职改部门审批意见"],
}


def assert_looks_right(content: bytes, *words: str) -> str:
    """A PDF whose text holds `words`, whose fonts are all the embedded vendored font, and whose page 1 is drawn."""
    assert content.startswith(b"%PDF")
    text = pdf.text(content)
    for word in words:
        assert pdf.compact(word) in pdf.compact(text), f"{word!r} not in the PDF text"
    fonts = pdf.fonts(content)
    assert fonts, "the PDF uses no font"
    for font in fonts:
        assert font["emb"] == "yes", font
        assert font["name"].startswith(pdf.EMBEDDED_FONT_PREFIX), f"unexpected font {font['name']}"
    assert pdf.dark_pixels(content) > 2000, "page 1 renders blank"
    return text


@pytest.fixture
def forwarded(users, submitted, school_seal):
    """朱老师's declaration with the school's opinion and seal, at 直属学校管理中心."""
    return to_department(users, submitted)


def seal_stamped(content: bytes) -> bool:
    """The seal fixture's stamp (a transparent image about 280 px square) is among the PDF's images."""
    return any(
        kind == "image" and 250 <= width <= 300 and 250 <= height <= 300 for kind, width, height in pdf.images(content)
    )


def watermark_tiles(content: bytes) -> bool:
    """The watermark is an image tiled over the page (a PDF tiling pattern; nothing else uses one)."""
    return b"/PatternType 1" in content


def get_pdf(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


@pytest.mark.parametrize("form", ["review", "brief", "check"])
def test_each_declaration_form_is_a_pdf_of_the_applicant(users, login, forwarded, form):
    content = get_pdf(login("hzcheck"), f"/printing/declarations/{forwarded.pk}/{form}.pdf")
    assert_looks_right(content, "朱老师", "杭州第二中学", "2026年度中小学教师职称评审", *LABELS[form])


@pytest.mark.parametrize(
    "kind, form, other", [("initial", "initial", "recognition"), ("recognition", "recognition", "initial")]
)
def test_initial_and_recognition_forms_follow_the_round_kind(users, orgs, login, school_seal, kind, form, other):
    round_ = make_round(users, orgs, kind)
    declaration = to_department(users, submit_for(users["teacher"], round_))
    client = login("zsadmin")
    content = get_pdf(client, f"/printing/declarations/{declaration.pk}/{form}.pdf")
    text = assert_looks_right(content, "朱老师", "杭州第二中学", *LABELS[form])
    assert OPINION[:10] in text
    assert client.get(f"/printing/declarations/{declaration.pk}/{other}.pdf").status_code == 404


def test_a_review_round_has_no_initial_or_recognition_form(users, login, forwarded):
    client = login("zsadmin")
    for form in ("initial", "recognition", "nonsense"):
        assert client.get(f"/printing/declarations/{forwarded.pk}/{form}.pdf").status_code == 404


def test_the_download_has_a_chinese_file_name(users, login, forwarded):
    response = login("zsadmin").get(f"/printing/declarations/{forwarded.pk}/review.pdf")
    assert f"filename*=utf-8''{quote('朱老师-评审表.pdf')}" in response["Content-Disposition"]
    inline = login("zsadmin").get(f"/printing/declarations/{forwarded.pk}/review.pdf?inline=1")
    assert inline["Content-Disposition"].startswith("inline;")


def test_the_publicity_form_lists_the_candidates(users, login, forwarded):
    url = f"/printing/publicities/{forwarded.publicity_id}.pdf"
    content = get_pdf(login("schooladmin"), url)
    assert_looks_right(
        content,
        "专业技术职务任职资格申报人员公示表",
        "杭州第二中学",
        "公示时间",
        "2026年9月30日",
        "学校公告栏",
        "人事科",
        "序号",
        "姓名",
        "出生年月",
        "申报资格",
        "朱老师",
        "1985.06",
    )
    assert seal_stamped(content), "the employer's seal is stamped"
    assert login("zsadmin").get(url).status_code == 200
    assert login("wjwreview").get(url).status_code == 404
    assert login("teacher").get(url).status_code == 404


def test_the_round_summary_is_landscape_and_only_what_the_viewer_may_see(users, login, forwarded):
    hospital = to_department(users, submit_for(users["applicant"], forwarded.round), employer_admin="hospitaladmin")
    url = f"/printing/rounds/{forwarded.round_id}/summary.pdf"
    content = get_pdf(login("hzcheck"), url)
    text = assert_looks_right(
        content,
        "专业技术职务任职资格申报人员汇总表",
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "单位",
        "现资格",
        "申报资格",
        "专业",
        "状态",
        "朱老师",
        "杭州第二中学",
        "韩申报",
        "杭州市第一人民医院",
        "主管部门审核中",
        "共 2 人",
    )
    assert "女" in text and "1985.06" in text
    width, height = pdf.page_size(content)
    assert width > height, "the 汇总表 is landscape"
    mine = pdf.text(get_pdf(login("wjwreview"), url))
    assert "韩申报" in mine and "朱老师" not in mine
    assert hospital.pk


def test_blank_forms_have_no_data_and_no_watermark(users, login, forwarded):
    client = login("zsadmin")
    page = client.get("/printing/blanks/").content.decode()
    for short in ("评审表", "评审简表", "资格审查表", "初定表", "认定表", "公示表", "汇总表"):
        assert f"下载空白{short}" in page
    for form, title in (
        ("review", "专业技术职务任职资格评审表"),
        ("brief", "专业技术职务任职资格评审简表"),
        ("check", "专业技术职务任职资格申报资格审查表"),
        ("initial", "专业技术职务任职资格初定表"),
        ("recognition", "专业技术职务任职资格认定表"),
        ("publicity", "专业技术职务任职资格申报人员公示表"),
        ("summary", "专业技术职务任职资格申报人员汇总表"),
    ):
        content = get_pdf(client, f"/printing/blanks/{form}.pdf")
        text = assert_looks_right(content, title, "第 1 页")
        assert "朱老师" not in text and "材料摘要" not in text
        assert pdf.subject(content) == "" and not watermark_tiles(content)
    assert client.get("/printing/blanks/nonsense.pdf").status_code == 404


def test_identity_numbers_are_masked_for_a_department(users, login, forwarded):
    text = pdf.text(get_pdf(login("zsadmin"), f"/printing/declarations/{forwarded.pk}/review.pdf"))
    assert "330108********0026" in text and "330108198506120026" not in text
    assert "138****0002" in text and "13800000002" not in text
    assert not AuditEvent.objects.filter(action="print.full_identity").exists()


def test_the_qualification_reviewer_sees_full_numbers_and_it_is_audited(users, login, forwarded):
    text = pdf.text(get_pdf(login("hzcheck"), f"/printing/declarations/{forwarded.pk}/brief.pdf"))
    assert "330108198506120026" in text and "13800000002" in text
    event = AuditEvent.objects.get(action="print.full_identity")
    assert (event.actor_id, event.object_id) == (users["hzcheck"].pk, str(forwarded.pk))
    assert event.after == {"form": "brief", "title": "评审简表"}


def test_the_watermark_names_the_viewer_and_the_employer_prints_its_own_approval_forms_without(
    users, orgs, login, school_seal
):
    round_ = make_round(users, orgs, "initial")
    declaration = to_department(users, submit_for(users["teacher"], round_))
    url = f"/printing/declarations/{declaration.pk}/initial.pdf"
    marked = get_pdf(login("zsadmin"), url)
    assert pdf.subject(marked).startswith("打印人：杨直属（zsadmin） 20")
    assert watermark_tiles(marked)
    # 打印初定表或认定表（不带水印）: the employer's own copy, to be signed and sealed.
    own = get_pdf(login("schooladmin"), url)
    assert pdf.subject(own) == "" and not watermark_tiles(own)
    review = get_pdf(login("schooladmin"), f"/printing/declarations/{declaration.pk}/review.pdf")
    assert pdf.subject(review).startswith("打印人：卫学校（schooladmin）") and watermark_tiles(review)


def test_the_seal_is_stamped_only_on_an_opinion_the_employer_gave(users, login, submitted, school_seal):
    client = login("schooladmin")
    before = get_pdf(client, f"/printing/declarations/{submitted.pk}/review.pdf")
    assert not seal_stamped(before)
    after = to_department(users, submitted)
    stamped = get_pdf(client, f"/printing/declarations/{after.pk}/review.pdf")
    assert seal_stamped(stamped)
    assert OPINION in pdf.text(stamped).replace("\n", "")


def test_forms_print_the_snapshot_not_the_live_draft(users, login, forwarded):
    from title_review.achievements.models import Education

    Education.objects.filter(owner=users["teacher"]).update(school="篡改大学")
    Declaration.objects.filter(pk=forwarded.pk).update(specialty="篡改")
    text = pdf.text(get_pdf(login("zsadmin"), f"/printing/declarations/{forwarded.pk}/review.pdf"))
    assert "杭州师范大学" in text and "篡改" not in text


def test_a_declaration_never_submitted_has_no_forms(users, login, review_round):
    draft = complete_draft(users["teacher"], review_round)
    for username in ("teacher", "schooladmin"):
        assert login(username).get(f"/printing/declarations/{draft.pk}/review.pdf").status_code == 404


def test_forms_outside_the_viewers_scope_are_404(users, login, forwarded):
    for username in ("wjwreview", "hospitaladmin", "applicant"):
        client = login(username)
        for form in ("review", "brief", "check"):
            assert client.get(f"/printing/declarations/{forwarded.pk}/{form}.pdf").status_code == 404
        assert client.get(f"/printing/publicities/{forwarded.publicity_id}.pdf").status_code == 404
    # The 资格审查表 is the reviewers' own: the employer and the applicant do not get it.
    assert login("schooladmin").get(f"/printing/declarations/{forwarded.pk}/check.pdf").status_code == 404
    assert login("teacher").get(f"/printing/declarations/{forwarded.pk}/check.pdf").status_code == 404
    assert login("teacher").get(f"/printing/declarations/{forwarded.pk}/review.pdf").status_code == 200


def test_a_clerk_needs_the_print_tick(users, orgs, login, forwarded):
    from title_review.organisations.employers import create_sub_account

    clerk, _password = create_sub_account(
        actor=users["schooladmin"],
        employer_id=orgs["杭州第二中学"].pk,
        username="schoolclerk",
        real_name="钱干事",
        permissions=["view"],
    )
    clerk.must_change_password = False
    clerk.save()
    url = f"/printing/declarations/{forwarded.pk}/review.pdf"
    assert login("schoolclerk").get(url).status_code == 404
    clerk.permissions = ["view", "print"]
    clerk.save()
    assert login("schoolclerk").get(url).status_code == 200


def test_the_check_form_shows_each_items_result(users, login, forwarded):
    from title_review.reviews.models import CheckItem

    d = to_office(users, forwarded)
    keys = [key for key, _label in reviews.check_items_of(d)]
    reviews.check_item(actor=users["hzcheck"], declaration_id=d.pk, key=keys[0], verified=True)
    reviews.check_item(
        actor=users["hzcheck"], declaration_id=d.pk, key=keys[1], verified=False, reason="工作证明缺少单位盖章"
    )
    assert CheckItem.objects.filter(declaration=d).count() == 2
    text = pdf.compact(pdf.text(get_pdf(login("hzcheck"), f"/printing/declarations/{d.pk}/check.pdf")))
    for word in ("核实无误", "存在问题", "工作证明缺少单位盖章", "孙经办", "未审查", "资格审查中"):
        assert word in text, word
    assert "杭州第二中学教师（2008.08—至今）" in text, "each item names the snapshot's row, not its number"


def test_a_long_dossier_repeats_the_table_header_and_counts_its_pages(users, login, review_round, school_seal):
    draft = complete_draft(users["teacher"], review_round)
    add_achievements(users["teacher"], draft, 45)
    from title_review.declarations import services as declarations

    d = to_department(users, declarations.submit_declaration(actor=users["teacher"], declaration_id=draft.pk))
    content = get_pdf(login("zsadmin"), f"/printing/declarations/{d.pk}/review.pdf")
    pages = pdf.page_count(content)
    assert pages >= 3
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in pdf.compact(pdf.text(content, page))
    spanned = [page for page in range(1, pages + 1) if "实践研究（之" in pdf.compact(pdf.text(content, page))]
    assert len(spanned) >= 2, "the achievements table runs over more than one page"
    for page in spanned:
        page_text = pdf.text(content, page)
        assert "名称（题目）" in page_text and "期刊/出版社/授予单位" in page_text, f"no table header on page {page}"
    # The 评审简表 stays on one page however long the dossier is.
    brief = get_pdf(login("zsadmin"), f"/printing/declarations/{d.pk}/brief.pdf")
    assert pdf.page_count(brief) == 1
    assert "另有 37 项业绩成果" in pdf.text(brief)


def test_the_review_page_offers_the_forms_the_viewer_may_print(users, login, forwarded):
    page = login("hzcheck").get(f"/reviews/track/{forwarded.pk}/").content.decode()
    for url in ("review.pdf", "brief.pdf", "check.pdf"):
        assert f"/printing/declarations/{forwarded.pk}/{url}" in page
    assert f"/printing/publicities/{forwarded.publicity_id}.pdf" in page
    assert f"/printing/rounds/{forwarded.round_id}/summary.pdf" in page
    assert f"/printing/rounds/{forwarded.round_id}/review-forms/" in page and "批量打印评审表" in page
    own = login("teacher").get(f"/reviews/track/{forwarded.pk}/").content.decode()
    assert f"/printing/declarations/{forwarded.pk}/review.pdf" in own
    assert "check.pdf" not in own and "summary.pdf" not in own and "publicities" not in own
