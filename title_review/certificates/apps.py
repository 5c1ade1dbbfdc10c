from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "title_review.certificates"
    label = "certificates"
    verbose_name = "证书信息与原系统数据"

    def ready(self) -> None:
        from title_review.core import importing

        from . import checks  # noqa: F401 — registers the signing-key system check
        from .imports import CERTIFICATES, LEGACY_CODES

        importing.register(CERTIFICATES, LEGACY_CODES)
