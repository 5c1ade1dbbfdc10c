"""备份与恢复: one archive with the database and every stored file, and a restore that trusts nothing.

The archive is a tar file:

- ``database.dump`` (PostgreSQL, ``pg_dump`` custom format) or ``database.sqlite3`` (SQLite's online
  backup API): one consistent copy of the database, taken while the site keeps running;
- ``files/<name>``: every file in the default storage (uploads, generated PDFs and exports), by the name
  the database knows it by;
- ``manifest.json``: the format, when and from what it was made, the row count of every table, and the size
  and SHA-256 of every other member;

followed by a trailer line with the SHA-256 of every byte before it. A restore checks the trailer first
(a truncated or partial archive has none, a changed byte anywhere breaks it), then the manifest against
each member, and only then writes — into an empty database and an empty file store, never over data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "title-review-backup/1"
MANIFEST = "manifest.json"
TRAILER_TAG = b"\nTITLE-REVIEW-BACKUP-SHA256 "
TRAILER_LENGTH = len(TRAILER_TAG) + 64 + 1
CHUNK = 1024 * 1024
SUFFIX = ".tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in words an operator can act on."""


@dataclass
class DatabaseTarget:
    """Where the database goes: the engine and the connection settings (a Django DATABASES entry)."""

    vendor: str
    settings: dict[str, Any]

    @classmethod
    def of(cls, alias: str = "default") -> DatabaseTarget:
        connection = connections[alias]
        return cls(vendor=connection.vendor, settings=dict(connection.settings_dict))


@dataclass
class Summary:
    archive: Path
    tables: int
    rows: int
    files: int
    size: int
    manifest: dict[str, Any] = field(default_factory=dict)


def default_directory() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.VAR_DIR / "backups"))


# --- making an archive ---------------------------------------------------------------------------------------


def make_backup(
    directory: Path | None = None, *, alias: str = "default", storage: Storage | None = None, keep: int = 0
) -> Summary:
    """Writes one archive into `directory` and returns what it holds. The archive appears under its final
    name only once complete; with `keep`, older archives beyond the newest `keep` are removed."""
    storage = storage or default_storage
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    final = _free_name(directory, f"title-review-{stamp}")
    partial = final.with_name(final.name + ".partial")
    tables = _row_counts(alias)
    with tempfile.TemporaryDirectory(prefix="backup-") as scratch:
        dump = Path(scratch) / ("database.dump" if connection.vendor == "postgresql" else "database.sqlite3")
        _dump_database(DatabaseTarget.of(alias), dump)
        members: list[dict[str, Any]] = []
        try:
            with open(partial, "wb") as raw, tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                members.append(_add_path(tar, dump, dump.name))
                files = []
                for name in _walk(storage):
                    with storage.open(name, "rb") as handle:
                        entry = _add_stream(tar, handle, f"files/{name}", storage.size(name))
                    files.append({**entry, "name": name})
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "engine": connection.vendor,
                    "migrations": _migrations(alias),
                    "tables": tables,
                    "database": members[0],
                    "files": files,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                _add_stream(tar, io.BytesIO(body), MANIFEST, len(body))
            _append_trailer(partial)
            partial.rename(final)
        finally:
            partial.unlink(missing_ok=True)
    if keep:
        prune(directory, keep)
    return Summary(
        archive=final,
        tables=len(tables),
        rows=sum(tables.values()),
        files=len(files),
        size=final.stat().st_size,
        manifest=manifest,
    )


def archives(directory: Path | None = None) -> list[Path]:
    """Complete archives in `directory`, newest first."""
    directory = Path(directory or default_directory())
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"title-review-*{SUFFIX}"), key=lambda p: p.name, reverse=True)


def prune(directory: Path, keep: int) -> list[Path]:
    removed = archives(directory)[max(keep, 1) :]
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


def _free_name(directory: Path, stem: str) -> Path:
    candidate, n = directory / f"{stem}{SUFFIX}", 1
    while candidate.exists() or candidate.with_name(candidate.name + ".partial").exists():
        n += 1
        candidate = directory / f"{stem}-{n}{SUFFIX}"
    return candidate


def _row_counts(alias: str) -> dict[str, int]:
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            # Table names come from the database's own catalogue, not from input.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(alias: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _walk(storage: Storage, top: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for directory in sorted(directories):
        yield from _walk(storage, f"{top}/{directory}" if top else directory)


