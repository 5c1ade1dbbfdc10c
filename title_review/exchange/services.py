"""交换数据包: export the accepted declarations of a round as a package, and import a package.

Export (高中级申报信息转评委会 / 导出申报数据) runs as a background job and lands in 我的下载; import
(接收高中级申报信息 / 导入申报数据) verifies the whole package first (package.open_package) and then writes
every new declaration in one transaction, or nothing. See docs/decisions/0016-exchange-packages.md.
"""

import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from title_review.access.policies import can, has_capability
from title_review.attachments.models import Attachment
from title_review.attachments.services import attachments_of
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.jobs.models import Job
from title_review.jobs.registry import JobOutput
from title_review.jobs.services import enqueue
from title_review.rounds.models import Round

from .models import ReceivedDeclaration, ReceivedFile
from .package import ExportFile, ExportItem, PackageWriter, VerifiedPackage, open_package
from .selectors import exportable_to, local_installation

logger = logging.getLogger(__name__)

EXPORT_JOB = "exchange.export"
NOT_ALLOWED = "您没有“交换数据包”的权限。"

Progress = Callable[[int, int], None]


# ---- export -------------------------------------------------------------------------------------


def _exportable(actor: Any, round_id: int, declaration_ids: list[int] | None) -> QuerySet[Declaration]:
    """The declarations to export; `actor` None is the operator at the command line (the whole round)."""
    if actor is not None and not has_capability(actor, "exchange.manage"):
        raise NotAllowed(NOT_ALLOWED)
    base = exportable_to(actor) if actor is not None else Declaration.objects.filter(status=Status.ACCEPTED)
    queryset = base.filter(round_id=round_id)
    if declaration_ids is not None:
        wanted = set(declaration_ids)
        if not wanted:
            raise DomainError("请选择要导出的申报材料。")
        queryset = queryset.filter(pk__in=wanted)
        missing = len(wanted) - queryset.count()
        if missing:
            raise DomainError(
                f"所选的 {len(wanted)} 份申报材料中有 {missing} 份不是该评审活动已受理的材料，或不在您的管理范围内。"
                "请刷新页面后重新选择。"
            )
    return queryset.select_related("applicant", "employer").order_by("employer__path", "applicant__real_name", "pk")


@transaction.atomic
def start_export(*, actor: Any, round_id: int, declaration_ids: list[int] | None = None) -> Job:
    """导出数据包: queue the export of a round's accepted declarations (or a selection of them).

    The job checks the user's scope again when it runs; its file appears in 我的下载.
    """
    queryset = _exportable(actor, round_id, declaration_ids)
    count = queryset.count()
    if not count:
        raise DomainError("该评审活动没有您可以导出的已受理申报材料。")
    round_ = Round.objects.get(pk=round_id)
    title = f"交换数据包：{round_.title}（{'所选 ' if declaration_ids is not None else ''}{count} 份）"
    ids = sorted(set(declaration_ids)) if declaration_ids is not None else None
    return enqueue(owner=actor, kind=EXPORT_JOB, title=title, params={"round": round_id, "ids": ids})


@dataclass(frozen=True)
class ExportSummary:
    round_title: str
    round_year: int
    created_at: Any
    declarations: int
    attachments: int
    manifest_sha256: str

    @property
    def file_name(self) -> str:
        title = re.sub(r'[\\/:*?"<>|\s]+', "_", self.round_title)[:80]
        return f"交换数据包_{self.round_year}_{title}_{timezone.localtime(self.created_at):%Y%m%d%H%M%S}.zip"


def _reader(attachment: Attachment) -> Callable[[], IO[bytes]]:
    def open_stored() -> IO[bytes]:
        return attachment.file.open("rb")

    return open_stored


