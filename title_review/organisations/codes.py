"""Organisation codes by a configurable pattern (default: 6-digit region code + 6-digit sequence)."""

from django.db import transaction

from title_review.core.errors import DomainError
from title_review.core.policies import get_policy

from .models import CodeSequence, Organisation

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


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
