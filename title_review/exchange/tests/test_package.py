"""交换数据包 through its services: what a package holds, the round trip, idempotency and every refusal."""

import hashlib
import io
import json
import uuid
import zipfile

import pytest
from django.db import transaction

from title_review.attachments.models import Attachment
from title_review.attachments.services import attachments_of
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError
from title_review.declarations.models import Declaration
from title_review.exchange import package as fmt
from title_review.exchange.models import Installation, ReceivedDeclaration, ReceivedFile
from title_review.exchange.selectors import local_installation
from title_review.exchange.services import import_package

from .factories import (
    accept_through_chain,
    accepted_for,
    build,
    export_bytes,
    flip,
    member_data_offset,
    members,
    publish_round,
    rewrite,
)

REFUSED_SUFFIX = "未导入任何数据"


def _import(users, data: bytes, name: str = "包.zip", username: str = "hzadmin"):
    return import_package(actor=users[username], source=io.BytesIO(data), package_name=name)


def _nothing_received():
    return ReceivedDeclaration.objects.count() == 0 and ReceivedFile.objects.count() == 0


@pytest.fixture
def package(users, accepted, pending):
    """The round's package as 钱市办 (杭州市职改办管理员) exports it: 朱老师 accepted, the hospital's pending."""
    return export_bytes(users["hzadmin"], accepted.round_id)


def _snapshot_path(data: bytes) -> str:
    return json.loads(members(data)["manifest.json"])["declarations"][0]["snapshot"]


def _attachment_paths(data: bytes) -> list[str]:
    return sorted(name for name in members(data) if name.startswith("attachments/"))


# ---- what a package holds -------------------------------------------------------------------------


