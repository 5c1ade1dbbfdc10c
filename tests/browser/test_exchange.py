"""交换数据包 in the browser: the 杭州市职改办 exports a round's accepted declarations, downloads the package
from 我的下载, imports it on the import page and finds the declaration among the received ones; a second
import adds nothing and a tampered package is refused with the name of the changed file.
"""

import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from .pages import field, named, open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser
ROUND = "2026年度中小学教师职称评审"


@pytest.fixture
def accepted(site):
    """朱老师's declaration, accepted by the 杭州市职改办 (made through the review services)."""
    from title_review.exchange.tests.factories import accepted_for, publish_round

    return accepted_for("teacher", publish_round(ROUND))


def open_import_page(page: Page) -> None:
    open_menu(page, "交换数据包")
    with page.expect_navigation():
        page.get_by_role("link", name=named("导入数据包")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入数据包")


def upload(page: Page, path) -> None:
    field(page, "交换数据包（.zip）").set_input_files(path)
    submit(page, "导入")


def test_export_download_import_and_find_the_received_declaration(page: Page, accepted, tmp_path):
    sign_in(page, "hzadmin")
    open_menu(page, "交换数据包")
    row = page.get_by_role("row").filter(has_text=ROUND)
    expect(row).to_contain_text("1 份")
    screenshot(page, "exchange-index")
    with page.expect_navigation():
        row.get_by_role("button", name=f"导出数据包：{ROUND}").click()

    # The export runs in the background and lands in 我的下载.
    expect(page.get_by_role("heading", level=1)).to_have_text("我的下载")
    expect(page.get_by_role("alert").filter(has_text=f"已开始“交换数据包：{ROUND}（1 份）”")).to_be_visible()
    job = page.get_by_role("row").filter(has_text=f"交换数据包：{ROUND}")
    expect(job).to_contain_text("已完成")
    expect(job).to_contain_text("共 1 份申报材料、2 个附件")
    with page.expect_download() as download:
        job.get_by_role("link", name="下载", exact=True).click()
    package = tmp_path / download.value.suggested_filename
    download.value.save_as(package)
    assert package.name.startswith("交换数据包_2026_") and package.suffix == ".zip"
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert [d["applicant_name"] for d in manifest["declarations"]] == ["朱老师"]

    # Imported on the import page: the received list shows it, with the report of what was added.
    open_import_page(page)
    upload(page, package)
    expect(page.get_by_role("heading", level=1)).to_have_text("已接收的申报材料")
    expect(page.get_by_role("alert")).to_contain_text("已存在 0 份，新增 1 份")
    received = page.get_by_role("table", name="已接收的申报材料").get_by_role("row").filter(has_text="朱老师")
    expect(received).to_contain_text("杭州第二中学")
    expect(received).to_contain_text(ROUND)
    screenshot(page, "exchange-received")
    with page.expect_navigation():
        received.get_by_role("link", name="查看 朱老师").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"朱老师 · {ROUND}")
    expect(page.get_by_test_id("snapshot-hash")).to_have_text(accepted.snapshot_hash)
    expect(page.get_by_test_id("integrity")).to_have_text("材料摘要核对一致")
    expect(page.get_by_role("table", name="附件")).to_contain_text("评审表.pdf")
    screenshot(page, "exchange-detail")

    # The same package again adds nothing.
    open_import_page(page)
    upload(page, package)
    expect(page.get_by_role("alert")).to_contain_text("已存在 1 份，新增 0 份")
    rows = page.get_by_role("table", name="已接收的申报材料").get_by_role("row")
    expect(rows.filter(has_text="朱老师")).to_have_count(1)

    # A package changed by one byte is refused, naming the file, and the form stays usable.
    tampered = tmp_path / "被修改的数据包.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "snapshots/1.json":
                content = content.replace("朱老师".encode(), "王老师".encode())
            target.writestr(name, content)
    open_import_page(page)
    upload(page, tampered)
    expect(page.get_by_role("heading", level=1)).to_have_text("导入数据包")
    expect(page.get_by_role("alert")).to_contain_text("数据包已被修改：snapshots/1.json 的校验值不符。未导入任何数据")
    screenshot(page, "exchange-refused")
