"""An applicant uploads files: only genuine, clean files of the right type and size are kept."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from title_review.attachments.models import Attachment
from title_review.attachments.services import upload_attachment
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed

from .helpers import PDF, image_bytes, jpeg, one_page_pdf, pdf, stored_bytes

MB = 1024 * 1024


def _upload(users, kind, upload, **kwargs):
    applicant = users["applicant"]
    return upload_attachment(actor=applicant, owner=applicant, kind=kind, upload=upload, **kwargs)


@pytest.mark.parametrize(
    ("kind", "upload", "message"),
    [
        ("review_form", pdf("评审表.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200), "内容与扩展名不符"),
        (
            "review_form",
            pdf("评审表.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
            "内容与扩展名不符",
        ),
        ("review_form", pdf("评审表.pdf", one_page_pdf(b"/OpenAction << /S /JavaScript /JS (x) >>")), "含有脚本"),
        ("review_form", pdf("评审表.pdf", PDF[:-60] + PDF[-60:].replace(b"/Root", b"/Encrypt 9 0 R /Root")), "加密"),
        ("review_form", SimpleUploadedFile("评审表.doc", b"whatever"), "只能是 PDF 格式"),
        ("photo", SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0 this is not a picture"), "不是有效的图片"),
        ("photo", pdf("照片.pdf"), "只能是 JPG、PNG 格式"),
        ("photo", SimpleUploadedFile("照片.png", b""), "空文件"),
        ("photo", None, "请上传证件照"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(users, kind, upload, message):
    with pytest.raises(DomainError) as refused:
        _upload(users, kind, upload)
    assert message in refused.value.message
    assert not Attachment.objects.exists()


def test_a_review_form_over_4_mb_is_refused(users):
    with pytest.raises(DomainError) as refused:
        _upload(users, "review_form", pdf(content=PDF + b"0" * (4 * MB)))
    assert refused.value.message == "评审表不能超过 4 MB。"


@override_settings(ATTACHMENT_LIMITS={"review_form": 1536 * 1024})
def test_limits_come_from_settings(users):
    with pytest.raises(DomainError, match=r"不能超过 1\.5 MB"):
        _upload(users, "review_form", pdf(content=PDF + b"0" * (2 * MB)))
    assert _upload(users, "review_form", pdf(content=PDF + b"0" * MB)).size > MB


def test_a_pixel_bomb_is_refused_before_it_is_decoded(users):
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG")  # tiny file, 50 megapixels
    with pytest.raises(DomainError, match="像素过大"):
        _upload(users, "photo", SimpleUploadedFile("大图.png", out.getvalue()))


def test_sha256_and_size_describe_the_stored_bytes(users):
    attachment = _upload(users, "review_form", pdf())
    content = stored_bytes(attachment)
    assert content == PDF
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.content_type == "application/pdf"
    assert attachment.owner == attachment.uploaded_by == users["applicant"]


def test_files_are_stored_under_random_names(users):
    first = _upload(users, "review_form", pdf("张三 评审表.pdf"))
    second = _upload(users, "review_form", pdf("张三 评审表.pdf"))
    for attachment in (first, second):
        assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
        assert "评审表" not in attachment.file.name
        assert attachment.original_name == "张三 评审表.pdf"
    assert first.file.name != second.file.name


def test_the_original_name_loses_directories_and_control_characters(users):
    attachment = _upload(users, "review_form", pdf("评审\r\n表.pdf"))
    assert attachment.original_name == "评审表.pdf"


def test_a_photo_loses_its_exif_metadata(users):
    upload = jpeg(exif={0x010F: "PhoneMaker", 0x8298: "secret owner"})
    assert b"PhoneMaker" in upload.read()
    upload.seek(0)
    attachment = _upload(users, "photo", upload)
    content = stored_bytes(attachment)
    assert b"PhoneMaker" not in content and b"Exif" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()
        assert image.size == (300, 200)


def test_a_large_image_is_scaled_to_2400_px(users):
    attachment = _upload(users, "certificate", jpeg("证书.jpg", size=(4000, 3000)))
    with Image.open(io.BytesIO(stored_bytes(attachment))) as image:
        assert image.size == (2400, 1800)
        assert image.format == "JPEG"
    assert attachment.size == len(stored_bytes(attachment))


def test_a_large_png_stays_a_png(users):
    upload = SimpleUploadedFile("证书.png", image_bytes((2000, 5000), format="PNG"))
    attachment = _upload(users, "certificate", upload)
    with Image.open(io.BytesIO(stored_bytes(attachment))) as image:
        assert image.format == "PNG" and image.size == (960, 2400)
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


def test_a_phone_photo_is_turned_upright(users):
    # Orientation 6: the camera stored it lying on its side and asks viewers to rotate it.
    attachment = _upload(users, "photo", jpeg(size=(400, 200), exif={0x0112: 6}))
    with Image.open(io.BytesIO(stored_bytes(attachment))) as image:
        assert image.size == (200, 400)
        assert not image.getexif()


def test_an_upload_is_audited(users):
    attachment = _upload(users, "review_form", pdf())
    event = AuditEvent.objects.get(action="attachment.upload")
    assert event.object_id == str(attachment.pk)
    assert event.after["sha256"] == attachment.sha256


def test_nobody_uploads_for_someone_else_without_a_target(users):
    with pytest.raises(NotAllowed):
        upload_attachment(actor=users["hospitaladmin"], owner=users["applicant"], kind="review_form", upload=pdf())


def test_an_unknown_type_is_refused(users):
    with pytest.raises(DomainError, match="未知的附件类型"):
        _upload(users, "resume", pdf())


def test_the_limits_setting_is_checked_at_start_up():
    from title_review.attachments.checks import check_attachment_limits

    with override_settings(ATTACHMENT_LIMITS={"paper": 30 * MB}):
        assert check_attachment_limits() == []
    with override_settings(ATTACHMENT_LIMITS={"resume": MB, "paper": 0}):
        assert [e.id for e in check_attachment_limits()] == ["attachments.E002", "attachments.E003"]