def _dump_database(target: DatabaseTarget, path: Path) -> None:
    if target.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], target)
    elif target.vendor == "sqlite":
        source = connections["default"] if _is_default(target) else None
        if source is not None:
            source.ensure_connection()
            destination = sqlite3.connect(path)
            try:
                _sqlite_backup(source.connection, destination)
            finally:
                destination.close()
        else:
            with _sqlite(str(target.settings["NAME"])) as src, sqlite3.connect(path) as dst:
                _sqlite_backup(src, dst)
    else:
        raise BackupError(f"不支持备份 {target.vendor} 数据库。")


SQLITE_BUSY_SECONDS = 60


def _sqlite_backup(source: sqlite3.Connection, destination: sqlite3.Connection) -> None:
    """SQLite's online backup, 1,000 pages a step. Python's backup retries a locked database for ever; a
    writer that holds it longer than SQLITE_BUSY_SECONDS makes this backup fail with a message instead."""
    if source.in_transaction:
        # Inside its own open transaction a connection cannot be copied page by page (the backup would wait
        # on that very transaction); it is copied as SQL statements instead. The job and the command run
        # outside transactions, so this is for callers that hold one.
        destination.executescript(";\n".join(_statements(source)) + ";")
        return
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"数据库被占用超过 {SQLITE_BUSY_SECONDS} 秒，备份未完成，请稍后再试。")

    try:
        source.backup(destination, pages=1000, progress=progress, sleep=0.05)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 备份失败：{exc}") from exc


def _statements(source: sqlite3.Connection) -> Iterator[str]:
    for statement in source.iterdump():
        statement = statement.rstrip().rstrip(";")
        if statement not in ("BEGIN TRANSACTION", "COMMIT"):
            yield statement


def _is_default(target: DatabaseTarget) -> bool:
    return target.settings.get("NAME") == connections["default"].settings_dict.get("NAME")