def test_the_package_holds_manifest_snapshots_attachments_and_checksums(users, accepted, pending, package):
    files = members(package)
    manifest_bytes = files["manifest.json"]
    manifest = json.loads(manifest_bytes)
    assert files["manifest.sha256"].decode() == f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n"
    assert (manifest["format"], manifest["version"]) == (fmt.FORMAT, fmt.VERSION)
    assert manifest["source"] == {"installation": local_installation(), "organisation": "杭州市职称工作领导小组办公室"}
    assert manifest["creator"] == {"username": "hzadmin", "name": "钱市办"}
    assert manifest["round"] == {
        "id": accepted.round_id,
        "title": "2026年度中小学教师职称评审",
        "year": 2026,
        "kind": "review",
        "publisher": "杭州市职称工作领导小组办公室",
    }
    # Only the accepted declaration: the hospital's submitted one stays home.
    [entry] = manifest["declarations"]
    assert (entry["source_id"], entry["applicant_name"], entry["snapshot_hash"]) == (
        accepted.pk,
        "朱老师",
        accepted.snapshot_hash,
    )
    assert pending.pk not in [d["source_id"] for d in manifest["declarations"]]
    # The snapshot in the exact canonical bytes its hash was taken of.
    snapshot_bytes = files[entry["snapshot"]]
    assert snapshot_bytes == fmt.canonical_json(accepted.snapshot)
    assert hashlib.sha256(snapshot_bytes).hexdigest() == accepted.snapshot_hash
    # Every attachment of the snapshot, each stored once under its SHA-256 (the two white PNGs are one file).
    stored = {a.sha256 for a in attachments_of(accepted)}
    assert _attachment_paths(package) == sorted(f"attachments/{sha}" for sha in stored)
    assert len(entry["files"]) == 3 and {f["path"] for f in entry["files"]} == set(_attachment_paths(package))
    for f in entry["files"]:
        assert hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"] and len(files[f["path"]]) == f["size"]
    # `contents` lists every file but the two manifest files, with its checksum and size.
    listed = {c["path"]: (c["sha256"], c["size"]) for c in manifest["contents"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sha256"}
    for path, (sha256, size) in listed.items():
        assert (hashlib.sha256(files[path]).hexdigest(), len(files[path])) == (sha256, size)
    assert AuditEvent.objects.filter(action="exchange.export", object_id=str(accepted.round_id)).exists()


def test_the_installation_id_is_stable(db):
    first = local_installation()
    assert local_installation() == first and Installation.objects.count() == 1
    assert uuid.UUID(first)


# ---- the round trip --------------------------------------------------------------------------------


def test_exported_then_imported_as_another_installation_keeps_every_hash(users, accepted, package):
    """The receiving side is simulated in the same test database by giving it another installation id:
    the import must take the source's id from the package, not from the database it runs in."""
    source_installation = local_installation()
    Installation.objects.filter(pk=1).update(uuid=uuid.uuid4())
    assert local_installation() != source_installation

    result = _import(users, package)

    assert (result.total, result.added, result.existing) == (1, 1, 0)
    received = ReceivedDeclaration.objects.get()
    assert received.source_installation == source_installation
    assert (received.source_id, received.applicant_name, received.employer_name) == (
        accepted.pk,
        "朱老师",
        "杭州第二中学",
    )
    assert (received.round_title, received.round_year, received.round_kind) == (
        "2026年度中小学教师职称评审",
        2026,
        "review",
    )
    assert received.snapshot_hash == accepted.snapshot_hash
    assert fmt.snapshot_digest(received.snapshot) == accepted.snapshot_hash
    assert received.snapshot == accepted.snapshot
    assert (received.received_by, received.organisation) == (users["hzadmin"], users["hzadmin"].organisation)
    source_files = sorted((a.sha256, a.size, a.original_name) for a in attachments_of(accepted))
    assert sorted((f.sha256, f.size, f.name) for f in received.files.all()) == source_files
    for f in received.files.all():
        with f.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == f.sha256
    assert {f.content_type for f in received.files.all()} == {"image/png", "application/pdf"}
    event = AuditEvent.objects.get(action="exchange.import")
    assert event.after["added"] == [received.pk] and event.after["source_installation"] == source_installation


@pytest.fixture(scope="module")
def foreign_package(django_db_setup, django_db_blocker, tmp_path_factory):
    """A package made by "another installation", honestly: the accepted declaration, its
    attachments and the installation row are created (on the session's demo tree) inside a
    transaction that is rolled back once the package file is written. The test that imports it
    therefore runs on a database where the source rows never existed, with a different installation
    id of its own."""
    from title_review.accounts.models import User
    from title_review.exchange.services import export_package

    path = tmp_path_factory.mktemp("exchange") / "另一系统.zip"
    with django_db_blocker.unblock(), transaction.atomic():
        declaration = accepted_for("teacher", publish_round())
        export_package(actor=User.objects.get(username="hzcheck"), round_id=declaration.round_id, out=path)
        source = {
            "installation": local_installation(),
            "hash": declaration.snapshot_hash,
            "snapshot": declaration.snapshot,
            "files": sorted((a.sha256, a.size) for a in attachments_of(declaration)),
        }
        transaction.set_rollback(True)
    return path, source


def test_a_package_imports_into_a_database_that_never_held_its_declarations(users, foreign_package):
    path, source = foreign_package
    assert Declaration.objects.count() == 0 and Attachment.objects.count() == 0
    assert _nothing_received()
    assert local_installation() != source["installation"]

    with path.open("rb") as handle:
        result = import_package(actor=users["hzadmin"], source=handle, package_name=path.name)

    assert result.message.endswith("已存在 0 份，新增 1 份。")
    received = ReceivedDeclaration.objects.get()
    assert received.source_installation == source["installation"]
    assert received.snapshot_hash == source["hash"] == fmt.snapshot_digest(received.snapshot)
    assert received.snapshot == source["snapshot"]
    assert sorted((f.sha256, f.size) for f in received.files.all()) == source["files"]
    assert received.package_creator == "孙经办（hzcheck）"


def test_importing_the_same_package_twice_adds_nothing(users, package):
    first = _import(users, package)
    counts = (ReceivedDeclaration.objects.count(), ReceivedFile.objects.count())
    again = _import(users, package, name="再次导入.zip")
    assert (again.added, again.existing) == (0, 1)
    assert "已存在 1 份，新增 0 份" in again.message
    assert (ReceivedDeclaration.objects.count(), ReceivedFile.objects.count()) == counts == (1, 3)
    assert first.added == 1
    # A package exported again later (new time, new manifest) still adds nothing: same material, same source.
    later = export_bytes(users["hzcheck"], ReceivedDeclaration.objects.get().source_round_id)
    assert later != package
    assert _import(users, later).added == 0
    assert ReceivedDeclaration.objects.count() == 1


def test_a_second_accepted_declaration_is_added_beside_the_first(users, accepted, pending, package):
    _import(users, package)
    accept_through_chain(pending)
    bigger = export_bytes(users["hzadmin"], accepted.round_id)
    result = _import(users, bigger)
    assert (result.total, result.added, result.existing) == (2, 1, 1)
    assert sorted(ReceivedDeclaration.objects.values_list("applicant_name", flat=True)) == ["朱老师", "韩申报"]


def test_a_selection_exports_only_the_chosen_accepted_declarations(users, accepted, pending):
    with pytest.raises(DomainError, match="有 1 份不是该评审活动已受理的材料"):
        export_bytes(users["hzadmin"], accepted.round_id, [accepted.pk, pending.pk])
    with pytest.raises(DomainError, match="请选择要导出的申报材料"):
        export_bytes(users["hzadmin"], accepted.round_id, [])
    second = accept_through_chain(pending)
    chosen = json.loads(members(export_bytes(users["hzadmin"], accepted.round_id, [second.pk]))["manifest.json"])
    assert [d["source_id"] for d in chosen["declarations"]] == [second.pk]


# ---- refusals: nothing is written ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["snapshot", "attachment", "manifest"])
def test_one_flipped_byte_refuses_the_whole_package(users, package, target):
    name = {
        "snapshot": _snapshot_path(package),
        "attachment": _attachment_paths(package)[0],
        "manifest": "manifest.json",
    }[target]
    tampered = rewrite(package, name, lambda content: flip(content, len(content) // 2))
    with pytest.raises(fmt.PackageRefused) as refused:
        _import(users, tampered)
    assert refused.value.message.startswith(f"数据包已被修改：{name} 的校验值不符")
    assert REFUSED_SUFFIX in refused.value.message
    assert _nothing_received()
    assert not AuditEvent.objects.filter(action="exchange.import").exists()


def test_every_single_byte_flip_in_snapshot_attachments_and_manifest_is_refused(package):
    """Exhaustive over the content of each member (verification only: it writes nothing anyway)."""
    names = [_snapshot_path(package), *_attachment_paths(package), "manifest.json", "manifest.sha256"]
    files = members(package)
    for name in names:
        for position in range(len(files[name])):
            tampered = build({**files, name: flip(files[name], position)})
            with pytest.raises(fmt.PackageRefused, match="数据包已被修改"):
                fmt.open_package(io.BytesIO(tampered)).close()


def test_a_flipped_byte_in_the_zip_file_itself_never_brings_in_different_content(package):
    """Bytes of the zip's own bookkeeping (timestamps, attributes) may change harmlessly; any flip that
    touches content is caught (zip CRC or our checksums). No flip yields a package whose content differs."""
    original = fmt.open_package(io.BytesIO(package))
    expected = [(d.snapshot_hash, d.files) for d in original.declarations]
    original.close()
    refused = 0
    for position in range(len(package)):
        try:
            verified = fmt.open_package(io.BytesIO(flip(package, position)))
        except fmt.PackageRefused:
            refused += 1
            continue
        assert [(d.snapshot_hash, d.files) for d in verified.declarations] == expected
        verified.close()
    assert refused > len(package) // 2


def test_a_flipped_byte_inside_a_stored_attachment_is_caught_as_damage(users, package):
    name = _attachment_paths(package)[-1]
    damaged = flip(package, member_data_offset(package, name) + 5)
    with pytest.raises(fmt.PackageRefused, match=f"数据包已损坏：{name} 无法读取"):
        _import(users, damaged)
    assert _nothing_received()


def test_an_edited_snapshot_with_recomputed_checksums_is_still_refused_by_its_material_hash(users, package):
    """Someone edits a snapshot and fixes `contents` and manifest.sha256, but cannot fix the hash
    the reviewers accepted: the canonical hash of the snapshot must equal snapshot_hash."""
    files = members(package)
    path = _snapshot_path(package)
    edited = files[path].replace("杭州师范大学".encode(), "北京大学".encode())
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["contents"]:
        if entry["path"] == path:
            entry.update(sha256=hashlib.sha256(edited).hexdigest(), size=len(edited))
    manifest_bytes = json.dumps(manifest, ensure_ascii=False).encode()
    forged = build(
        {
            **files,
            path: edited,
            "manifest.json": manifest_bytes,
            "manifest.sha256": f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode(),
        }
    )
    with pytest.raises(fmt.PackageRefused, match="材料摘要与 snapshots/1.json 的校验值不一致"):
        _import(users, forged)
    assert _nothing_received()


def test_a_complete_forgery_cannot_change_what_was_received(users, accepted, package):
    """Checksums are not signatures (ADR 0016): someone who rewrites a snapshot AND every hash makes a
    consistent package. It can never alter a received declaration, though — it arrives as a separate
    one whose 材料摘要 differs from the one in the source's 审核记录, and the original stays as it was."""
    _import(users, package)
    files = members(package)
    path = _snapshot_path(package)
    snapshot = json.loads(files[path])
    snapshot["records"]["education"][0]["school"] = "北京大学"
    edited = fmt.canonical_json(snapshot)
    digest = hashlib.sha256(edited).hexdigest()
    manifest = json.loads(files["manifest.json"])
    manifest["declarations"][0]["snapshot_hash"] = digest
    for entry in manifest["contents"]:
        if entry["path"] == path:
            entry.update(sha256=digest, size=len(edited))
    manifest_bytes = json.dumps(manifest, ensure_ascii=False).encode()
    forged = build(
        {
            **files,
            path: edited,
            "manifest.json": manifest_bytes,
            "manifest.sha256": f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode(),
        }
    )
    assert _import(users, forged).added == 1
    original = ReceivedDeclaration.objects.get(snapshot_hash=accepted.snapshot_hash)
    assert original.snapshot == accepted.snapshot
    assert ReceivedDeclaration.objects.exclude(pk=original.pk).get().snapshot_hash != accepted.snapshot_hash


@pytest.mark.parametrize("cut", ["half", "last_byte", "central_directory"])
def test_a_truncated_package_is_refused(users, package, cut):
    length = {"half": len(package) // 2, "last_byte": len(package) - 1, "central_directory": len(package) - 30}[cut]
    with pytest.raises(fmt.PackageRefused, match="数据包已损坏或不完整"):
        _import(users, package[:length])
    assert _nothing_received()


@pytest.mark.parametrize("evil", ["../evil", "snapshots/../../evil.json", "/etc/passwd", "C:/evil", "a\\..\\evil"])
def test_unsafe_member_names_are_refused(users, package, evil):
    tampered = build({**members(package), evil: b"owned"})
    with pytest.raises(fmt.PackageRefused, match="数据包含有不安全的文件名"):
        _import(users, tampered)
    assert _nothing_received()


def test_a_manifest_naming_a_path_outside_the_package_layout_is_refused(users, package):
    files = members(package)
    manifest = json.loads(files["manifest.json"])
    manifest["contents"].append({"path": "../evil", "sha256": "0" * 64, "size": 5})
    manifest_bytes = json.dumps(manifest).encode()
    forged = build(
        {
            **files,
            "manifest.json": manifest_bytes,
            "manifest.sha256": f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode(),
        }
    )
    with pytest.raises(fmt.PackageRefused, match="“../evil”不合规"):
        _import(users, forged)


def test_extra_and_missing_files_are_refused(users, package):
    with pytest.raises(fmt.PackageRefused, match="数据包含有清单之外的文件：readme.txt"):
        _import(users, build({**members(package), "readme.txt": b"hello"}))
    files = members(package)
    gone = _attachment_paths(package)[0]
    del files[gone]
    with pytest.raises(fmt.PackageRefused, match=f"数据包不完整：缺少 {gone}"):
        _import(users, build(files))
    files = members(package)
    del files["manifest.sha256"]
    with pytest.raises(fmt.PackageRefused, match="缺少清单校验文件 manifest.sha256"):
        _import(users, build(files))
    assert _nothing_received()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "无法作为 zip 文件读取"),
        (b"PK\x03\x04 not really a zip", "无法作为 zip 文件读取"),
        ("姓名,身份证号\n".encode(), "无法作为 zip 文件读取"),
    ],
)
def test_files_that_are_not_packages_are_refused(users, content, message):
    with pytest.raises(fmt.PackageRefused, match=message):
        _import(users, content)


def test_a_zip_that_is_not_an_exchange_package_is_refused(users):
    with pytest.raises(fmt.PackageRefused, match="缺少清单文件 manifest.json"):
        _import(users, build({"a.txt": b"x"}))
    manifest = json.dumps({"format": "something-else"}).encode()
    other = build(
        {
            "manifest.json": manifest,
            "manifest.sha256": f"{hashlib.sha256(manifest).hexdigest()}  manifest.json\n".encode(),
        }
    )
    with pytest.raises(fmt.PackageRefused, match="不是本系统导出的交换数据包"):
        _import(users, other)


def test_a_newer_format_version_is_refused_with_advice(users, package):
    files = members(package)
    manifest = json.loads(files["manifest.json"])
    manifest["version"] = fmt.VERSION + 1
    manifest_bytes = json.dumps(manifest).encode()
    newer = build(
        {
            **files,
            "manifest.json": manifest_bytes,
            "manifest.sha256": f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode(),
        }
    )
    with pytest.raises(fmt.PackageRefused, match="版本 2 不受支持.*请升级系统后再导入"):
        _import(users, newer)


def test_export_refuses_material_whose_stored_file_no_longer_matches_its_hash(users, accepted):
    """The package must carry what the reviewers accepted: a stored file changed behind the system's
    back stops the export, naming the applicant and the file."""
    attachment = attachments_of(accepted).get(kind="review_form")
    storage, name = attachment.file.storage, attachment.file.name
    storage.delete(name)
    storage.save(name, io.BytesIO(b"%PDF-1.4\n% changed\n%%EOF\n"))
    with pytest.raises(DomainError, match="朱老师的附件“评审表.pdf”与提交时的记录不符"):
        export_bytes(users["hzadmin"], accepted.round_id)


def _stored_exchange_files() -> set[str]:
    from django.core.files.storage import default_storage

    found: set[str] = set()

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        directories, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" for name in files)
        for directory in directories:
            walk(f"{folder}/{directory}")

    walk("exchange")
    return found


def test_a_failed_import_leaves_no_stored_files_behind(users, package, monkeypatch):
    """A failure after files were stored (here: the audit row) rolls back the rows and removes the files."""
    from title_review.exchange import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    before = _stored_exchange_files()
    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _import(users, package)
    assert _nothing_received()
    assert _stored_exchange_files() == before
    monkeypatch.undo()
    _import(users, package)
    assert len(_stored_exchange_files() - before) == 3


def test_the_package_lists_files_zipfile_reads_with_standard_tools(package):
    """Operators can check a package by hand: unzip, then `sha256sum -c manifest.sha256`."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        line = archive.read("manifest.sha256").decode()
        assert hashlib.sha256(archive.read("manifest.json")).hexdigest() == line.split()[0]
