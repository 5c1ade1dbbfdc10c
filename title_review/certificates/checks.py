"""Production refuses to start without the installation's 电子证书 signing key and certificate chain."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .signing import missing_files


@register()
def signing_key_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    """certificates.E001/E002: with REQUIRED set (config.settings.prod) the key, certificate and chain must
    be real files, and the development test CA is never made on the fly."""
    conf = getattr(settings, "CERTIFICATE_SIGNING", {})
    if not conf.get("REQUIRED"):
        return []
    errors = []
    if conf.get("TEST_CA"):
        errors.append(
            Error(
                "生产环境不能使用自动生成的测试 CA 签发电子证书。 Production never signs with the generated test CA.",
                hint="去掉 CERTIFICATE_SIGNING 的 TEST_CA，配置本单位的签名私钥和证书链，见 docs/deploy.md。",
                id="certificates.E002",
            )
        )
    missing = missing_files()
    if missing:
        errors.append(
            Error(
                "电子证书签名私钥、签名证书或证书链未配置或文件不存在："
                f"{', '.join(missing)}。 The certificate signing key and chain are missing.",
                hint="在环境变量 DJANGO_CERTIFICATE_SIGNING_KEY、DJANGO_CERTIFICATE_SIGNING_CERT、"
                "DJANGO_CERTIFICATE_SIGNING_CHAIN（逗号分隔）中填写文件路径，见 docs/deploy.md。",
                id="certificates.E001",
            )
        )
    return errors
