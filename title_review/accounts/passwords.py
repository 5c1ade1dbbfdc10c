"""Password rules (等保 三级): length and character classes from the policy settings."""

import secrets
import string
from typing import Any

from django.core.exceptions import ValidationError

from title_review.core.policies import get_policy

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)


def character_classes(password: str) -> int:
    return sum(1 for chars in _CLASSES if any(c in chars for c in password))


class ComplexityValidator:
    def validate(self, password: str, user: Any = None) -> None:
        min_length = int(get_policy("password.min_length"))
        min_classes = int(get_policy("password.min_classes"))
        if len(password) < min_length or character_classes(password) < min_classes:
            raise ValidationError(
                f"密码至少 {min_length} 位，且须包含大写字母、小写字母、数字、符号中的至少 {min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "至少 8 位，含大写字母、小写字母、数字、符号中的至少 3 类。"


def generate_one_time_password() -> str:
    """12 characters drawn from all four classes, without look-alikes (0/O, 1/l/I)."""
    pools = ["abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "@#%+=?"]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(8)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
