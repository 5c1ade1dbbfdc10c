"""Import files are checked as zip archives before openpyxl parses them, and error pages stay small.

Issue 10, finding 3: a 205 KB .xlsx whose shared strings unpacked to 200 MB took 47 s and 2 GB on
导入单位工作人员; a 22 KB file with a long header cell produced a 21 MB error page.
"""

import io
import re
import secrets
import struct
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from title_review.core.errors import DomainError

STAFF_IMPORT = "/organisations/employer/staff/import/"
STAFF_HEADERS = ["*证件类型", "*证件号码", "*姓名"]


def workbook_bytes(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(content: bytes, name: str, data: bytes) -> bytes:
    """The same package with one member replaced (or added), deflated as Excel does."""
    return with_members(content, {name: data})


def with_members(content: bytes, members: dict[str, bytes]) -> bytes:
    """The same package with these members replaced (or added, at the end in this order), in one pass:
    each member is deflated once, however large."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in members:
                dst.writestr(info.filename, src.read(info.filename))
        for name, data in members.items():
            dst.writestr(name, data)
    return out.getvalue()


def shared_strings_bomb(megabytes: int) -> bytes:
    """A workbook whose header cell points at one shared string of `megabytes` MB of one character."""
    plain = workbook_bytes(STAFF_HEADERS, [["居民身份证", "330106198501010012", "张三"]])
    text = b"A" * (megabytes * 1024 * 1024)
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>"
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    members = {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet}
    types = zipfile.ZipFile(io.BytesIO(plain)).read("[Content_Types].xml")
    if b"sharedStrings" not in types:
        override = (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sharedStrings+xml"/></Types>'
        )
        members["[Content_Types].xml"] = types.replace(b"</Types>", override)
    return with_members(plain, members)


def upload(content: bytes, name: str = "staff.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _form_errors(response) -> str:
    return " ".join(response.context["form"].errors.get("file", []))


def test_a_shared_strings_bomb_is_refused_before_it_is_parsed(login, seeded):
    bomb = shared_strings_bomb(200)  # 200 MB of text, as in the report
    assert len(bomb) < 400 * 1024
    # The workbook reader must never see it: the archive is refused on its declared sizes.
    from title_review.core.importing import reading

    with mock.patch.object(reading, "Workbook", wraps=reading.Workbook) as parse:
        response = login("hospitaladmin").post(STAFF_IMPORT, {"file": upload(bomb)})
    assert not parse.called
    assert response.status_code == 200
    assert "解压后" in _form_errors(response)
    assert len(response.content) < 100_000


def test_each_archive_cap_has_its_own_clear_refusal(settings):
    from title_review.core.excel import check_xlsx_archive

    legit = workbook_bytes(STAFF_HEADERS, [["居民身份证", "330106198501010012", "张三"]] * 2000)
    check_xlsx_archive(legit)  # an ordinary file passes every cap

    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 50_000
    with pytest.raises(DomainError, match="解压后超过"):
        check_xlsx_archive(legit)
    del settings.XLSX_MAX_UNCOMPRESSED_BYTES

    with pytest.raises(DomainError, match="文字内容过多"):
        check_xlsx_archive(shared_strings_bomb(25))

    ratio_bomb = with_member(legit, "xl/media/image1.bin", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(DomainError, match="压缩比异常"):
        check_xlsx_archive(ratio_bomb)

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(2000):
            archive.writestr(f"xl/part{n}.xml", b"")
    with pytest.raises(DomainError, match="部件过多"):
        check_xlsx_archive(many.getvalue())


def test_sizes_that_lie_do_not_help(settings):
    """A member that declares fewer bytes than it holds stops at the declared size (CRC error)."""
    from title_review.core.importing import read_upload
    from title_review.organisations.imports import STAFF

    content = bytearray(shared_strings_bomb(60))
    central = -1
    for at in [m.start() for m in re.finditer(rb"PK\x01\x02", content)]:
        name_length = struct.unpack_from("<H", content, at + 28)[0]
        if content[at + 46 : at + 46 + name_length] == b"xl/sharedStrings.xml":
            central = at
    struct.pack_into("<L", content, central + 24, 1000)  # declared uncompressed size
    with pytest.raises(DomainError, match="无法读取该文件"):
        read_upload(STAFF, upload(bytes(content)))


def test_a_zip64_or_truncated_directory_is_refused():
    from title_review.core.excel import check_xlsx_archive

    legit = workbook_bytes(STAFF_HEADERS, [])
    with pytest.raises(DomainError, match="无法读取该文件"):
        check_xlsx_archive(legit[:-10])
    end = legit.rfind(b"PK\x05\x06")
    forged = bytearray(legit)
    struct.pack_into("<H", forged, end + 10, 0xFFFF)  # "the count is in a zip64 record"
    with pytest.raises(DomainError):
        check_xlsx_archive(bytes(forged))


def test_a_long_header_cell_gives_a_short_message(login, seeded):
    long_header = "表" * 1_000_000
    content = workbook_bytes([*STAFF_HEADERS, long_header], [["居民身份证", "330106198501010012", "张三", "x"]])
    assert len(content) < 60_000
    response = login("hospitaladmin").post(STAFF_IMPORT, {"file": upload(content)})
    message = _form_errors(response)
    assert "不是模板中的列" in message and "表" * 50 + "…" in message and "表" * 51 not in message
    assert len(response.content) < 100_000


def test_long_cells_in_many_bad_rows_give_a_small_page_with_a_count_of_the_rest(login, seeded):
    # Random text: long, and not so repetitive that the archive check refuses the file first.
    def long_text(n: int) -> str:
        return secrets.token_hex(n // 2)

    rows = [["外星证件" + long_text(2000), "X" + long_text(2000), long_text(2000)] for _n in range(300)]
    response = login("hospitaladmin").post(STAFF_IMPORT, {"file": upload(workbook_bytes(STAFF_HEADERS, rows))})
    html = response.content.decode()
    assert response.context["result"].has_errors
    assert re.search(r"[0-9a-f]{51}", html) is None and re.search(r"[0-9a-f]{50}…", html)
    assert html.count("table-danger") == 200
    assert "另有 100 行有错误" in html
    assert len(response.content) < 1_500_000


def test_the_dictionary_code_import_is_checked_too(login, seeded):
    from title_review.core.excel import read_rows

    with pytest.raises(DomainError, match="解压后"):
        list(read_rows(upload(shared_strings_bomb(60), "codes.xlsx"), expected_headers=["代码"]))


def laughs(body: bytes) -> bytes:
    """An XML part with a "billion laughs" DTD: ten levels of ten entities, 10⁹ "lol"s once expanded."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    return b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [' + entities + b"]>" + body


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHING_PARTS = {
    "worksheet": (
        "xl/worksheets/sheet1.xml",
        laughs(
            b"<worksheet " + _MAIN + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
            b"</row></sheetData></worksheet>"
        ),
    ),
    "shared-strings": (
        "xl/sharedStrings.xml",
        laughs(b"<sst " + _MAIN + b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'),
    ),
    # A harmless-looking entity: the standard library's parser would expand it (and a "quadratic
    # blowup" of such entities stays under expat's amplification limit); any DTD is refused.
    "small-entity": (
        "xl/worksheets/sheet1.xml",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY name "居民身份证">]><worksheet '.encode()
        + _MAIN
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&name;</t></is></c></row></sheetData></worksheet>',
    ),
    "workbook": (
        "xl/workbook.xml",
        laughs(
            b"<workbook " + _MAIN + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
    ),
}


@pytest.mark.parametrize("part", LAUGHING_PARTS)
def test_a_part_with_entity_declarations_is_refused_at_once(login, seeded, part):
    """XML bombs inside a part (issue 12 review): the reader refuses any DTD as soon as it meets one,
    before an entity is expanded — the usual unreadable-file message, in well under a second."""
    import time

    name, data = LAUGHING_PARTS[part]
    content = with_member(shared_strings_bomb(0), name, data)
    assert len(content) < 20_000
    started = time.monotonic()
    response = login("hospitaladmin").post(STAFF_IMPORT, {"file": upload(content)})
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "无法读取该文件：文件已损坏" in _form_errors(response)


@pytest.mark.parametrize("part", LAUGHING_PARTS)
def test_the_reader_refuses_the_dtd_itself(part):
    """Not expat's own amplification limit (which lets smaller expansions through): defusedxml's refusal."""
    from defusedxml import DTDForbidden

    from title_review.core.importing import read_upload
    from title_review.organisations.imports import STAFF

    name, data = LAUGHING_PARTS[part]
    with pytest.raises(DomainError, match="无法读取该文件") as refused:
        read_upload(STAFF, upload(with_member(shared_strings_bomb(0), name, data)))
    assert isinstance(refused.value.__cause__, DTDForbidden)


def test_an_external_entity_is_never_fetched(tmp_path):
    """An entity naming a file on the server (XXE) is refused with the DTD that declares it."""
    from defusedxml import DTDForbidden

    from title_review.core.importing import read_upload
    from title_review.organisations.imports import STAFF

    secret = tmp_path / "secret.txt"
    secret.write_text("机密")
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY leak SYSTEM "file://' + str(secret).encode() + b'">]>'
        b"<worksheet " + _MAIN + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&leak;</t></is></c>'
        b"</row></sheetData></worksheet>"
    )
    content = with_member(shared_strings_bomb(0), "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(DomainError, match="无法读取该文件") as refused:
        read_upload(STAFF, upload(content))
    assert "机密" not in str(refused.value)
    assert isinstance(refused.value.__cause__, DTDForbidden)
