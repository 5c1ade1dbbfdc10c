"""What to do when the shared cache (Redis in production, ADR 0034) cannot be reached.

Django's RedisCache raises the client's own errors when Redis is down. Each caller decides: a value the
database also holds (policies) is read from the database; a security mark (captcha single use, SMS code
failures) fails closed with CACHE_DOWN_MESSAGE instead of a 500 page.
"""

CACHE_DOWN_MESSAGE = "系统繁忙，请稍后再试。"


def _errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover — redis is in requirements.txt
        return errors
    return (RedisError, *errors)


CACHE_ERRORS = _errors()
