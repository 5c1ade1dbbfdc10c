"""电子证书: a PDF with the holder's data (identity number masked) and a QR code to the public verification
page, signed (PAdES) with the installation's key; the signature validates against the installation's CA,
and a one-byte change, or another CA, makes it fail. Who may download it; the test CA command; production
refuses to start without a real key."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from title_review.certificates import signing
from title_review.certificates.checks import signing_key_in_production
from title_review.certificates.tokens import number_from_token

from .helpers import APPLICANT_ID, ISSUER

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signed(ecert_world, django_db_blocker):
    """The applicant's 电子证书 as downloaded by the applicant (rendered and signed once for the module)."""
    from django.test import Client

    from title_review.accounts.models import User

    with django_db_blocker.unblock():
        client = Client()
        client.force_login(User.objects.get(username="applicant"))
        response = client.get(f"/certificates/{ecert_world['mine'].pk}/certificate.pdf")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_pdf_shows_the_holder_the_title_the_numbers_and_the_issuer_with_the_identity_number_masked(
    signed, ecert_world
):
    certificate = ecert_world["mine"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(signed)).pages)
    flat = "".join(text.split())
    for expected in (
        "专业技术资格证书",
        "韩申报",
        "330106********1236",
        certificate.qualification_name,
        certificate.series_name,
        certificate.level_name,
        certificate.number,
        "浙人社〔2026〕1号",
        ISSUER,
        "2026年11月30日",
    ):
        assert "".join(expected.split()) in flat, expected
    assert APPLICANT_ID not in flat


def test_the_qr_code_and_the_printed_link_open_this_certificates_verification_page(signed, ecert_world):
    flat = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(signed)).pages).split())
    start = flat.index("/certificates/verify/")
    token = flat[start + len("/certificates/verify/") :].split("/")[0]
    assert number_from_token(token) == ecert_world["mine"].number


def test_the_qr_code_encodes_the_verification_url_and_is_drawn_on_the_page(ecert_world):
    import segno
    from django.template.loader import render_to_string

    from title_review.certificates.ecert import TEMPLATE, ecert_context

    url = "https://zc.example.gov.cn/certificates/verify/abc:def/"
    context = ecert_context(ecert_world["mine"], verify_url=url)
    assert context["qr"] == segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)
    assert context["qr"].startswith("data:image/svg+xml")
    html = render_to_string(TEMPLATE, context)
    assert f'src="{context["qr"]}"'.replace("&", "&amp;") in html or context["qr"][:60] in html


def test_the_signature_validates_against_the_installations_ca(signed):
    result = signing.validate_pdf(signed)
    assert result.valid, result.problem
    assert "电子证书签名" in result.signer


@pytest.mark.parametrize("where", [i / 20 for i in range(20)] + [0.98, 0.999])
def test_changing_one_byte_anywhere_makes_validation_fail(signed, where):
    tampered = bytearray(signed)
    at = int(len(tampered) * where)
    tampered[at] = (tampered[at] + 1) % 256
    assert not signing.validate_pdf(bytes(tampered)).valid


def test_a_change_in_the_page_or_in_the_signatures_padding_fails_and_another_ca_is_not_trusted(signed, tmp_path):
    in_page = bytearray(signed)
    at = signed.index(b"stream\n") + 20  # inside the first (compressed) content stream
    in_page[at] ^= 0x01
    assert not signing.validate_pdf(bytes(in_page)).valid
    padding = bytearray(signed)
    at = signed.rindex(b"00000000>") + 3  # /Contents is reserved larger than the signature, zero-padded
    padding[at] = ord("1")
    assert not signing.validate_pdf(bytes(padding)).valid
    other = signing.make_test_ca(tmp_path / "other")
    assert not signing.validate_pdf(signed, trust_roots=other.trust_roots).valid


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("applicant", 200),  # the holder (我的证书, by identity number)
        ("hospitaladmin", 200),  # the holder's unit
        ("hzadmin", 200),  # the office (证书信息)
        ("schooladmin", 404),  # another unit
        ("teacher", 404),  # another applicant
        ("wjwadmin", 404),  # a department: not a certificate holder's unit
    ],
)
def test_who_may_download_the_certificate(persona, status, login, ecert_world, monkeypatch):
    from title_review.certificates import views

    monkeypatch.setattr(views, "ecert_pdf", lambda certificate, verify_url: b"%PDF-1.7 stand-in")
    response = login(persona).get(f"/certificates/{ecert_world['mine'].pk}/certificate.pdf")
    assert response.status_code == status