def _run(command: list[str], target: DatabaseTarget) -> None:
    """pg_dump / pg_restore with the connection from the settings (the password through the environment)."""
    db = target.settings
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [*command, f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库版本一致的 PostgreSQL 客户端。")
    finished = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{finished.stderr.strip()[:500]}")


def _add_path(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return _add_stream(tar, handle, name, path.stat().st_size)


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing what passes."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.sha = source, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha.update(data)
        return data


def _add_stream(tar: tarfile.TarFile, source: IO[bytes], name: str, size: int) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o600
    reader = _Hashing(source)
    tar.addfile(info, reader)
    return {"member": name, "size": size, "sha256": reader.sha.hexdigest()}


def _append_trailer(path: Path) -> None:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    with open(path, "ab") as handle:
        handle.write(TRAILER_TAG + sha.hexdigest().encode() + b"\n")


# --- checking and restoring -----------------------------------------------------------------------------------


def verify(archive: Path) -> dict[str, Any]:
    """The archive's manifest, once every byte has been checked; BackupError otherwise."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    size = archive.stat().st_size
    with open(archive, "rb") as handle:
        if size < TRAILER_LENGTH:
            raise BackupError("这不是本系统的备份文件，或备份不完整（缺少结尾校验行）。")
        handle.seek(size - TRAILER_LENGTH)
        trailer = handle.read()
        if not trailer.startswith(TRAILER_TAG) or not trailer.endswith(b"\n"):
            raise BackupError("这不是本系统的备份文件，或备份不完整（缺少结尾校验行）。")
        expected = trailer[len(TRAILER_TAG) : -1].decode("ascii", "replace")
        handle.seek(0)
        sha, left = hashlib.sha256(), size - TRAILER_LENGTH
        while left:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            sha.update(chunk)
            left -= len(chunk)
    if sha.hexdigest() != expected:
        raise BackupError("备份文件已损坏：整体校验和与结尾记录不符，不能用它恢复。")
    try:
        return _check_members(archive)
    except (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise BackupError(f"备份文件内容不完整或格式不对（{exc.__class__.__name__}），不能用它恢复。") from exc


def _check_members(archive: Path) -> dict[str, Any]:
    manifest: dict[str, Any] | None = None
    seen: dict[str, tuple[int, str]] = {}
    with tarfile.open(archive, mode="r:") as tar:
        for info in tar:
            if not info.isfile() or not _safe(info.name):
                raise BackupError(f"备份中有不应出现的条目“{info.name}”，不能用它恢复。")
            handle = _member(tar, info)
            if info.name == MANIFEST:
                manifest = json.loads(handle.read().decode("utf-8"))
                continue
            sha = hashlib.sha256()
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
            seen[info.name] = (info.size, sha.hexdigest())
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError("这不是本系统的备份文件（没有可识别的清单）。")
    listed = [manifest["database"], *({"member": f"files/{f['name']}", **f} for f in manifest["files"])]
    for entry in listed:
        found = seen.pop(entry["member"], None)
        if found is None:
            raise BackupError(f"备份不完整：清单中的“{entry['member']}”不在备份里。")
        if found != (entry["size"], entry["sha256"]):
            raise BackupError(f"备份已损坏：“{entry['member']}”的大小或 SHA-256 与清单不符。")
    if seen:
        raise BackupError("备份中有清单未列出的文件：" + "、".join(sorted(seen)[:5]))
    return manifest


def _member(tar: tarfile.TarFile, member: str | tarfile.TarInfo) -> IO[bytes]:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"备份中的“{member}”不是普通文件。")
    return handle


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(name) and "\\" not in name


def restore(archive: Path, *, target: DatabaseTarget | None = None, storage: Storage | None = None) -> Summary:
    """Checks `archive`, then restores it into an empty database and an empty file store."""
    archive = Path(archive)
    manifest = verify(archive)
    target = target or DatabaseTarget.of()
    storage = storage or default_storage
    if manifest["engine"] != target.vendor:
        raise BackupError(f"这份备份来自 {manifest['engine']} 数据库，不能恢复到 {target.vendor} 数据库。")
    existing = _existing_tables(target)
    if existing:
        raise BackupError(f"目标数据库不是空的（已有 {existing} 张表）：恢复只能在新建的空数据库上进行。")
    if next(_walk(storage), None) is not None:
        raise BackupError("文件存储不是空的：恢复只能在空的文件存储上进行，以免覆盖现有文件。")
    with tempfile.TemporaryDirectory(prefix="restore-") as scratch, tarfile.open(archive, mode="r:") as tar:
        member = manifest["database"]["member"]
        dump = Path(scratch) / PurePosixPath(member).name
        source = _member(tar, member)
        with open(dump, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        _load_database(target, dump)
        for entry in manifest["files"]:
            handle = _member(tar, f"files/{entry['name']}")
            saved = storage.save(entry["name"], File(handle, name=entry["name"]))
            if saved != entry["name"]:
                raise BackupError(f"文件“{entry['name']}”未能按原名恢复（存为“{saved}”）。")
    tables = manifest["tables"]
    return Summary(
        archive=archive,
        tables=len(tables),
        rows=sum(tables.values()),
        files=len(manifest["files"]),
        size=archive.stat().st_size,
        manifest=manifest,
    )


def _existing_tables(target: DatabaseTarget) -> int:
    if _is_default(target):
        # The site's own database, whatever its name says (an in-memory or URI name is no file).
        with connections["default"].cursor() as cursor:
            return len(connections["default"].introspection.table_names(cursor))
    if target.vendor == "sqlite":
        name = str(target.settings["NAME"])
        if not name.startswith("file:") and not Path(name).exists():
            return 0
        with _sqlite(name) as db:
            return db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    import psycopg

    with psycopg.connect(**_psycopg_kwargs(target)) as db:
        row = db.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
        return int(row[0]) if row else 0


def _psycopg_kwargs(target: DatabaseTarget) -> dict[str, Any]:
    db = target.settings
    kwargs = {"dbname": db["NAME"], "autocommit": True}
    for key, arg in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if db.get(key):
            kwargs[arg] = db[key]
    return kwargs


def _load_database(target: DatabaseTarget, dump: Path) -> None:
    if target.vendor == "postgresql":
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)],
            target,
        )
        return
    name = str(target.settings["NAME"])
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(dump) as src, _sqlite(name) as dst:
        src.backup(dst)


def _sqlite(name: str) -> sqlite3.Connection:
    return sqlite3.connect(name, uri=name.startswith("file:"))


def describe(archive: Path) -> dict[str, Any]:
    """Name, size and time of an archive for the 备份与恢复 page (without reading it through)."""
    stat = archive.stat()
    return {
        "name": archive.name,
        "size": stat.st_size,
        "modified": dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC),
    }
