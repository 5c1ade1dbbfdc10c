"""Image captchas (图形验证码), kept server-side in the session.

A captcha is an opaque key whose answer lives in the session under SESSION_KEY; the browser only
ever sees the key and the picture. Each key is single use: check_captcha consumes it whether the
answer was right or wrong. At most CAPTCHA_MAX_PENDING unanswered captchas are kept per session.
"""

import io
import math
import secrets
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from title_review.core.cachesafe import CACHE_DOWN_MESSAGE, CACHE_ERRORS
from title_review.core.errors import DomainError

from . import policies

SESSION_KEY = "verification.captcha"
# No look-alikes: no 0/O, 1/I/L; answers are compared case-insensitively in upper case.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
WIDTH, HEIGHT = 132, 44

_random = secrets.SystemRandom()


def _pending(request: HttpRequest) -> dict[str, list[Any]]:
    stored = request.session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def _save(request: HttpRequest, pending: dict[str, list[Any]]) -> None:
    request.session[SESSION_KEY] = pending


def _fresh(pending: dict[str, list[Any]], now: float) -> dict[str, list[Any]]:
    return {k: v for k, v in pending.items() if now - float(v[1]) < policies.CAPTCHA_VALID_SECONDS}


def new_captcha(request: HttpRequest) -> str:
    """Create a captcha for this session and return its opaque key (for the image URL and form)."""
    now = time.time()
    pending = _fresh(_pending(request), now)
    while len(pending) >= policies.CAPTCHA_MAX_PENDING:
        oldest = min(pending, key=lambda k: float(pending[k][1]))
        del pending[oldest]
    length = _random.randint(policies.CAPTCHA_MIN_LENGTH, policies.CAPTCHA_MAX_LENGTH)
    answer = "".join(secrets.choice(ALPHABET) for _ in range(length))
    key = secrets.token_urlsafe(16)
    pending[key] = [answer, now]
    _save(request, pending)
    return key


def discard_captcha(request: HttpRequest, key: str) -> None:
    """Forget a captcha without checking it (the user asked for another picture)."""
    pending = _pending(request)
    if key in pending:
        del pending[key]
        _save(request, pending)


def captcha_text(request: HttpRequest, key: str) -> str | None:
    """The answer of a pending, unexpired captcha (for drawing it), without consuming it."""
    entry = _fresh(_pending(request), time.time()).get(key)
    return str(entry[0]) if entry else None


def check_captcha(request: HttpRequest, key: str, answer: str) -> bool:
    """Whether `answer` solves captcha `key`, case-insensitively. The key is consumed either way.

    Raises DomainError (系统繁忙) when the shared cache cannot be reached."""
    pending = _pending(request)
    entry = pending.pop(key, None) if key else None
    if entry is not None:
        _save(request, pending)
    if entry is None or time.time() - float(entry[1]) >= policies.CAPTCHA_VALID_SECONDS:
        return False
    # A concurrent request of the same session can save back the session as it was before this
    # check and so resurrect the key; a marker outside the session keeps the key single use
    # (per process with the default LocMemCache, everywhere with a shared cache).
    # With the shared cache down the mark cannot be set: refuse (fail closed), with a message (ADR 0034).
    try:
        fresh = cache.add(f"verification.captcha_used.{key}", 1, timeout=policies.CAPTCHA_VALID_SECONDS)
    except CACHE_ERRORS:
        raise DomainError(CACHE_DOWN_MESSAGE, code="cache_unavailable") from None
    if not fresh:
        return False
    given = (answer or "").strip().upper()
    return secrets.compare_digest(given.encode(), str(entry[0]).upper().encode())


def captcha_context(request: HttpRequest) -> dict[str, str]:
    """Context for templates that include verification/_captcha.html."""
    return {"captcha_key": new_captcha(request)}


def validate_captcha(request: HttpRequest, data: Any) -> None:
    """Check the captcha fields of a submitted form (captcha_key, captcha_answer) or raise DomainError."""
    if not check_captcha(request, str(data.get("captcha_key", "")), str(data.get("captcha_answer", ""))):
        raise DomainError("图形验证码不正确，请重新输入。", code="captcha_invalid")


def _colour(low: int, high: int) -> tuple[int, int, int]:
    return (_random.randint(low, high), _random.randint(low, high), _random.randint(low, high))


def render_png(text: str) -> bytes:
    """Draw `text` as a distorted PNG: each character rotated and offset, noise lines and dots."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _colour(235, 255))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        draw.point((_random.randrange(WIDTH), _random.randrange(HEIGHT)), fill=_colour(120, 220))
    font = ImageFont.load_default(size=30)
    step = (WIDTH - 12) / max(len(text), 1)
    for index, char in enumerate(text):
        glyph = Image.new("RGBA", (40, 44), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 2), char, font=font, fill=(*_colour(10, 110), 255))
        glyph = glyph.rotate(_random.uniform(-28, 28), resample=Image.Resampling.BICUBIC, expand=False)
        x = int(6 + index * step + _random.uniform(-3, 3))
        y = _random.randint(-4, 4)
        image.paste(glyph, (x, y), glyph)
    for _ in range(_random.randint(3, 5)):
        start = (_random.randrange(WIDTH), _random.randrange(HEIGHT))
        end = (_random.randrange(WIDTH), _random.randrange(HEIGHT))
        draw.line([start, end], fill=_colour(60, 180), width=_random.randint(1, 2))
    # A gentle sine wave through the picture: harder for naive OCR, still easy to read.
    amplitude, period = _random.uniform(1, 2.5), _random.uniform(30, 60)
    points = [(x, HEIGHT / 2 + amplitude * 6 * math.sin(x / period * 2 * math.pi)) for x in range(0, WIDTH, 4)]
    draw.line(points, fill=_colour(80, 160), width=1)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
