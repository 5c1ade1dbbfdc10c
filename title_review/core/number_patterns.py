"""The certificate-number pattern language (证书编号规则, ADR 0033): parsed and checked here, in core, so that
the 参数设置 service (system.services) refuses a bad pattern when it is saved and certificates.numbering
renders numbers with the same rules.

A pattern is literal text with placeholders, e.g. ``{region}{year}{series}{level}{committee}{seq:04d}``:

- ``{region}`` 省/地区代码, ``{year}`` 评审年度 (4 digits), ``{series}`` 系列代码, ``{level}`` 级别代码,
  ``{committee}`` 评委会代码 — each at most once, none required;
- ``{seq:0Nd}`` 序号, zero-padded to N digits (1–9) — required, exactly once.

The sequence key of a number is the values of the parts it uses other than 序号: numbers are counted
from 1 within one key. Literal text may be letters, digits, Chinese characters and ``-`` / ``_``.
"""

import re
import string
from dataclasses import dataclass

from .errors import DomainError

PARTS: dict[str, str] = {
    "region": "地区代码",
    "year": "评审年度",
    "series": "系列代码",
    "level": "级别代码",
    "committee": "评委会代码",
}
SEQ = "seq"
MAX_NUMBER_LENGTH = 50
# Typical values, to check when a pattern is saved that its numbers fit the certificate's 证书编号 field.
SAMPLE = {"region": "330000", "year": "2026", "series": "07", "level": "2", "committee": "001"}

_SEQ_SPEC = re.compile(r"^0([1-9])d$")
_LITERAL = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff_\-]*$")
_HELP = "可用 {region}（地区代码）、{year}（评审年度）、{series}（系列代码）、{level}（级别代码）、{committee}（评委会代码）和 {seq:04d}（序号，数字为位数）"


@dataclass(frozen=True)
class NumberPattern:
    text: str
    parts: tuple[str, ...]  # the parts other than 序号, in the order they appear
    width: int  # 序号's zero-padded width

    def render(self, values: dict[str, str], seq: int) -> str:
        number = self.text.format(**{p: values[p] for p in self.parts}, seq=seq)
        if len(number) > MAX_NUMBER_LENGTH:
            raise DomainError(f"按证书编号规则生成的编号 {number} 超过 {MAX_NUMBER_LENGTH} 位，请修改规则或代码。")
        return number

    def key(self, values: dict[str, str]) -> str:
        """The sequence key: the values of every part but 序号 and 评审年度 (the year is kept apart)."""
        return "|".join(f"{p}={values[p]}" for p in self.parts if p != "year")


def parse_number_pattern(raw: str) -> NumberPattern:
    """The pattern, or a DomainError saying in Chinese what is wrong with it."""
    text = (raw or "").strip()
    if not text:
        raise DomainError(f"请填写证书编号规则，{_HELP}。")
    if any(c.isspace() for c in text):
        raise DomainError("证书编号规则不能含空格。")
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise DomainError("证书编号规则中的花括号不成对，占位符应写成 {region} 这样。") from exc
    parts: list[str] = []
    width = 0
    for literal, name, spec, conversion in pieces:
        if literal and not _LITERAL.match(literal):
            raise DomainError(f"证书编号规则中的“{literal}”含不允许的字符：固定文字只能是字母、数字、汉字、- 和 _。")
        if name is None:
            continue
        shown = "{" + name + (f":{spec}" if spec else "") + "}"
        if conversion or (name not in PARTS and name != SEQ):
            raise DomainError(f"证书编号规则中的 {shown} 无法识别：{_HELP}。")
        if name in parts or (name == SEQ and width):
            raise DomainError(f"证书编号规则中的 {{{name}}} 只能出现一次。")
        if name == SEQ:
            match = _SEQ_SPEC.match(spec or "")
            if not match:
                raise DomainError(f"序号须写明补零位数，如 {{seq:04d}}（1 到 9 位），而不是 {shown}。")
            width = int(match.group(1))
        elif spec:
            raise DomainError(f"证书编号规则中的 {{{name}}} 不能带格式说明（{shown}）。")
        else:
            parts.append(name)
    if not width:
        raise DomainError(f"证书编号规则须包含序号 {{seq:04d}}（数字为位数）；{_HELP}。")
    pattern = NumberPattern(text=text, parts=tuple(parts), width=width)
    sample = pattern.text.format(**{p: SAMPLE[p] for p in parts}, seq=10**width - 1)
    if len(sample) > MAX_NUMBER_LENGTH:
        raise DomainError(f"按此规则生成的证书编号（如 {sample}）超过 {MAX_NUMBER_LENGTH} 位。")
    return pattern
