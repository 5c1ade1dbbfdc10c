"""交换数据包 over HTTP and from the command line: who may, the pages, 我的下载, the commands."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.personas import persona
from title_review.access.menu import menu_for
from title_review.audit.models import AuditEvent
from title_review.exchange.models import ReceivedDeclaration, ReceivedFile
from title_review.exchange.services import import_package
from title_review.jobs.models import Job, JobStatus

from .factories import export_bytes, flip, members, rewrite

OUTSIDERS = ["schooladmin", "jyjadmin", "wjwadmin", "teacher", "auditor"]


@pytest.fixture
def package(users, accepted, pending):
    return export_bytes(users["hzadmin"], accepted.round_id)


@pytest.fixture
def received(users, package):
    import_package(actor=users["hzadmin"], source=io.BytesIO(package), package_name="2026中小学.zip")
    return ReceivedDeclaration.objects.get()


def _upload(content: bytes, name: str = "交换数据包.zip") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _menu_labels(user) -> list[str]:
    return [item["label"] for section in menu_for(user) for item in section["items"]]


def test_the_menu_item_shows_for_exchange_roles_only(users):
    for username in ("hzadmin", "hzcheck", "zjadmin", "xhadmin"):
        assert "交换数据包" in _menu_labels(users[username]), username
    for username in OUTSIDERS:
        assert "交换数据包" not in _menu_labels(users[username]), username


@pytest.mark.parametrize("username", OUTSIDERS)
def test_people_without_exchange_manage_are_refused(login, received, username):
    client = login(username)
    for name in ("exchange:index", "exchange:import", "exchange:received"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("exchange:export"), {"round": received.source_round_id}).status_code == 403
    assert client.post(reverse("exchange:import"), {"file": _upload(b"x")}).status_code == 403
    # Object addresses never confirm that the object exists.
    assert client.get(reverse("exchange:select", args=[received.source_round_id])).status_code == 404
    assert client.get(reverse("exchange:received_detail", args=[received.pk])).status_code == 404
    file = received.files.first()
    assert client.get(reverse("exchange:received_file", args=[received.pk, file.pk])).status_code == 404
    assert not Job.objects.exists()


def test_another_office_neither_exports_this_round_nor_sees_what_was_received(login, accepted, received):
    """西湖区职改办 holds exchange.manage, but for its own subtree: not 杭州第二中学, not 杭州市职改办's store."""
    client = login("xhadmin")
    page = client.get(reverse("exchange:index"))
    assert page.status_code == 200 and accepted.round.title not in page.content.decode()
    assert client.get(reverse("exchange:select", args=[accepted.round_id])).status_code == 404
    response = client.post(reverse("exchange:export"), {"round": accepted.round_id}, follow=True)
    assert "没有您可以导出的已受理申报材料" in response.content.decode()
    assert not Job.objects.exists()
    assert client.get(reverse("exchange:received_detail", args=[received.pk])).status_code == 404
    file = received.files.first()
    assert client.get(reverse("exchange:received_file", args=[received.pk, file.pk])).status_code == 404
    assert "朱老师" not in client.get(reverse("exchange:received")).content.decode()


def test_a_committee_secretary_imports_and_reads_but_has_nothing_to_export(users, orgs, client, package, accepted):
    secretary = persona(
        real_name="周秘书", role="committee_secretary", organisation=orgs["杭州市职称工作领导小组办公室"]
    )
    client.force_login(secretary)
    assert accepted.round.title not in client.get(reverse("exchange:index")).content.decode()
    response = client.post(reverse("exchange:import"), {"file": _upload(package)}, follow=True)
    assert "新增 1 份" in response.content.decode()
    item = ReceivedDeclaration.objects.get()
    assert item.received_by == secretary
    assert client.get(reverse("exchange:received_detail", args=[item.pk])).status_code == 200


def test_export_from_the_page_lands_in_my_downloads(
    login, users, accepted, pending, django_capture_on_commit_callbacks
):
    client = login("hzadmin")
    page = client.get(reverse("exchange:index")).content.decode()
    assert accepted.round.title in page and "1 份" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:export"), {"round": accepted.round_id})
    assert response.status_code == 302 and response["Location"] == reverse("jobs:downloads")
    job = Job.objects.get(owner=users["hzadmin"])
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (1, 1)
    assert job.result_name.startswith("交换数据包_2026_2026年度中小学教师职称评审_")
    assert job.result_name.endswith(".zip")
    assert "共 1 份申报材料、2 个附件" in job.message
    listing = client.get(reverse("jobs:downloads")).content.decode()
    assert "交换数据包：2026年度中小学教师职称评审（1 份）" in listing
    download = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    manifest = json.loads(members(content)["manifest.json"])
    assert [d["source_id"] for d in manifest["declarations"]] == [accepted.pk]


