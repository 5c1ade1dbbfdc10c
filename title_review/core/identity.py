"""Identity numbers (domain-model.md §6): validate, normalise, derive, mask.

居民身份证号 (GB 11643): 18 characters, ISO 7064 MOD 11-2 check digit, a real birth date, and a
mainland region. 港澳台居民居住证 and 外国人永久居留身份证 use the same check digit but not the mainland
region table. Passports and travel passes are free text.
"""

import datetime as dt
import operator
import re
from dataclasses import dataclass

from .errors import DomainError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

RESIDENT_ID = "01"
# 证件类型 codes of the seed dictionary that carry the GB 11643 check digit.
HK_MACAO_PERMIT = "02"
TAIWAN_PERMIT = "03"
FOREIGNER_PERMANENT = "04"
CHECK_DIGIT_TYPES = {RESIDENT_ID, HK_MACAO_PERMIT, TAIWAN_PERMIT, FOREIGNER_PERMANENT}
# Region prefixes of the residence permits (港澳台居民居住证).
_PERMIT_PREFIXES = {HK_MACAO_PERMIT: ("810000", "820000"), TAIWAN_PERMIT: ("830000",)}
# First-level codes of mainland provinces (GB/T 2260).
_MAINLAND_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
}


@dataclass(frozen=True)
class IdentityFacts:
    number: str
    birth_date: dt.date | None
    sex: str  # "男" / "女" / ""


def check_digit(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError("check_digit needs the first 17 characters")
    return _CHECK[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def validate_identity(id_type: str, raw: str, *, today: dt.date | None = None) -> IdentityFacts:
    """Normalise and check an identity number of the given 证件类型; raise DomainError in Chinese."""
    number = re.sub(r"\s", "", raw or "").upper()
    if not number:
        raise DomainError("请填写证件号码。")
    if id_type not in CHECK_DIGIT_TYPES:
        if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
            raise DomainError("证件号码只能由字母和数字组成，长度 5 到 20 位。")
        return IdentityFacts(number=number, birth_date=None, sex="")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise DomainError("这是旧版 15 位身份证号码，请填写现行的 18 位号码。")
    if len(number) != 18 or not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise DomainError("证件号码应为 18 位：前 17 位为数字，最后一位为数字或 X。")
    if check_digit(number[:17]) != number[17]:
        raise DomainError("证件号码校验位不正确，请逐位核对。")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise DomainError("证件号码中的出生日期不存在，请核对。") from exc
    today = today or dt.date.today()  # noqa: DTZ011 — a calendar date, no time zone involved
    if birth > today or birth.year < 1900:
        raise DomainError("证件号码中的出生日期不合理，请核对。")
    region = number[:6]
    if id_type == RESIDENT_ID and region[:2] not in _MAINLAND_PROVINCES:
        raise DomainError("证件号码前 6 位不是内地行政区划代码；港澳台居民居住证请选择对应的证件类型。")
    if id_type in _PERMIT_PREFIXES and region not in _PERMIT_PREFIXES[id_type]:
        raise DomainError("证件号码与所选证件类型不符，请核对证件类型。")
    if id_type == FOREIGNER_PERMANENT and not number.startswith("9"):
        raise DomainError("外国人永久居留身份证号码应以 9 开头。")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdentityFacts(number=number, birth_date=birth, sex=sex)


def mask_identity(number: str) -> str:
    """330106********123X — the first 6 and last 4 characters only."""
    if len(number) <= 10:
        return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) != 11:
        return phone[:3] + "****" if len(phone) > 3 else "****"
    return phone[:3] + "****" + phone[-4:]


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(raw: str) -> str:
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE_RE.fullmatch(phone):
        raise DomainError("手机号码格式不正确，请填写 11 位大陆手机号码。")
    return phone
