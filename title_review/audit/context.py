"""The request's IP, kept for the duration of one request so services can stamp audit rows."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
