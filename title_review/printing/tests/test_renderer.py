"""The renderer reads nothing but the vendored fonts and inline images: no network, no other file."""

import pytest
from weasyprint.urls import FatalURLFetchingError

from title_review.printing import renderer

from . import pdf


@pytest.mark.parametrize(
    "url", ["http://example.com/logo.png", "https://example.com/logo.png", "file:///etc/passwd", "ftp://example.com/x"]
)
def test_a_form_cannot_fetch_anything_else(url):
    with pytest.raises(FatalURLFetchingError):
        renderer.html_to_pdf(f'<p>表格</p><img src="{url}">')


def test_system_fonts_are_invisible_and_rare_characters_are_reported(caplog):
    # 𠮷 (CJK Extension B) is not in the subset: it prints as an empty box, never in another font.
    content = renderer.html_to_pdf('<p style="font-family: DejaVu Sans, serif">宋体 Serif 𠮷</p>')
    assert {f["name"] for f in pdf.fonts(content)} == {"ZC-Print-Sans"}
    assert renderer.uncovered("王䶮𠮷") == ["U+20BB7"]


def test_the_vendored_font_covers_the_forms_and_rare_name_characters():
    assert renderer.uncovered("专业技术职务任职资格评审表（盖章）“”—…①№℃ABC123䶮喆") == []
