"""System checks for settings that core reads."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .clientip import trusted_networks
from .scanning import ClamdScanner, scanner_class, scanner_path


@register()
def trusted_proxies_are_networks(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A typo in TRUSTED_PROXIES would otherwise surface as an error on every request."""
    try:
        trusted_networks()
    except (TypeError, ValueError) as exc:
        return [
            Error(
                f"TRUSTED_PROXIES holds something that is not an IP address or CIDR range: {exc}",
                hint="List the addresses of your own reverse proxies, e.g. 10.0.0.5,10.0.1.0/24.",
                id="core.E001",
            )
        ]
    return []


@register()
def malware_scanner_is_usable(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A scanner that cannot be loaded would refuse every upload; clamd without an address likewise."""
    try:
        cls = scanner_class(scanner_path())
    except (ImportError, TypeError, ValueError):
        return [
            Error(
                f"病毒扫描程序无法加载（MALWARE_SCANNER = {scanner_path()!r}），所有上传都会被拒绝。",
                hint="填写 title_review.core.scanning.ClamdScanner 或 Scanner 的其他子类，见 docs/deploy.md。",
                id="core.E002",
            )
        ]
    address = str(getattr(settings, "CLAMD_ADDRESS", ""))
    if issubclass(cls, ClamdScanner) and not address.startswith(("unix:///", "tcp://")):
        return [
            Error(
                "已选用 ClamAV 病毒扫描，但 CLAMD_ADDRESS 不是 unix:///路径 或 tcp://主机:端口，所有上传都会被拒绝。",
                hint="在环境变量 DJANGO_CLAMD_ADDRESS 中填写 clamd 的地址，如 unix:///run/clamav/clamd.ctl。",
                id="core.E003",
            )
        ]
    return []


_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register()
def shared_cache_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Production (REQUIRE_SHARED_CACHE, set by config.settings.prod) needs one cache for every app server:
    with a per-process cache the captcha marks, SMS failure counts and API throttles differ per worker."""
    if not getattr(settings, "REQUIRE_SHARED_CACHE", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in _PER_PROCESS_CACHES:
        return [
            Error(
                f"生产环境必须使用共享缓存（Redis），当前为各进程独立的缓存 {backend}："
                "验证码标记和限流在各应用服务器之间不一致。"
                " Production needs a shared cache (Redis); the per-process cache would let each app server"
                " keep its own captcha marks and throttles.",
                hint="在环境变量 DJANGO_REDIS_URL 中填写 Redis 地址（如 redis://127.0.0.1:6379/1），见 docs/deploy.md。",
                id="core.E004",
            )
        ]
    return []


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register()
def object_storage_is_complete(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Production's S3-compatible file store (config.settings.prod, ADR 0037): all of it or none of it.

    A half-given store would leave uploads on one app server's disk while the settings name a bucket;
    files of identity documents travel to the store, so only a loopback endpoint may speak plain HTTP."""
    from urllib.parse import urlsplit

    given = list(getattr(settings, "S3_GIVEN", []) or [])
    if not given:
        return []
    required = list(getattr(settings, "S3_REQUIRED", []) or [])
    missing = [name for name in required if name not in given]
    if missing:
        return [
            Error(
                f"对象存储（S3）配置不完整，缺少 {'、'.join(missing)}；上传的文件不能存放。"
                f" The S3-compatible file store is half configured: {', '.join(missing)} missing.",
                hint="填写全部 DJANGO_S3_* 变量，或全部删除以使用本地磁盘（MEDIA_ROOT），见 docs/deploy.md。",
                id="core.E005",
            )
        ]
    endpoint = urlsplit(str(getattr(settings, "S3_ENDPOINT_URL", "")))
    if endpoint.scheme == "https" and endpoint.hostname:
        return []
    if endpoint.scheme == "http" and endpoint.hostname and _loopback(endpoint.hostname):
        return []
    return [
        Error(
            "对象存储地址 DJANGO_S3_ENDPOINT_URL 必须是 https:// 地址（仅本机回环地址可用 http://）。"
            " DJANGO_S3_ENDPOINT_URL must be an https:// URL (plain http only to a loopback address).",
            hint="例如 https://oss.example.gov.cn 或 http://127.0.0.1:9000，见 docs/deploy.md。",
            id="core.E006",
        )
    ]
