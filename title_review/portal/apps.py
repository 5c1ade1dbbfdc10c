from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "title_review.portal"
    label = "portal"
    verbose_name = "公共服务门户"

    def ready(self) -> None:
        from title_review.access import public  # noqa: F401 — registers the public 通知附件 policy
