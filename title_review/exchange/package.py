"""交换数据包: the zip format, written and verified here without touching the database.

A package (format FORMAT, version VERSION; docs/decisions/0016-exchange-packages.md)::

    manifest.json            what the package holds (below), UTF-8 JSON
    manifest.sha256          SHA-256 of manifest.json's exact bytes, as `sha256sum` writes it
    snapshots/<n>.json       each declaration's snapshot, in the exact canonical bytes its hash was taken of
    attachments/<sha256>     each attachment once, named by the SHA-256 of its content

manifest.json carries the source installation, the round, the creator and time, one entry per
declaration (source id, applicant, snapshot path and hash, files with path + sha256 + size), and
`contents`: path, sha256 and size of every file in the package other than the two manifest files.

`open_package` checks everything before anyone writes anything: a readable zip, safe member names,
the manifest's own checksum, no missing and no extra files, every size and SHA-256, and each
snapshot's canonical hash. Any failure raises PackageRefused with a sentence naming what is wrong.
These checksums find corruption and edits; they do not prove who made a package (see the ADR).
"""

import datetime as dt
import hashlib
import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from title_review.core.errors import DomainError

FORMAT = "title-review.exchange-package"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_CHECKSUM = "manifest.sha256"

SNAPSHOT_PATH = re.compile(r"^snapshots/[1-9][0-9]{0,8}\.json$")
ATTACHMENT_PATH = re.compile(r"^attachments/[0-9a-f]{64}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
INSTALLATION_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
_CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *]manifest\.json\n?$")

# Guards against zip bombs and absurd packages; a province's round is far below these.
MAX_MEMBERS = 200_000
MAX_UNPACKED_BYTES = 16 * 1024**3
MAX_MANIFEST_BYTES = 64 * 1024**2
MAX_SNAPSHOT_BYTES = 16 * 1024**2
CHUNK = 1024 * 1024

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError)