def test_the_selection_page_lists_only_accepted_declarations(
    login, users, accepted, pending, django_capture_on_commit_callbacks
):
    client = login("hzcheck")
    page = client.get(reverse("exchange:select", args=[accepted.round_id])).content.decode()
    assert "朱老师" in page and "韩申报" not in page
    response = client.post(
        reverse("exchange:export"), {"round": accepted.round_id, "selection": "1", "pick": [str(pending.pk)]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("exchange:select", args=[accepted.round_id])
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:export"), {"round": accepted.round_id, "selection": "1", "pick": [accepted.pk]})
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.params == {"round": accepted.round_id, "ids": [accepted.pk]}


def test_import_page_list_search_detail_and_file_download(login, users, accepted, package):
    client = login("hzadmin")
    assert "导入数据包" in client.get(reverse("exchange:import")).content.decode()
    response = client.post(reverse("exchange:import"), {"file": _upload(package, "2026中小学.zip")}, follow=True)
    page = response.content.decode()
    assert "数据包“2026中小学.zip”（2026年度中小学教师职称评审）共 1 份申报材料：已存在 0 份，新增 1 份。" in page
    assert "朱老师" in page and "杭州第二中学" in page
    item = ReceivedDeclaration.objects.get()

    again = client.post(reverse("exchange:import"), {"file": _upload(package)}, follow=True).content.decode()
    assert "已存在 1 份，新增 0 份" in again
    assert ReceivedDeclaration.objects.count() == 1

    url = reverse("exchange:received")
    assert "朱老师" in client.get(url, {"q": "朱"}).content.decode()
    assert "朱老师" not in client.get(url, {"q": "韩"}).content.decode()
    key = f"{item.source_installation}:{item.source_round_id}"
    assert "朱老师" in client.get(url, {"round": key}).content.decode()
    assert "朱老师" not in client.get(url, {"round": f"{item.source_installation}:999999"}).content.decode()

    detail = client.get(reverse("exchange:received_detail", args=[item.pk])).content.decode()
    assert accepted.snapshot_hash in detail and "材料摘要核对一致" in detail and "本系统" in detail
    assert "杭州师范大学" in detail and "评审表.pdf" in detail
    pdf = item.files.get(kind="review_form")
    download = client.get(reverse("exchange:received_file", args=[item.pk, pdf.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="exchange.file_download", object_id=str(item.pk)).exists()


def test_a_tampered_upload_shows_what_is_wrong_and_adds_nothing(login, package):
    client = login("hzadmin")
    path = json.loads(members(package)["manifest.json"])["declarations"][0]["snapshot"]
    tampered = rewrite(package, path, lambda content: flip(content, 10))
    response = client.post(reverse("exchange:import"), {"file": _upload(tampered)})
    assert response.status_code == 200
    assert f"数据包已被修改：{path} 的校验值不符。未导入任何数据" in response.content.decode()
    response = client.post(reverse("exchange:import"), {"file": _upload(package[: len(package) // 2])})
    assert "数据包已损坏或不完整" in response.content.decode()
    response = client.post(reverse("exchange:import"), {})
    assert "请填写交换数据包（.zip）。" in response.content.decode()
    assert ReceivedDeclaration.objects.count() == 0 and ReceivedFile.objects.count() == 0


def test_the_received_list_takes_a_bounded_number_of_queries(login, users, received, django_assert_max_num_queries):
    client = login("hzadmin")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("exchange:received")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("exchange:received_detail", args=[received.pk])).status_code == 200


# ---- management commands ------------------------------------------------------------------------


def test_export_and_import_commands(users, accepted, pending, tmp_path):
    out = tmp_path / "round.zip"
    stdout = io.StringIO()
    call_command("export_package", "--round", str(accepted.round_id), "--out", str(out), stdout=stdout)
    assert "已导出 1 份申报材料、2 个附件" in stdout.getvalue()
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert [d["source_id"] for d in manifest["declarations"]] == [accepted.pk]
    assert manifest["creator"]["name"] == "命令行导出"
    assert list(tmp_path.iterdir()) == [out]

    stdout = io.StringIO()
    call_command("import_package", str(out), "--user", "hzcheck", stdout=stdout)
    assert "已存在 0 份，新增 1 份" in stdout.getvalue()
    stdout = io.StringIO()
    call_command("import_package", str(out), "--user", "hzcheck", stdout=stdout)
    assert "已存在 1 份，新增 0 份" in stdout.getvalue()
    assert ReceivedDeclaration.objects.get().received_by == users["hzcheck"]


def test_commands_refuse_with_the_same_sentences(users, accepted, package, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(package[:-40])
    with pytest.raises(CommandError, match="数据包已损坏或不完整"):
        call_command("import_package", str(bad), "--user", "hzadmin")
    good = tmp_path / "good.zip"
    good.write_bytes(package)
    with pytest.raises(CommandError, match="您没有“交换数据包”的权限"):
        call_command("import_package", str(good), "--user", "schooladmin")
    with pytest.raises(CommandError, match="没有登录名为“nobody”的账号"):
        call_command("import_package", str(good), "--user", "nobody")
    out = tmp_path / "nothing.zip"
    with pytest.raises(CommandError, match="没有可导出的已受理申报材料"):
        call_command("export_package", "--round", "999999", "--out", str(out))
    assert not out.exists()
    assert ReceivedDeclaration.objects.count() == 0
