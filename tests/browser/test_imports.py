"""接收原系统数据 — 证书信息 in a real browser: an office user downloads the template, fills it in, uploads a
file with a bad row and sees that row's number and reason, uploads the fixed file, 确认导入, sees 导入成功
and finds the certificates in 证书信息 with their identity numbers masked."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from title_review.core.identity import check_digit

from .pages import field, named, open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser


def identity(n: int) -> str:
    first17 = f"33010619780203{n:03d}"
    return first17 + check_digit(first17)


PEOPLE = [
    ("钱证书", identity(1), "0102 副教授", "2016-12-30", "浙高校2016000101"),
    ("孙证书", identity(2), "0103 讲师", "2012-06-28", "浙中职2012000202"),
    ("李证书", identity(3), "0102 副教授", "2019-01-15", "浙高校2019000303"),
]


def fill_template(template_path, target, people):
    """What a person does in Excel: type rows into the downloaded template and save it."""
    workbook = load_workbook(template_path)
    sheet = workbook["证书信息"]
    for row, (name, number, qualification, day, certificate) in enumerate(people, start=2):
        values = [name, "居民身份证", number, qualification, day, certificate, "浙江省人力资源和社会保障厅"]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    workbook.save(target)
    return target


def upload(page: Page, path) -> None:
    field(page, "导入文件（.xlsx）").set_input_files(str(path))
    submit(page, "上传并预检")


def test_office_imports_legacy_certificates_fixing_a_bad_row_first(page: Page, tmp_path):
    sign_in(page, "hzadmin")
    open_menu(page, "导入证书信息")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / info.value.suggested_filename
    info.value.save_as(template)
    assert template.name == "证书信息导入模板.xlsx"
    sheet = load_workbook(template)["证书信息"]
    assert [c.value for c in sheet[1]][:3] == ["*姓名", "*证件类型", "*证件号码"]
    assert {v.type for v in sheet.data_validations.dataValidation} == {"list"}

    # Row 3 has a mistyped identity number (the check digit does not match).
    bad = list(PEOPLE)
    name, number, *rest = bad[1]
    bad[1] = (name, number[:17] + ("1" if number[17] != "1" else "2"), *rest)
    upload(page, fill_template(template, tmp_path / "证书信息_有错.xlsx", bad))
    expect(page.get_by_role("alert")).to_contain_text("预检发现 1 行有错误，未导入任何数据")
    bad_row = page.get_by_test_id("import-row-3")
    expect(bad_row).to_contain_text("第 3 行")
    expect(bad_row).to_contain_text("证件号码校验位不正确")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot(page, "import-certificates-bad-row")

    upload(page, fill_template(template, tmp_path / "证书信息.xlsx", PEOPLE))
    expect(page.get_by_role("status").filter(has_text="预检通过")).to_contain_text("共 3 行")
    submit(page, "确认导入")
    expect(page.get_by_test_id("import-summary")).to_contain_text("导入成功：共导入 3 条证书信息")
    screenshot(page, "import-certificates-done")

    open_menu(page, "证书信息")
    table = page.get_by_role("table", name="证书列表")
    for name, number, qualification, day, certificate in PEOPLE:
        row = table.get_by_role("row").filter(has_text=certificate)
        expect(row).to_contain_text(name)
        expect(row).to_contain_text(qualification.split()[1])
        expect(row).to_contain_text(day)
        expect(row).to_contain_text(number[:6] + "********" + number[-4:])
        expect(row).not_to_contain_text(number)
    field(page, "姓名、证书编号、资格名称或证件号码").fill("孙证书")
    submit(page, "查询")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and 孙证书
    expect(page.get_by_role("link", name=named("导入证书信息")).first).to_be_visible()
