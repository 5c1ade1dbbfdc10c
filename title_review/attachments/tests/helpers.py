"""Test files: small PDFs and images built in memory."""

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def build_pdf(objects: dict[int, bytes], *, root: int = 1, compressed: dict[int, bytes] | None = None) -> bytes:
    """A PDF written byte by byte, as a hostile one would be: `objects` maps object numbers to their
    bodies (written as `n 0 obj … endobj` with a classic xref table). With `compressed`, those objects go
    into a Flate-compressed object stream and the file gets a cross-reference stream (PDF 1.5)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not compressed:
        size = max(offsets) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
        return bytes(out)
    stream_number = max([*objects, *compressed]) + 1
    xref_number = stream_number + 1
    header, body = bytearray(), bytearray()
    for number, obj in sorted(compressed.items()):
        header += b"%d %d " % (number, len(body))
        body += obj + b"\n"
    data = zlib.compress(bytes(header) + bytes(body))
    offsets[stream_number] = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(compressed), len(header), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = len(out)
    size = xref_number + 1
    rows = bytearray()
    for number in range(size):
        if number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
        elif number in compressed:
            index = sorted(compressed).index(number)
            rows += bytes([2]) + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big")
        else:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n"
        % (xref_number, size, root, len(rows))
        + bytes(rows)
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    )
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def one_page_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", **more: bytes) -> bytes:
    """A one-page PDF; `catalog_extra` / `page_extra` go inside the catalog / page dictionary, and
    `more` adds objects by number (`o4=b"..."`)."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: PAGES,
        3: PAGE[:-2] + b" " + page_extra + b" >>",
    }
    objects.update({int(key[1:]): value for key, value in more.items()})
    return build_pdf(objects)


# A clean, minimal, genuine PDF: one blank A4 page.
PDF = one_page_pdf()


def pdf(name: str = "评审表.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image_bytes(size=(300, 200), *, format="JPEG", exif: dict | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 2))  # a corner to tell rotations apart
    out = io.BytesIO()
    kwargs = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        kwargs["exif"] = tags.tobytes()
    image.save(out, format=format, **kwargs)
    return out.getvalue()


def jpeg(name: str = "证件照.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/jpeg")


def stored_bytes(attachment) -> bytes:
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        return handle.read()
