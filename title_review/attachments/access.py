"""Who may see an attachment: its owner, or whoever may see what it is attached to.

Attachments belong to rows of other apps (declarations, achievement records, ...). Those apps know
who may see their rows; this module only asks them. Each app registers its model once, from its
AppConfig.ready()::

    from title_review.attachments.access import register_target

    register_target("declarations.Declaration", declarations_visible_to)

where ``declarations_visible_to(user)`` returns the queryset of rows the user may see. An attachment
on a model nobody registered is visible to its owner alone.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from title_review.core.errors import DomainError

from .models import Attachment

Visible = Callable[[Any], QuerySet]

_TARGETS: dict[str, Visible] = {}


def register_target(model_label: str, visible: Visible) -> None:
    """Let attachments be linked to rows of `model_label` ("app_label.ModelName"), visible to
    whoever finds the row in ``visible(user)``. Registering the same model again replaces the rule."""
    model = apps.get_model(model_label)  # LookupError at start-up for a misspelt label
    _TARGETS[model._meta.label_lower] = visible


def unregister_target(model_label: str) -> None:
    """Forget a registration (tests register fake targets and remove them afterwards)."""
    _TARGETS.pop(model_label.lower(), None)


def registered_targets() -> dict[str, Visible]:
    return dict(_TARGETS)


def attachments_visible_to(user: Any) -> QuerySet[Attachment]:
    """The attachments `user` may see: their own, plus those on a target row they may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Attachment.objects.none()
    q = Q(owner=user)
    for label, visible in _TARGETS.items():
        target_type = ContentType.objects.get_for_model(apps.get_model(label))
        q |= Q(target_type=target_type, target_id__in=visible(user).values("pk"))
    return Attachment.objects.filter(q)


def can_see_target(user: Any, target: models.Model) -> bool:
    """Whether `user` may see `target` according to its model's registration (unregistered: no)."""
    visible = _TARGETS.get(target._meta.label_lower)
    if visible is None or target.pk is None:
        return False
    return visible(user).filter(pk=target.pk).exists()


def target_key(target: models.Model) -> str:
    """ "app_label.model:pk", the form in which pages name a target in the upload block."""
    return f"{target._meta.label_lower}:{target.pk}"


def resolve_target(user: Any, key: str) -> models.Model:
    """The row a target key names, if its model is registered and `user` may see it."""
    label, _sep, pk = (key or "").partition(":")
    visible = _TARGETS.get(label.lower())
    row = visible(user).filter(pk=int(pk)).first() if visible is not None and pk.isdigit() else None
    if row is None:
        raise DomainError("找不到附件所属的材料，或您无权查看该材料。", code="attachment_target")
    return row