def canonical_json(value: Any) -> bytes:
    """The bytes a snapshot's SHA-256 is taken of (declarations.services.submit_declaration)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def snapshot_digest(snapshot: Any) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


class PackageRefused(DomainError):
    """The package cannot be imported; nothing was written."""

    code = "package_refused"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}。未导入任何数据，请向导出方重新获取数据包。")
        self.what = what


# ---- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """One attachment of a declaration as its snapshot lists it, with a way to read the stored bytes."""

    sha256: str
    size: int
    name: str
    kind: str
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class ExportItem:
    source_id: int
    applicant_name: str
    employer_name: str
    snapshot: dict[str, Any]
    snapshot_hash: str
    files: tuple[ExportFile, ...]


class PackageWriter:
    """Streams declarations into a package; `finish()` writes the manifest and its checksum.

    Every snapshot and attachment is checked against the hash recorded at submission while it is
    written, so a package never carries material that differs from what the reviewers accepted.
    """

    def __init__(self, target: str | Path | IO[bytes], *, header: dict[str, Any], created_at: dt.datetime) -> None:
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = created_at.timetuple()[:6]
        self._header = header
        self._declarations: list[dict[str, Any]] = []
        self._contents: dict[str, dict[str, Any]] = {}

    def _info(self, path: str, compress_type: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self._stamp)  # type: ignore[arg-type]
        info.compress_type = compress_type
        info.external_attr = 0o644 << 16
        return info

    def add(self, item: ExportItem) -> None:
        snapshot_bytes = canonical_json(item.snapshot)
        if hashlib.sha256(snapshot_bytes).hexdigest() != item.snapshot_hash:
            raise DomainError(
                f"{item.applicant_name}的申报材料与提交时的材料摘要不符，已停止导出。请联系系统管理员核查该申报材料。"
            )
        path = f"snapshots/{len(self._declarations) + 1}.json"
        self._zip.writestr(self._info(path, zipfile.ZIP_DEFLATED), snapshot_bytes)
        self._contents[path] = {"path": path, "sha256": item.snapshot_hash, "size": len(snapshot_bytes)}
        files = []
        for export_file in item.files:
            file_path = f"attachments/{export_file.sha256}"
            if file_path not in self._contents:
                self._copy(item, export_file, file_path)
            files.append(
                {
                    "path": file_path,
                    "sha256": export_file.sha256,
                    "size": export_file.size,
                    "name": export_file.name,
                    "kind": export_file.kind,
                }
            )
        self._declarations.append(
            {
                "source_id": item.source_id,
                "applicant_name": item.applicant_name,
                "employer_name": item.employer_name,
                "snapshot": path,
                "snapshot_hash": item.snapshot_hash,
                "files": files,
            }
        )

    def _copy(self, item: ExportItem, export_file: ExportFile, path: str) -> None:
        """Attachments are already compressed (PDF, JPG, PNG): stored as they are, hashed on the way."""
        digest = hashlib.sha256()
        size = 0
        info = self._info(path, zipfile.ZIP_STORED)
        info.file_size = export_file.size
        try:
            source = export_file.open()
        except FileNotFoundError as exc:
            raise DomainError(
                f"{item.applicant_name}的附件“{export_file.name}”的文件已丢失，已停止导出。请联系系统管理员核查。"
            ) from exc
        with source, self._zip.open(info, "w", force_zip64=export_file.size >= zipfile.ZIP64_LIMIT) as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if digest.hexdigest() != export_file.sha256 or size != export_file.size:
            raise DomainError(
                f"{item.applicant_name}的附件“{export_file.name}”与提交时的记录不符（校验值不同），已停止导出。"
                "请联系系统管理员核查。"
            )
        self._contents[path] = {"path": path, "sha256": export_file.sha256, "size": size}

    @property
    def count(self) -> int:
        return len(self._declarations)

    @property
    def attachment_count(self) -> int:
        return sum(1 for path in self._contents if path.startswith("attachments/"))

    def finish(self) -> str:
        """Write manifest.json and manifest.sha256, close the zip; returns the manifest's SHA-256."""
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            **self._header,
            "declarations": self._declarations,
            "contents": list(self._contents.values()),
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        self._zip.writestr(self._info(MANIFEST, zipfile.ZIP_DEFLATED), manifest_bytes)
        self._zip.writestr(
            self._info(MANIFEST_CHECKSUM, zipfile.ZIP_DEFLATED), f"{digest}  {MANIFEST}\n".encode("ascii")
        )
        self._zip.close()
        return digest

    def abort(self) -> None:
        self._zip.close()


# ---- reading and verifying ----------------------------------------------------------------------


@dataclass(frozen=True)
class PackageFile:
    path: str
    sha256: str
    size: int
    name: str
    kind: str


@dataclass(frozen=True)
class PackageDeclaration:
    source_id: int
    applicant_name: str
    employer_name: str
    snapshot: dict[str, Any]
    snapshot_hash: str
    snapshot_path: str
    files: tuple[PackageFile, ...]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    title: str
    year: int
    kind: str
    publisher: str


@dataclass
class VerifiedPackage:
    """A package that passed every check; `read` hands out an attachment's bytes (checked again)."""

    archive: zipfile.ZipFile
    manifest_sha256: str
    installation: str
    source_organisation: str
    created_at: dt.datetime
    creator: str
    round: RoundInfo
    declarations: list[PackageDeclaration] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    def extract(self, path: str, sha256: str) -> IO[bytes]:
        """A file's bytes in a spooled temporary file (memory up to 8 MB, then disk), checked once more."""
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024**2)  # noqa: SIM115 — handed to the caller
        digest = hashlib.sha256()
        for chunk in _digest(self.archive, path):
            digest.update(chunk)
            spool.write(chunk)
        if digest.hexdigest() != sha256:
            spool.close()
            raise PackageRefused(f"数据包已被修改：{path} 的校验值不符")
        spool.seek(0)
        return spool  # type: ignore[return-value]  # a SpooledTemporaryFile reads like IO[bytes]

    def close(self) -> None:
        self.archive.close()


