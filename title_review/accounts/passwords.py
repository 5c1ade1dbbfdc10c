"""Password rules (等保 三级): the length and the kinds of character the 参数设置 policy requires.

The default is the seed manuals' rule: "由字母、数字和特殊字符组合，长度不少于8位". A letter is an ASCII
letter, a digit an ASCII digit, a special character anything else that is neither a letter or digit
of any script nor white space (ASCII punctuation such as @#%, and full-width ！、？ typed on a Chinese
keyboard). docs/decisions/0025-password-policy.md.
"""

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import lazy

from title_review.core.policies import get_policy

SYMBOL_EXAMPLES = "@#%"


@dataclass(frozen=True)
class PasswordRule:
    min_length: int = 8
    letter: bool = True
    digit: bool = True
    symbol: bool = True
    mixed_case: bool = False


def current_rule() -> PasswordRule:
    """The rule the province set in 参数设置 (national defaults where it set nothing)."""
    return PasswordRule(
        min_length=int(get_policy("password.min_length")),
        letter=bool(get_policy("password.require_letter")),
        digit=bool(get_policy("password.require_digit")),
        symbol=bool(get_policy("password.require_symbol")),
        mixed_case=bool(get_policy("password.require_mixed_case")),
    )


def is_letter(c: str) -> bool:
    return c in string.ascii_letters


def is_digit(c: str) -> bool:
    return c in string.digits


def is_symbol(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


_TESTS: dict[str, Callable[[str], bool]] = {
    "大写字母": lambda c: is_letter(c) and c.isupper(),
    "小写字母": lambda c: is_letter(c) and c.islower(),
    "字母": is_letter,
    "数字": is_digit,
    "特殊字符": is_symbol,
}


def _kinds(rule: PasswordRule) -> list[str]:
    """The kinds of character the rule requires, in the order the messages name them."""
    kinds: list[str] = []
    if rule.mixed_case:
        kinds += ["大写字母", "小写字母"]
    elif rule.letter:
        kinds.append("字母")
    if rule.digit:
        kinds.append("数字")
    if rule.symbol:
        kinds.append("特殊字符")
    return kinds


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def describe(rule: PasswordRule) -> str:
    """The rule in one sentence without its full stop: 密码须至少 8 位，且包含字母、数字和特殊字符（如 @#%）."""
    names = [f"特殊字符（如 {SYMBOL_EXAMPLES}）" if k == "特殊字符" else k for k in _kinds(rule)]
    text = f"密码须至少 {rule.min_length} 位"
    return text + (f"，且包含{_join(names)}" if names else "")


def problems(password: str, rule: PasswordRule) -> tuple[bool, list[str]]:
    """Whether `password` is too short, and the kinds of character it lacks."""
    missing = [kind for kind in _kinds(rule) if not any(_TESTS[kind](c) for c in password)]
    return len(password) < rule.min_length, missing


def password_help_text() -> str:
    return describe(current_rule()) + "。"


# For a form field's help_text: read when the form is shown, so a change in 参数设置 shows at once.
PASSWORD_HELP_TEXT = lazy(password_help_text, str)()


class ComplexityValidator:
    """Django password validator: every form and service that sets a password calls validate_password."""

    def validate(self, password: str, user: Any = None) -> None:
        rule = current_rule()
        too_short, missing = problems(password, rule)
        if not too_short and not missing:
            return
        found = []
        if too_short:
            found.append(f"长度只有 {len(password)} 位")
        if missing:
            found.append(f"缺少：{'、'.join(missing)}")
        raise ValidationError(f"{describe(rule)}；当前{'，'.join(found)}。", code="password_too_simple")

    def get_help_text(self) -> str:
        return password_help_text()


_ONE_TIME_POOLS = ("abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "@#%+=?")


def generate_one_time_password() -> str:
    """At least 12 characters (longer when the policy asks more), with a lower- and an upper-case letter, a
    digit and a special character whatever the policy requires, without look-alikes (0/O, 1/l/I)."""
    length = max(12, int(get_policy("password.min_length")))
    chars = [secrets.choice(pool) for pool in _ONE_TIME_POOLS]
    everything = "".join(_ONE_TIME_POOLS)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
