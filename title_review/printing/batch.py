"""The background job "printing.round_review_forms": a zip of a round's 评审表 for 我的下载."""

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from title_review.core.errors import DomainError
from title_review.jobs.registry import JobOutput, Progress

from . import selectors, services
from .services import BATCH_KIND

__all__ = ["BATCH_KIND", "round_review_forms"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def _safe(name: str) -> str:
    """A file name part without path separators or characters Windows refuses."""
    return _UNSAFE.sub("_", name).strip("._")[:60] or "未命名"


def round_review_forms(job: Any, progress: Progress) -> JobOutput:
    """Render the 评审表 of every submitted declaration of the round that the job's owner may print.

    Access is decided again when the job runs (the owner's rights may have changed since the click).
    """
    owner = job.owner
    round_ = selectors.printable_round(owner, int(job.params.get("round") or 0))
    if round_ is None:
        raise DomainError("评审活动不存在或您无权打印。")
    declarations = list(selectors.batch_declarations(owner, round_).select_related("round__series"))
    if not declarations:
        raise DomainError("该评审活动中没有您可以打印的已提交材料。")
    total = len(declarations)
    progress(0, total)
    with tempfile.NamedTemporaryFile(prefix="review-forms-", suffix=".zip", delete=False) as handle:
        path = Path(handle.name)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for index, declaration in enumerate(declarations, start=1):
                printed = services.print_declaration(viewer=owner, declaration=declaration, form_key="review")
                entry = f"{index:03d}-{_safe(declaration.employer.name)}-{_safe(printed.filename)}"
                archive.writestr(entry, printed.content)
                progress(index, total)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return JobOutput(
        name=f"{_safe(round_.title)}-评审表.zip", path=path, message=f"共 {total} 份评审表（PDF），按单位、姓名排列。"
    )