def open_package(source: str | Path | IO[bytes]) -> VerifiedPackage:
    """Open and verify a package completely; raise PackageRefused naming the first problem found."""
    try:
        archive = zipfile.ZipFile(source)
        infos = archive.infolist()
    except _READ_ERRORS as exc:
        raise PackageRefused("数据包已损坏或不完整，无法作为 zip 文件读取") from exc
    try:
        return _verify(archive, infos)
    except BaseException:
        archive.close()
        raise


def _verify(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> VerifiedPackage:
    members = _check_members(infos)
    if MANIFEST not in members:
        raise PackageRefused("数据包缺少清单文件 manifest.json，不是本系统导出的交换数据包")
    if MANIFEST_CHECKSUM not in members:
        raise PackageRefused("数据包缺少清单校验文件 manifest.sha256，无法确认数据包是否完整")
    if members[MANIFEST].file_size > MAX_MANIFEST_BYTES or members[MANIFEST_CHECKSUM].file_size > 1024:
        raise PackageRefused("数据包的清单文件过大，不是本系统导出的交换数据包")
    manifest_bytes = _read(archive, MANIFEST)
    match = _CHECKSUM_LINE.match(_read(archive, MANIFEST_CHECKSUM).decode("ascii", "replace"))
    if match is None:
        raise PackageRefused("数据包已被修改：manifest.sha256 的内容格式不对")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    if match.group(1) != manifest_sha256:
        raise PackageRefused("数据包已被修改：manifest.json 的校验值不符")
    manifest = _parse_manifest(manifest_bytes)
    contents = _contents(manifest)
    _same_names(members, contents)
    snapshot_bytes = _check_contents(archive, members, contents)
    package = VerifiedPackage(
        archive=archive,
        manifest_sha256=manifest_sha256,
        installation=_text(manifest["source"], "installation", "source.", 64),
        source_organisation=_text(manifest["source"], "organisation", "source.", 200, required=False),
        created_at=_moment(manifest, "created_at"),
        creator=_creator(manifest),
        round=_round(manifest),
        sizes={path: entry["size"] for path, entry in contents.items()},
    )
    if not INSTALLATION_ID.match(package.installation):
        _malformed("source.installation 不是有效的系统标识")
    referenced: set[str] = set()
    hashes: set[str] = set()
    for number, entry in enumerate(_list(manifest, "declarations", ""), start=1):
        declaration = _declaration(number, entry, contents, snapshot_bytes)
        if declaration.snapshot_hash in hashes:
            _malformed(f"第 {number} 份申报材料与前面的重复")
        hashes.add(declaration.snapshot_hash)
        referenced.add(declaration.snapshot_path)
        referenced.update(f.path for f in declaration.files)
        package.declarations.append(declaration)
    if not package.declarations:
        _malformed("没有任何申报材料")
    unused = sorted(set(contents) - referenced)
    if unused:
        _malformed(f"{unused[0]} 不属于任何一份申报材料")
    return package


def _unsafe(name: str) -> bool:
    """Absolute paths, drive letters, backslashes, '..' or '.' parts, empty parts: never extracted."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part in ("", ".", "..") for part in name.split("/"))


def _check_members(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_MEMBERS:
        raise PackageRefused(f"数据包中的文件超过 {MAX_MEMBERS} 个，不是本系统导出的交换数据包")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if _unsafe(info.filename):
            raise PackageRefused(f"数据包含有不安全的文件名“{info.filename}”")
        if info.filename in members:
            raise PackageRefused(f"数据包中的文件名“{info.filename}”重复出现")
        if info.flag_bits & 0x1:
            raise PackageRefused(f"数据包中的 {info.filename} 已加密，无法校验")
        members[info.filename] = info
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise PackageRefused(f"数据包解压后超过 {MAX_UNPACKED_BYTES // 1024**3} GB")
    return members


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            return handle.read()
    except _READ_ERRORS as exc:
        raise PackageRefused(f"数据包已损坏：{name} 无法读取，文件可能不完整或已被修改") from exc


def _digest(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    try:
        with archive.open(name) as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")
    except _READ_ERRORS as exc:
        raise PackageRefused(f"数据包已损坏：{name} 无法读取，文件可能不完整或已被修改") from exc


def _malformed(detail: str) -> NoReturn:
    raise PackageRefused(f"数据包清单 manifest.json 内容有误：{detail}")


def _parse_manifest(content: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageRefused("数据包清单 manifest.json 不是有效的 JSON") from exc
    if not isinstance(manifest, dict):
        raise PackageRefused("数据包清单 manifest.json 不是有效的清单")
    if manifest.get("format") != FORMAT:
        raise PackageRefused("数据包格式不对：不是本系统导出的交换数据包")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION or version < 1:
        raise PackageRefused(f"数据包格式版本 {version} 不受支持（本系统支持版本 {VERSION}），请升级系统后再导入")
    for key in ("source", "round", "creator"):
        if not isinstance(manifest.get(key), dict):
            _malformed(f"缺少 {key}")
    return manifest


def _text(obj: dict[str, Any], key: str, where: str, max_length: int, *, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_length:
        _malformed(f"{where}{key} 缺失或不是有效的文字")
    return str(value)


def _integer(obj: dict[str, Any], key: str, where: str, minimum: int = 0, maximum: int = 2**62) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        _malformed(f"{where}{key} 缺失或不是有效的数字")
    return int(value)  # type: ignore[arg-type]  # checked just above


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        _malformed(f"{where}{key} 缺失或不是列表")
    return value


def _moment(obj: dict[str, Any], key: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(_text(obj, key, "", 40))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        _malformed(f"{key} 不是带时区的时间")
    return moment


def _creator(manifest: dict[str, Any]) -> str:
    creator = manifest["creator"]
    name = _text(creator, "name", "creator.", 100, required=False)
    username = _text(creator, "username", "creator.", 150, required=False)
    return f"{name}（{username}）" if name and username else name or username


def _round(manifest: dict[str, Any]) -> RoundInfo:
    info = manifest["round"]
    return RoundInfo(
        id=_integer(info, "id", "round.", 1),
        title=_text(info, "title", "round.", 200),
        year=_integer(info, "year", "round.", 1900, 2999),
        kind=_text(info, "kind", "round.", 20, required=False),
        publisher=_text(info, "publisher", "round.", 200, required=False),
    )


def _contents(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    contents: dict[str, dict[str, Any]] = {}
    for entry in _list(manifest, "contents", ""):
        if not isinstance(entry, dict):
            _malformed("contents 中有无效的条目")
        path = _text(entry, "path", "contents.", 200)
        if not (SNAPSHOT_PATH.match(path) or ATTACHMENT_PATH.match(path)):
            _malformed(f"contents 中的文件名“{path}”不合规")
        sha256 = _text(entry, "sha256", "contents.", 64)
        if not SHA256_HEX.match(sha256):
            _malformed(f"{path} 的校验值格式不对")
        if path.startswith("attachments/") and path != f"attachments/{sha256}":
            _malformed(f"{path} 的文件名与其校验值不一致")
        if path in contents:
            _malformed(f"contents 中的 {path} 重复")
        contents[path] = {"sha256": sha256, "size": _integer(entry, "size", "contents.")}
    return contents


def _same_names(members: dict[str, zipfile.ZipInfo], contents: dict[str, dict[str, Any]]) -> None:
    names = set(members) - {MANIFEST, MANIFEST_CHECKSUM}
    extra = sorted(names - set(contents))
    if extra:
        raise PackageRefused(f"数据包含有清单之外的文件：{extra[0]}")
    missing = sorted(set(contents) - names)
    if missing:
        raise PackageRefused(f"数据包不完整：缺少 {missing[0]}")


def _check_contents(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], contents: dict[str, dict[str, Any]]
) -> dict[str, bytes]:
    """Every listed file's size and SHA-256; returns the snapshots' bytes (small) for the next checks."""
    snapshots: dict[str, bytes] = {}
    for path, entry in contents.items():
        if members[path].file_size != entry["size"]:
            raise PackageRefused(f"数据包已被修改：{path} 的大小不符")
        if path.startswith("snapshots/"):
            if entry["size"] > MAX_SNAPSHOT_BYTES:
                raise PackageRefused(f"数据包中的 {path} 过大")
            content = _read(archive, path)
            snapshots[path] = content
            actual = hashlib.sha256(content).hexdigest()
        else:
            digest = hashlib.sha256()
            for chunk in _digest(archive, path):
                digest.update(chunk)
            actual = digest.hexdigest()
        if actual != entry["sha256"]:
            raise PackageRefused(f"数据包已被修改：{path} 的校验值不符")
    return snapshots


def _declaration(
    number: int, entry: Any, contents: dict[str, dict[str, Any]], snapshots: dict[str, bytes]
) -> PackageDeclaration:
    where = f"declarations[{number}]."
    if not isinstance(entry, dict):
        _malformed(f"第 {number} 份申报材料的条目无效")
    path = _text(entry, "snapshot", where, 200)
    if path not in snapshots:
        _malformed(f"第 {number} 份申报材料的 snapshot 不在 contents 中")
    snapshot_hash = _text(entry, "snapshot_hash", where, 64)
    if contents[path]["sha256"] != snapshot_hash:
        _malformed(f"第 {number} 份申报材料的材料摘要与 {path} 的校验值不一致")
    try:
        snapshot = json.loads(snapshots[path].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageRefused(f"数据包已被修改：{path} 不是有效的 JSON") from exc
    if snapshot_digest(snapshot) != snapshot_hash:
        raise PackageRefused(f"数据包已被修改：{path} 的材料摘要不符")
    applicant_name = _text(entry, "applicant_name", where, 100)
    applicant = snapshot.get("applicant") if isinstance(snapshot, dict) else None
    if not isinstance(applicant, dict) or applicant.get("name") != applicant_name:
        _malformed(f"第 {number} 份申报材料的申报人与 {path} 中的不一致")
    files = _files(number, entry, snapshot, contents)
    return PackageDeclaration(
        source_id=_integer(entry, "source_id", where, 1),
        applicant_name=applicant_name,
        employer_name=_text(entry, "employer_name", where, 200, required=False),
        snapshot=snapshot,
        snapshot_hash=snapshot_hash,
        snapshot_path=path,
        files=files,
    )


def _files(
    number: int, entry: dict[str, Any], snapshot: dict[str, Any], contents: dict[str, dict[str, Any]]
) -> tuple[PackageFile, ...]:
    """The attachments the (hash-checked) snapshot lists must be exactly the files the manifest gives."""
    listed = snapshot.get("attachments")
    if not isinstance(listed, list) or not all(isinstance(a, dict) for a in listed):
        _malformed(f"第 {number} 份申报材料的附件列表无效")
    files = []
    for item in listed:
        sha256, size = item.get("sha256"), item.get("size")
        path = f"attachments/{sha256}"
        if not isinstance(sha256, str) or not SHA256_HEX.match(sha256) or path not in contents:
            _malformed(f"第 {number} 份申报材料的附件“{item.get('name')}”不在数据包中")
        if contents[path]["size"] != size:
            _malformed(f"第 {number} 份申报材料的附件“{item.get('name')}”大小与数据包中的不一致")
        name, kind = item.get("name"), item.get("kind")
        files.append(
            PackageFile(
                path=path,
                sha256=sha256,
                size=contents[path]["size"],
                name=name[:200] if isinstance(name, str) and name else sha256[:16],
                kind=kind[:30] if isinstance(kind, str) else "",
            )
        )
    given = _list(entry, "files", f"declarations[{number}].")
    pairs = sorted(tuple(str(f.get(k)) for k in ("path", "sha256", "size")) for f in given if isinstance(f, dict))
    if len(pairs) != len(given) or pairs != sorted((f.path, f.sha256, str(f.size)) for f in files):
        _malformed(f"第 {number} 份申报材料的附件清单与其材料内容不一致")
    return tuple(files)
