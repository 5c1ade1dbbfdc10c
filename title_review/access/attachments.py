"""Who may download an attachment, and to which material a file may be attached.

An attachment belongs to a row of another kind (a declaration, a round's notice, a 业绩档案 record). It
is downloadable by its owner and by whoever that kind's policy lets download the row; it may be linked
only to a row the actor may attach files to (for a declaration: fill it; for a round: manage it). The
kinds are registered once, in AccessConfig.ready(); an attachment on an unregistered kind is its owner's
alone. Uploading to a colleague's draft needs 填写材料 there, never merely seeing the draft.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from title_review.attachments.models import Attachment
from title_review.core.errors import DomainError
from title_review.core.params import to_id

from .kinds import ObjectPolicy, register
from .policies import person_pk

Rows = Callable[[Any], QuerySet]

DOWNLOAD = "download"
ATTACH = "attach"
MANAGE = "manage"


@dataclass(frozen=True)
class Target:
    download: Rows  # rows whose files the user may download
    attach: Rows  # rows the user may link files to


_TARGETS: dict[str, Target] = {}


def register_target(model_label: str, download: Rows, attach: Rows | None = None) -> None:
    """Let attachments be linked to rows of `model_label` ("app_label.ModelName").

    ``download(user)`` gives the rows whose files `user` may download; ``attach(user)`` the rows they may
    link files to (the same rows when omitted). Registering a model again replaces its rule."""
    model = apps.get_model(model_label)  # LookupError at start-up for a misspelt label
    _TARGETS[model._meta.label_lower] = Target(download=download, attach=attach or download)


def unregister_target(model_label: str) -> None:
    """Forget a registration (tests register fake targets and remove them afterwards)."""
    _TARGETS.pop(model_label.lower(), None)


def registered_targets() -> dict[str, Target]:
    return dict(_TARGETS)


class AttachmentPolicy(ObjectPolicy[Attachment]):
    kind = "attachment"
    model = Attachment
    purposes = frozenset({DOWNLOAD, MANAGE})

    def rule(self, user: Any, purpose: str) -> Q | None:
        if purpose == MANAGE:
            # Deleting or relinking: the owner, or whoever uploaded it for them (填写材料).
            return Q(owner_id=person_pk(user)) | Q(uploaded_by_id=user.pk)
        q = Q(owner_id=person_pk(user))
        for label, target in _TARGETS.items():
            target_type = ContentType.objects.get_for_model(apps.get_model(label))
            q |= Q(target_type=target_type, target_id__in=target.download(user).values("pk"))
        return q


policy = register(AttachmentPolicy())


def target_allows(user: Any, target: models.Model, purpose: str = ATTACH) -> bool:
    """Whether `user` may download files of (or attach files to) `target`; unregistered kinds: no."""
    rule = _TARGETS.get(target._meta.label_lower)
    if rule is None or target.pk is None or not getattr(user, "is_authenticated", False):
        return False
    rows = rule.attach if purpose == ATTACH else rule.download
    return rows(user).filter(pk=target.pk).exists()


def target_key(target: models.Model) -> str:
    """ "app_label.model:pk", the form in which pages name a target in the upload block."""
    return f"{target._meta.label_lower}:{target.pk}"


def resolve_target(user: Any, key: str) -> models.Model:
    """The row a target key names, if its kind is registered and `user` may attach files to it."""
    label, _sep, pk = (key or "").partition(":")
    rule = _TARGETS.get(label.lower())
    row_pk = to_id(pk)
    row = rule.attach(user).filter(pk=row_pk).first() if rule is not None and row_pk is not None else None
    if row is None:
        raise DomainError("找不到附件所属的材料，或您无权向该材料添加附件。", code="attachment_target")
    return row
