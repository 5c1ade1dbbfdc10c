"""Organisation codes by a configurable pattern (default: 6-digit region code + 6-digit sequence), and the
national codes a unit registers with: the 18-character 统一社会信用代码 (GB 32100-2015) or, for a unit that has
none, its 9-character 组织机构代码 (GB 11714-1997)."""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from title_review.core.errors import DomainError
from title_review.core.policies import get_policy

from .models import CodeSequence, Organisation

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714-1997: eight digits or capital letters, then a check character (0-9 or X).
_ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGCODE_BODY = re.compile(r"^[0-9A-Z]{8}$")


@transaction.atomic
def next_code(region_code: str) -> str:
    """Reserve the next free code for `region_code`; concurrent callers get distinct codes."""
    pattern = str(get_policy("organisation.code_pattern"))
    sequence, _created = CodeSequence.objects.select_for_update().get_or_create(prefix=region_code)
    while True:
        sequence.last += 1
        code = pattern.format(region=region_code, seq=sequence.last)
        if not Organisation.objects.filter(code=code).exists():
            sequence.save(update_fields=["last"])
            return code


def next_codes(region_codes: Sequence[str]) -> list[str]:
    """`next_code` for each region code in turn, for many new organisations at once (导入机构, ADR 0044):
    the same codes `next_code` would give them one after another, with the region's sequences locked
    by one query and the codes already taken found by one IN query per round (a round skips them)."""
    if not region_codes:
        return []
    pattern = str(get_policy("organisation.code_pattern"))
    prefixes = list(dict.fromkeys(region_codes))
    sequences = {s.prefix: s for s in CodeSequence.objects.select_for_update().filter(prefix__in=prefixes)}
    for prefix in prefixes:
        if prefix not in sequences:  # a region's first organisation: as next_code, safe against a race
            sequences[prefix], _created = CodeSequence.objects.select_for_update().get_or_create(prefix=prefix)
    wanted = Counter(region_codes)
    free: dict[str, list[str]] = {prefix: [] for prefix in prefixes}
    while True:
        candidates: dict[str, str] = {}
        for prefix in prefixes:
            sequence = sequences[prefix]
            for _n in range(wanted[prefix] - len(free[prefix])):
                sequence.last += 1
                candidates[pattern.format(region=prefix, seq=sequence.last)] = prefix
        if not candidates:
            break
        taken = set(Organisation.objects.filter(code__in=candidates).values_list("code", flat=True))
        for code, prefix in candidates.items():
            if code not in taken:
                free[prefix].append(code)
    CodeSequence.objects.bulk_update(list(sequences.values()), ["last"])
    handed = {prefix: iter(codes) for prefix, codes in free.items()}
    return [next(handed[region]) for region in region_codes]


def uscc_check_digit_ok(code: str) -> bool:
    """GB 32100-2015 mod-31 check digit (some early legal codes fail it: callers warn, not reject)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return USCC_CHARSET[check] == code[17]


def normalise_credit_code(raw: str) -> tuple[str, str]:
    """Return (code, warning). Refuse a malformed code; warn on a failed check digit."""
    code = (raw or "").strip().upper()
    if not code:
        return "", ""
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        raise DomainError("统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）。")
    if not uscc_check_digit_ok(code):
        return code, f"统一社会信用代码 {code} 校验位不符，请核对营业执照；早期试点代码可能如此。"
    return code, ""


def orgcode_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character body (digits count as themselves, A=10 … Z=35)."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORGCODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


@dataclass(frozen=True)
class UnitCode:
    """What a unit registered with: its credit code (may be empty), its 组织机构代码 (always, when either was
    given: a credit code carries it in characters 9-17) and a warning for a credit code to double-check."""

    credit_code: str = ""
    organisation_code: str = ""
    warning: str = ""


def normalise_unit_code(raw: str) -> UnitCode:
    """An 18-character 统一社会信用代码 or a 9-character 组织机构代码 (written with or without the hyphen).

    A credit code whose check digit fails only warns (early pilot codes do); a 组织机构代码 whose check
    character fails is refused, as the code certificate always carries a valid one."""
    code = re.sub(r"[\s\-－—]", "", (raw or "")).upper()
    if not code:
        return UnitCode()
    if len(code) == 18:
        credit, warning = normalise_credit_code(code)
        return UnitCode(credit_code=credit, organisation_code=credit[8:17], warning=warning)
    if len(code) == 9:
        body, check = code[:8], code[8]
        if not _ORGCODE_BODY.match(body) or check not in "0123456789X":
            raise DomainError("组织机构代码应为 9 位：8 位数字或大写字母，加 1 位校验码（数字或 X），如 12345678-8。")
        expected = orgcode_check_character(body)
        if check != expected:
            raise DomainError(f"组织机构代码 {body}-{check} 的校验码不符（应为 {expected}），请核对组织机构代码证。")
        return UnitCode(organisation_code=code)
    raise DomainError("请填写 18 位统一社会信用代码；没有的，填写 9 位原组织机构代码（如 12345678-8）。")


def display_organisation_code(code: str) -> str:
    """组织机构代码 as printed on its certificate: 12345678-8."""
    return f"{code[:8]}-{code[8:]}" if len(code) == 9 else code
