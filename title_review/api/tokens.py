"""Integration tokens: created by an organisation's administrator, scoped to one organisation, revocable."""

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.accounts.models import AccountKind, User
from title_review.audit.services import record_event
from title_review.core.errors import DomainError

from .models import ApiToken

KEYWORD = "Token"


def _hash(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def create_token(*, actor: Any, organisation: Any, name: str) -> tuple[ApiToken, str]:
    """A new integration account at `organisation` with one token; the key is returned once."""
    require(actor, "token.manage", organisation)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌用途，例如“省人社一体化平台对接”。")
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    user = User(username=f"api-{prefix}", kind=AccountKind.INTEGRATION, real_name=name[:50], organisation=organisation)
    user.set_unusable_password()
    user.save()
    RoleGrant.objects.create(user=user, role=Role.INTEGRATION, organisation=organisation)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=_hash(key), created_by=actor)
    record_event(
        actor=actor, action="token.create", obj=token, after={"name": name, "prefix": prefix}, organisation=organisation
    )
    return token, key


@transaction.atomic
def revoke_token(*, actor: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__organisation").get(pk=token_id)
    require(actor, "token.manage", token.user.organisation)
    if token.revoked_at is not None:
        raise DomainError("该令牌已吊销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    record_event(actor=actor, action="token.revoke", obj=token, organisation=token.user.organisation)
    return token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` for integration accounts."""

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != KEYWORD:
            return None
        if len(header) != 2 or "." not in header[1]:
            raise exceptions.AuthenticationFailed("令牌格式不正确。")
        key = header[1]
        token = ApiToken.objects.select_related("user").filter(prefix=key.split(".", 1)[0]).first()
        if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
            raise exceptions.AuthenticationFailed("令牌无效。")
        if token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌已吊销。")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD
