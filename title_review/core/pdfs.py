"""Active content in uploaded PDFs, judged on the parsed document rather than on its bytes.

A byte search misses names written with #xx escapes (/J#61vaScript), tokens split by comments and
anything inside a compressed object stream. pypdf parses the file as a viewer would — escapes decoded,
comments skipped, object streams unpacked — and this module walks every object it holds: each
entry of the cross-reference tables (also objects nothing refers to) and everything reachable from the
trailer, into every nested dictionary and array. That covers the catalog (/OpenAction, /AA, /Names →
/JavaScript and /EmbeddedFiles, /AcroForm → /XFA), pages (/AA) and annotations (/A, /AA) alike.

Refused: JavaScript (an action of type /JavaScript or any /JS entry, the /JavaScript name tree, XFA
forms, which carry scripts); /Launch, /GoToR and /GoToE (run a program or open another file);
/SubmitForm and /ImportData (send or load data); /RichMedia (Flash, video annotations and their /RichMediaExecute actions); embedded files (/EmbeddedFiles,
/EF, /Type /EmbeddedFile, file-attachment annotations). Links (/URI) and in-document destinations
(/GoTo) are fine. A file pypdf cannot parse, that is encrypted, or that has no page is refused too.
"""

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from .errors import DomainError

SCRIPT = "script"
LAUNCH = "launch"
FORM = "form"
MEDIA = "media"
EMBEDDED = "embedded"

_ACTIONS = {
    "/JavaScript": SCRIPT,
    "/Launch": LAUNCH,
    "/GoToR": LAUNCH,
    "/GoToE": LAUNCH,
    "/SubmitForm": FORM,
    "/ImportData": FORM,
    "/RichMediaExecute": MEDIA,
}
_KEYS = {"/JS": SCRIPT, "/JavaScript": SCRIPT, "/XFA": SCRIPT, "/EmbeddedFiles": EMBEDDED, "/EF": EMBEDDED}
_SUBTYPES = {"/FileAttachment": EMBEDDED, "/RichMedia": MEDIA}
_TYPES = {"/EmbeddedFile": EMBEDDED}
_MESSAGES = {
    SCRIPT: "{label}含有脚本（JavaScript 或动态表单），不能上传。请用“打印为 PDF”或扫描重新生成后再上传。",
    LAUNCH: "{label}含有启动程序或打开其他文件的动作，不能上传。请用“打印为 PDF”或扫描重新生成后再上传。",
    FORM: "{label}含有提交或导入数据的表单动作，不能上传。请用“打印为 PDF”或扫描重新生成后再上传。",
    MEDIA: "{label}含有多媒体或 Flash 内容，不能上传。请用“打印为 PDF”或扫描重新生成后再上传。",
    EMBEDDED: "{label}内嵌了其他文件，不能上传。请删除 PDF 中的附件，或用“打印为 PDF”重新生成后再上传。",
}
# pypdf reports every repair it makes on a damaged file as a warning; whether we refuse it is ours to say.
logging.getLogger("pypdf").setLevel(logging.ERROR)
# A hostile file may hold millions of tiny objects; a real scan of a few hundred pages holds thousands.
MAX_OBJECTS = 500_000


class _Finding(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind


def check_pdf(content: bytes, label: str) -> None:
    """Refuse, in Chinese, a PDF that cannot be parsed, is encrypted, has no page or holds active content."""
    unreadable = DomainError(f"{label}无法解析：文件已损坏或不是标准的 PDF。请用 PDF 软件重新导出后再上传。")
    encrypted = DomainError(f"{label}是加密的 PDF，请去除密码后再上传。")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
    except Exception as exc:  # noqa: BLE001 — any parser failure is a file we cannot judge
        # pypdf opens an encrypted file's security handler at once and may fail there; then the refusal
        # is the same, only the message is more useful. (Only the message depends on these bytes.)
        raise (encrypted if b"/Encrypt" in content else unreadable) from exc
    try:
        if reader.is_encrypted:
            raise encrypted
        if len(reader.pages) < 1:
            raise unreadable
        _walk(reader)
    except _Finding as finding:
        raise DomainError(_MESSAGES[finding.kind].format(label=label)) from None
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure (and RecursionError) is a file we cannot judge
        raise unreadable from exc


def _roots(reader: PdfReader) -> Iterator[PdfObject]:
    yield reader.trailer
    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def _walk(reader: PdfReader) -> None:
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = list(_roots(reader))
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, DictionaryObject):
            _check_dictionary(item)
            stack.extend(item.values())  # a stream's dictionary entries; its data is not executable
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _check_dictionary(entry: DictionaryObject) -> None:
    for key, kind in _KEYS.items():
        if key in entry:
            raise _Finding(kind)
    action = entry.get("/S")
    if isinstance(action, IndirectObject):
        action = action.get_object()
    if isinstance(action, str) and action in _ACTIONS:
        raise _Finding(_ACTIONS[action])
    for field, table in (("/Subtype", _SUBTYPES), ("/Type", _TYPES)):
        value = entry.get(field)
        if isinstance(value, str) and value in table:
            raise _Finding(table[value])