def test_a_certificate_waiting_for_its_number_has_no_pdf_yet(login, ecert_world):
    assert login("hzadmin").get(f"/certificates/{ecert_world['waiting'].pk}/certificate.pdf").status_code == 404


def test_my_certificates_lists_the_holders_own_with_a_download_link(login, ecert_world, django_assert_max_num_queries):
    client = login("applicant")
    with django_assert_max_num_queries(12):
        response = client.get("/certificates/mine/")
    text = response.content.decode()
    assert response.status_code == 200
    assert ecert_world["mine"].number in text and f"/certificates/{ecert_world['mine'].pk}/certificate.pdf" in text
    assert ecert_world["school"].number not in text
    assert "有效" in text


def test_the_unit_lists_its_peoples_certificates(login, ecert_world, django_assert_max_num_queries):
    client = login("hospitaladmin")
    with django_assert_max_num_queries(12):
        text = client.get("/certificates/unit/").content.decode()
    assert ecert_world["mine"].number in text and ecert_world["school"].number not in text
    assert APPLICANT_ID not in text and "330106********1236" in text


def test_make_test_ca_writes_a_ca_a_key_and_a_signing_certificate_and_keeps_an_existing_one(tmp_path):
    out = io.StringIO()
    call_command("make_test_ca", str(tmp_path / "ca"), stdout=out)
    assert {p.name for p in (tmp_path / "ca").iterdir()} == {"ca.pem", "signer.pem", "signer.key"}
    assert oct((tmp_path / "ca" / "signer.key").stat().st_mode)[-3:] == "600"
    before = (tmp_path / "ca" / "ca.pem").read_bytes()
    call_command("make_test_ca", str(tmp_path / "ca"), stdout=out)
    assert (tmp_path / "ca" / "ca.pem").read_bytes() == before
    assert "已有测试 CA" in out.getvalue()


def test_a_pdf_signed_with_a_fresh_test_ca_validates_against_that_ca_only(tmp_path):
    from pypdf import PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(blank)
    files = signing.make_test_ca(tmp_path / "a")
    conf = {"KEY": files.key, "CERT": files.cert, "CHAIN": list(files.chain), "TRUST_ROOTS": list(files.chain)}
    with override_settings(CERTIFICATE_SIGNING=conf):
        signing.forget_signer()
        try:
            pdf = signing.sign_pdf(blank.getvalue(), reason="测试")
            assert signing.validate_pdf(pdf).valid
        finally:
            signing.forget_signer()
    assert not signing.validate_pdf(pdf).valid  # the installation's CA did not issue that key


def _errors(conf):
    with override_settings(CERTIFICATE_SIGNING=conf):
        return {e.id: e.msg for e in signing_key_in_production(None)}


def test_production_refuses_to_start_without_the_key_and_chain_and_never_uses_the_test_ca(tmp_path):
    assert _errors({"KEY": "", "CERT": "", "CHAIN": [], "TEST_CA": True}) == {}  # development: no check
    missing = _errors({"KEY": "", "CERT": "", "CHAIN": [], "TRUST_ROOTS": [], "REQUIRED": True})
    assert set(missing) == {"certificates.E001"} and "签名私钥" in missing["certificates.E001"]
    files = signing.make_test_ca(tmp_path / "real")
    good = {"KEY": files.key, "CERT": files.cert, "CHAIN": list(files.chain), "REQUIRED": True}
    assert _errors(good) == {}
    assert set(_errors({**good, "TEST_CA": True})) == {"certificates.E002"}
    assert set(_errors({**good, "KEY": Path(tmp_path / "nowhere.key")})) == {"certificates.E001"}
