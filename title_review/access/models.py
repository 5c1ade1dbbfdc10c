from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel

from .roles import Role


class RoleGrant(TimeStampedModel):
    """A role held by a user at an organisation; see roles.CAPABILITIES for what it allows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("账号")
    )
    role = models.CharField(_("角色"), max_length=40, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("机构"),
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="unique_role_grant"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}@{self.organisation_id}"
