"""What the job runner knows: handlers per job kind and the daily tasks.

An app registers its handlers in its AppConfig.ready():

    from title_review.jobs.registry import register_handler
    register_handler("exports.summary", "导出汇总表", export_summary)

A handler is `handler(job, progress) -> JobOutput`; it reports progress with `progress(done, total)`
and raises DomainError with a Chinese sentence when the job cannot be done.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class JobOutput:
    """A finished job's file for 我的下载 (`path` for big files written to disk, or `content`)."""

    name: str
    path: Path | None = None
    content: bytes | None = None
    message: str = ""


Progress = Callable[[int, int], None]
Handler = Callable[[Any, Progress], JobOutput | None]


@dataclass(frozen=True)
class HandlerEntry:
    label: str
    handler: Handler


HANDLERS: dict[str, HandlerEntry] = {}
DAILY: dict[str, Callable[[], Any]] = {}


def register_handler(kind: str, label: str, handler: Handler) -> None:
    HANDLERS[kind] = HandlerEntry(label, handler)


def register_daily(name: str, task: Callable[[], Any]) -> None:
    """A task the worker runs once a day (publicity ends, 补正 deadlines, file expiry)."""
    DAILY[name] = task