def _item(declaration: Declaration) -> ExportItem:
    """A declaration as the package carries it: its snapshot and the files that snapshot lists."""
    snapshot = declaration.snapshot or {}
    listed = snapshot.get("attachments") or []
    name = declaration.applicant.real_name or declaration.applicant.username
    rows = {a.pk: a for a in attachments_of(declaration).filter(pk__in=[entry.get("id") for entry in listed])}
    files = []
    for entry in listed:
        row = rows.get(entry.get("id"))
        if row is None:
            raise DomainError(f"{name}的附件“{entry.get('name')}”已不在系统中，已停止导出。请联系系统管理员核查。")
        files.append(
            ExportFile(
                sha256=entry["sha256"],
                size=entry["size"],
                name=entry.get("name", ""),
                kind=entry.get("kind", ""),
                open=_reader(row),
            )
        )
    return ExportItem(
        source_id=declaration.pk,
        applicant_name=str((snapshot.get("applicant") or {}).get("name", name)),
        employer_name=str((snapshot.get("employer") or {}).get("name", declaration.employer.name)),
        snapshot=snapshot,
        snapshot_hash=declaration.snapshot_hash,
        files=tuple(files),
    )


def _header(actor: Any, round_: Round, now: Any) -> dict[str, Any]:
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    return {
        "source": {
            "installation": local_installation(),
            "organisation": (organisation or round_.publisher).name,
        },
        "created_at": timezone.localtime(now).isoformat(),
        "creator": {
            "username": getattr(actor, "username", ""),
            "name": getattr(actor, "real_name", "") or ("" if actor is not None else "命令行导出"),
        },
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "year": round_.year,
            "kind": round_.kind,
            "publisher": round_.publisher.name,
        },
    }


