from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Roles come from access.RoleGrant; `organisation` is where the account belongs."""

    real_name = models.CharField(_("姓名"), max_length=50, blank=True, default="")
    phone = models.CharField(_("手机号码"), max_length=20, blank=True, default="")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("所属机构"),
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("账号")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username
