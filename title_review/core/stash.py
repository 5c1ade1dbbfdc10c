"""Uploads kept between a dry run and its confirmation, private to the uploading account."""

import secrets
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404


def _path(user: Any, token: str, suffix: str) -> str:
    if not token.isalnum():
        raise Http404
    return f"stash/{user.pk}/{token}{suffix}"


def stash(user: Any, content: bytes, *, suffix: str) -> str:
    token = secrets.token_hex(16)
    default_storage.save(_path(user, token, suffix), ContentFile(content))
    return token


def open_stash(user: Any, token: str, *, suffix: str) -> IO[bytes] | None:
    path = _path(user, token, suffix)
    if not default_storage.exists(path):
        return None
    handle = default_storage.open(path)
    handle.name = f"upload{suffix}"
    return handle


def drop_stash(user: Any, token: str, *, suffix: str) -> None:
    default_storage.delete(_path(user, token, suffix))