def export_package(
    *,
    actor: Any,
    round_id: int,
    out: str | Path | IO[bytes],
    declaration_ids: list[int] | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the package of a round's accepted declarations to `out`, one declaration at a time.

    `actor` None means the operator (manage.py export_package): every accepted declaration of the
    round. Otherwise only those the actor may see and exchange. Refuses, naming the declaration, when
    a stored snapshot or file no longer matches the hash recorded at submission. Audited.
    """
    declarations = list(_exportable(actor, round_id, declaration_ids))
    if not declarations:
        raise DomainError("该评审活动没有可导出的已受理申报材料。")
    round_ = Round.objects.select_related("publisher").get(pk=round_id)
    now = timezone.now()
    writer = PackageWriter(out, header=_header(actor, round_, now), created_at=timezone.localtime(now))
    try:
        for done, declaration in enumerate(declarations, start=1):
            writer.add(_item(declaration))
            if progress is not None:
                progress(done, len(declarations))
        digest = writer.finish()
    except BaseException:
        writer.abort()
        raise
    record_event(
        actor=actor,
        action="exchange.export",
        obj=round_,
        after={
            "declarations": [d.pk for d in declarations],
            "attachments": writer.attachment_count,
            "manifest_sha256": digest,
        },
    )
    return ExportSummary(round_.title, round_.year, now, writer.count, writer.attachment_count, digest)


def run_export_job(job: Job, progress: Progress) -> JobOutput:
    """The job handler: the package is written to a temporary file that 我的下载 then keeps."""
    handle = tempfile.NamedTemporaryFile(prefix="exchange-", suffix=".zip", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        summary = export_package(
            actor=job.owner,
            round_id=int(job.params["round"]),
            declaration_ids=job.params.get("ids"),
            out=path,
            progress=progress,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return JobOutput(
        name=summary.file_name,
        path=path,
        message=f"共 {summary.declarations} 份申报材料、{summary.attachments} 个附件。",
    )


# ---- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    package_name: str
    round_title: str
    source_organisation: str
    total: int
    added: int
    existing: int

    @property
    def message(self) -> str:
        return (
            f"数据包“{self.package_name}”（{self.round_title}）共 {self.total} 份申报材料："
            f"已存在 {self.existing} 份，新增 {self.added} 份。"
        )


_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def _sniff(handle: IO[bytes]) -> tuple[str, str]:
    """The content type from the file's first bytes, never from the package's word for it."""
    head = handle.read(8)
    handle.seek(0)
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return "application/octet-stream", "bin"


def import_package(*, actor: Any, source: str | Path | IO[bytes], package_name: str) -> ImportResult:
    """导入数据包: verify the whole package, then store the declarations not yet received, in one transaction.

    A tampered, truncated or unsafe package is refused with a sentence naming what is wrong
    (package.PackageRefused) before anything is written. Importing a package again adds nothing:
    a declaration is received once per (source installation, snapshot hash).
    """
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not can(actor, "exchange.manage", organisation):
        raise NotAllowed(NOT_ALLOWED)
    try:
        package = open_package(source)
    except DomainError as exc:
        logger.warning("exchange package %r refused for user %s: %s", package_name, actor.pk, exc.message)
        raise
    try:
        return _store(actor=actor, organisation=organisation, package=package, package_name=package_name[:200])
    finally:
        package.close()


def _store(*, actor: Any, organisation: Any, package: VerifiedPackage, package_name: str) -> ImportResult:
    written: list[ReceivedFile] = []
    try:
        with transaction.atomic():
            existing = set(
                ReceivedDeclaration.objects.filter(
                    source_installation=package.installation,
                    snapshot_hash__in=[d.snapshot_hash for d in package.declarations],
                ).values_list("snapshot_hash", flat=True)
            )
            added = []
            for declaration in package.declarations:
                if declaration.snapshot_hash in existing:
                    continue
                received = ReceivedDeclaration.objects.create(
                    source_installation=package.installation,
                    source_organisation=package.source_organisation,
                    source_id=declaration.source_id,
                    source_round_id=package.round.id,
                    round_title=package.round.title,
                    round_year=package.round.year,
                    round_kind=package.round.kind,
                    round_publisher=package.round.publisher,
                    applicant_name=declaration.applicant_name,
                    employer_name=declaration.employer_name,
                    snapshot=declaration.snapshot,
                    snapshot_hash=declaration.snapshot_hash,
                    package_name=package_name,
                    package_sha256=package.manifest_sha256,
                    package_created_at=package.created_at,
                    package_creator=package.creator,
                    received_by=actor,
                    organisation=organisation,
                )
                for item in declaration.files:
                    with package.extract(item.path, item.sha256) as content:
                        content_type, extension = _sniff(content)
                        row = ReceivedFile(
                            declaration=received,
                            kind=item.kind,
                            name=item.name,
                            content_type=content_type,
                            size=item.size,
                            sha256=item.sha256,
                        )
                        row.file.save(f"file.{extension}", File(content), save=False)
                        written.append(row)
                        row.save()
                added.append(received.pk)
            result = ImportResult(
                package_name=package_name,
                round_title=package.round.title,
                source_organisation=package.source_organisation,
                total=len(package.declarations),
                added=len(added),
                existing=len(package.declarations) - len(added),
            )
            record_event(
                actor=actor,
                action="exchange.import",
                organisation=organisation,
                after={
                    "package": package_name,
                    "manifest_sha256": package.manifest_sha256,
                    "source_installation": package.installation,
                    "source_organisation": package.source_organisation,
                    "round": package.round.title,
                    "added": added,
                    "existing": result.existing,
                },
            )
    except IntegrityError as exc:
        _discard(written)
        raise Conflict("同一数据包正在由他人导入，请稍后在“已接收的申报材料”中查看。") from exc
    except BaseException:
        _discard(written)
        raise
    return result


def _discard(rows: list[ReceivedFile]) -> None:
    """Stored files of an import that was rolled back: remove them, the rows are gone already."""
    for row in rows:
        if row.file.name:
            row.file.storage.delete(row.file.name)


@transaction.atomic
def record_file_download(*, actor: Any, received_file: ReceivedFile) -> None:
    """Audit a download of a received declaration's file (personal data leaves the system)."""
    record_event(
        actor=actor,
        action="exchange.file_download",
        obj=received_file.declaration,
        after={"file": received_file.pk, "name": received_file.name, "sha256": received_file.sha256},
    )
