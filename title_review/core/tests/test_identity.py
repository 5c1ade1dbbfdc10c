import datetime as dt

import pytest

from title_review.core.errors import DomainError
from title_review.core.identity import check_digit, mask_identity, mask_phone, normalise_mobile, validate_identity


def _valid(first17: str) -> str:
    return first17 + check_digit(first17)


def test_resident_id_is_checked_and_facts_derived():
    facts = validate_identity("01", "330106199003071236")
    assert facts.birth_date == dt.date(1990, 3, 7) and facts.sex == "男"
    assert validate_identity("01", _valid("33010619900307124")).sex == "女"


def test_lowercase_x_is_accepted_and_normalised():
    number = next(_valid(f"3301061990030712{i}") for i in range(10) if _valid(f"3301061990030712{i}").endswith("X"))
    assert validate_identity("01", number.lower()).number == number


@pytest.mark.parametrize(
    ("id_type", "number", "message"),
    [
        ("01", "330106199003071235", "校验位不正确"),
        ("01", _valid("33010619900230123"), "出生日期不存在"),
        ("01", "330106900307123", "15 位"),
        ("01", _valid("81000019900101123"), "港澳台居民居住证"),
        ("01", _valid("33010630000101123"), "出生日期不合理"),
        ("02", _valid("33010619900307123"), "证件类型不符"),
        ("09", "A1", "5 到 20 位"),
        # Digits of other scripts count as digits for str.isdigit() but are no digits of an identity number.
        ("01", "33010619900307123²", "应为 18 位"),
        ("01", "3301061990030712²X", "应为 18 位"),
        ("01", "33010690030712²", "应为 18 位"),
    ],
)
def test_bad_identity_numbers_are_refused_in_chinese(id_type, number, message):
    with pytest.raises(DomainError, match=message):
        validate_identity(id_type, number)


def test_residence_permits_pass_for_their_own_type():
    assert validate_identity("02", _valid("81000019900101123")).birth_date == dt.date(1990, 1, 1)
    assert validate_identity("03", _valid("83000019900101123")).sex in ("男", "女")
    assert validate_identity("06", "E12345678").birth_date is None  # a passport: free text


def test_masking():
    assert mask_identity("330106199003071236") == "330106********1236"
    assert mask_phone("13812345678") == "138****5678"


def test_mobile_numbers():
    assert normalise_mobile("+86 138-1234-5678") == "13812345678"
    with pytest.raises(DomainError, match="手机号码格式不正确"):
        normalise_mobile("12812345678")


def test_pdf_scripts_are_found_without_tripping_on_ordinary_bytes():
    import io

    from title_review.core.uploads import check_upload

    def upload(content: bytes, name: str = "a.pdf"):
        f = io.BytesIO(content)
        f.name = name
        f.size = len(content)
        return f

    from title_review.attachments.tests.helpers import one_page_pdf

    words = one_page_pdf(
        page_extra=b"/Contents 4 0 R", o4=b"<< /Length 20 >>\nstream\n(/JSON data /JSzz) Tj\nendstream"
    )
    ok = check_upload(upload(words), kinds=("pdf",), max_bytes=1024, label="评审表")
    assert ok.kind == "pdf"
    with pytest.raises(DomainError, match="含有脚本"):
        check_upload(
            upload(one_page_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")),
            kinds=("pdf",),
            max_bytes=1024,
            label="评审表",
        )
    with pytest.raises(DomainError, match="不能超过 1.5 MB"):
        check_upload(upload(b"%PDF-" + b"0" * (2 * 1024 * 1024)), kinds=("pdf",), max_bytes=1536 * 1024, label="评审表")
