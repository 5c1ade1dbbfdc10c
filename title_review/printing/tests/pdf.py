"""Look at a PDF as a person and a checker would: poppler's pdftotext, pdffonts, pdfinfo, pdfimages,
and pdftoppm's picture of a page."""

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

EMBEDDED_FONT_PREFIX = "ZC-Print-Sans"


def _run(*args: str, pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([*args, handle.name], check=True, capture_output=True, text=True).stdout  # noqa: S603


def compact(text: str) -> str:
    """Text without whitespace: pdftotext drops or adds the narrow spaces of "第 1 页 共 3 页"."""
    return "".join(text.split())


def text(pdf: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(  # noqa: S603
            ["pdftotext", *pages, handle.name, "-"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        )
    return result.stdout


def page_count(pdf: bytes) -> int:
    info = _run("pdfinfo", pdf=pdf)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_size(pdf: bytes) -> tuple[float, float]:
    info = _run("pdfinfo", pdf=pdf)
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = line.split(":", 1)[1].split()[:3]
    return float(width), float(height)


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts rows: name (without the subset tag), type, embedded."""
    lines = _run("pdffonts", pdf=pdf).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb/sub/uni are the 3 yes/no columns before the id pair.
        name = parts[0].split("+", 1)[-1]
        rows.append({"name": name, "emb": parts[-5], "sub": parts[-4]})
    return rows


def images(pdf: bytes) -> list[tuple[str, int, int]]:
    """pdfimages -list: (type, width, height) of every image in the PDF (type image, smask, ...)."""
    lines = _run("pdfimages", "-list", pdf=pdf).splitlines()[2:]
    return [(p[2], int(p[3]), int(p[4])) for p in (line.split() for line in lines if line.strip())]


def subject(pdf: bytes) -> str:
    info = _run("pdfinfo", pdf=pdf)
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Subject:")), "")


def dark_pixels(pdf: bytes, page: int = 1) -> int:
    """How many pixels of the page, drawn at 50 dpi, are dark (text and lines, not the light watermark)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "form.pdf"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
        subprocess.run([*command, str(source), str(Path(folder) / "page")], check=True, capture_output=True)  # noqa: S603
        picture = Image.open(io.BytesIO((Path(folder) / "page.png").read_bytes())).convert("L")
    return sum(1 for value in picture.get_flattened_data() if value < 110)
