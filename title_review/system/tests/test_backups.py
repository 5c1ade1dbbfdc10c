"""备份与恢复 drill: seed, back up, restore into an empty database and file store; every table's rows and every
file's SHA-256 come back equal; a damaged, truncated, partial or foreign archive is refused and nothing is
written. Runs on the suite's database (SQLite, or PostgreSQL with pg_dump / pg_restore in CI)."""

import hashlib
import io
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from title_review.system import backups

FILES = {
    "attachments/2026/12/证件照.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    "exports/汇总表.xlsx": b"PK\x03\x04" + b"x" * 5000,
    "prints/review.pdf": b"%PDF-1.7\n" + bytes(200),
    "empty.txt": b"",
}


def _storage_with_files() -> InMemoryStorage:
    storage = InMemoryStorage()
    for name, content in FILES.items():
        assert storage.save(name, ContentFile(content)) == name
    return storage


def _sha_of_files(storage) -> dict[str, str]:
    return {name: hashlib.sha256(storage.open(name).read()).hexdigest() for name in backups._walk(storage)}


def _table_sums(cursor, tables) -> dict[str, tuple[int, str]]:
    sums = {}
    for table in tables:
        # PostgreSQL renders each row as text itself, so both sides read it alike (JSON, times, arrays).
        row = "t::text" if connection.vendor == "postgresql" else "*"
        cursor.execute(f'SELECT {row} FROM "{table}" t')  # noqa: S608 — names from the catalogue
        rows = sorted(repr(row) for row in cursor.fetchall())
        sums[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return sums


class _Target:
    """An empty database of the suite's engine to restore into, and a way to read it."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        settings = dict(connection.settings_dict)
        if self.vendor == "sqlite":
            settings["NAME"] = str(tmp_path / "restored.sqlite3")
        else:
            settings["NAME"] = f"restore_drill_{uuid.uuid4().hex[:12]}"
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        self.target = backups.DatabaseTarget(vendor=self.vendor, settings=settings)

    def _admin(self):
        import psycopg

        kwargs = backups._psycopg_kwargs(backups.DatabaseTarget.of())
        return psycopg.connect(**{**kwargs, "dbname": "postgres"})

    def sums(self, tables):
        if self.vendor == "sqlite":
            import sqlite3

            # Read as the suite's own connection reads (Django's converters for dates, decimals, booleans).
            types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
            with sqlite3.connect(self.target.settings["NAME"], detect_types=types) as db:
                return _table_sums(db.cursor(), tables)
        import psycopg

        with psycopg.connect(**backups._psycopg_kwargs(self.target)) as db, db.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")  # as Django's own connection reads times
            return _table_sums(cursor, tables)

    def drop(self):
        if self.vendor != "sqlite":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.target.settings["NAME"]}" WITH (FORCE)')


@pytest.fixture(scope="module")
def archive(tmp_path_factory, django_db_setup, django_db_blocker):
    """One backup of the seeded suite database with four files, made once for the module."""
    with django_db_blocker.unblock():
        made = backups.make_backup(tmp_path_factory.mktemp("backups"), storage=_storage_with_files())
    return made


@pytest.fixture
def target(tmp_path):
    made = _Target(tmp_path)
    yield made
    made.drop()


def test_the_drill_restores_every_row_and_every_file(seeded, archive, target):
    assert archive.archive.name.startswith("title-review-") and archive.archive.suffix == ".tar"
    assert archive.files == len(FILES) and archive.rows > 1000
    storage = InMemoryStorage()
    done = backups.restore(archive.archive, target=target.target, storage=storage)
    assert done.files == len(FILES)
    tables = sorted(archive.manifest["tables"])
    assert "accounts_user" in tables and "audit_auditevent" in tables
    with connection.cursor() as cursor:
        before = _table_sums(cursor, tables)
    after = target.sums(tables)
    assert after == before
    assert {t: n for t, (n, _s) in after.items()} == archive.manifest["tables"]
    assert _sha_of_files(storage) == {n: hashlib.sha256(c).hexdigest() for n, c in FILES.items()}


@pytest.mark.parametrize("where", ["start", "database", "file", "manifest", "padding", "trailer", "last"])
def test_one_changed_byte_anywhere_makes_the_archive_refused(archive, tmp_path, where):
    data = bytearray(archive.archive.read_bytes())
    with tarfile.open(archive.archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
    manifest = members["manifest.json"]
    position = {
        "start": 0,
        "database": members[archive.manifest["database"]["member"]].offset_data + 1000,
        "file": members["files/prints/review.pdf"].offset_data + 3,
        "manifest": manifest.offset_data + 10,
        # The zero blocks that end the tar stream: no member covers them, the trailer's checksum does.
        "padding": manifest.offset_data + manifest.size + 700,
        "trailer": len(data) - 10,
        "last": len(data) - 1,
    }[where]
    data[position] ^= 0x01
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError):
        backups.verify(damaged)


def test_a_truncated_partial_or_foreign_archive_is_refused_with_its_reason(archive, tmp_path):
    whole = archive.archive.read_bytes()
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(backups.BackupError, match="备份不完整"):
        backups.verify(truncated)
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        info = tarfile.TarInfo("readme.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    with pytest.raises(backups.BackupError, match="不是本系统的备份文件"):
        backups.verify(foreign)
    # A foreign tar that even carries a valid trailer: its content is checked too.
    backups._append_trailer(foreign)
    with pytest.raises(backups.BackupError, match="不是本系统的备份文件"):
        backups.verify(foreign)
    empty = tmp_path / "empty.tar"
    empty.write_bytes(b"")
    with pytest.raises(backups.BackupError):
        backups.verify(empty)
    with pytest.raises(backups.BackupError, match="找不到备份文件"):
        backups.verify(tmp_path / "missing.tar")


def test_restore_refuses_a_database_or_file_store_that_is_not_empty(seeded, archive, target):
    # The suite's own database has every table: restoring over it would mix two installations.
    with pytest.raises(backups.BackupError, match="目标数据库不是空的"):
        backups.restore(archive.archive, target=backups.DatabaseTarget.of(), storage=InMemoryStorage())
    busy = InMemoryStorage()
    busy.save("keep-me.txt", ContentFile(b"mine"))
    with pytest.raises(backups.BackupError, match="文件存储不是空的"):
        backups.restore(archive.archive, target=target.target, storage=busy)
    assert backups._walk(busy).__next__() == "keep-me.txt" and target.sums([]) == {}
    other = backups.DatabaseTarget(vendor="sqlite" if connection.vendor != "sqlite" else "postgresql", settings={})
    with pytest.raises(backups.BackupError, match="不能恢复到"):
        backups.restore(archive.archive, target=other, storage=InMemoryStorage())


def test_the_commands_back_up_check_and_refuse_a_damaged_archive(django_db_blocker, tmp_path, archive):
    # As an operator runs them: outside any transaction (a test's own transaction would hold the database).
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("backup", output=tmp_path, keep=2, stdout=out)
    assert "备份完成" in out.getvalue() and "张表" in out.getvalue()
    made = backups.archives(tmp_path)
    assert len(made) == 1 and not list(tmp_path.glob("*.partial"))
    checked = io.StringIO()
    call_command("restore", str(made[0]), check=True, stdout=checked)
    assert "备份完好" in checked.getvalue()
    data = bytearray(made[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    made[0].write_bytes(bytes(data))
    with pytest.raises(CommandError, match="备份文件已损坏"):
        call_command("restore", str(made[0]), check=True)
    with django_db_blocker.unblock(), pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(archive.archive))


def test_only_the_newest_archives_are_kept(tmp_path):
    for stamp in ("20261201-010000", "20261202-010000", "20261203-010000"):
        (tmp_path / f"title-review-{stamp}.tar").write_bytes(b"x")
    (tmp_path / "title-review-20261204-010000.tar.partial").write_bytes(b"x")
    removed = backups.prune(tmp_path, 2)
    assert [p.name for p in removed] == ["title-review-20261201-010000.tar"]
    assert [p.name for p in backups.archives(tmp_path)] == [
        "title-review-20261203-010000.tar",
        "title-review-20261202-010000.tar",
    ]


def test_a_database_held_by_a_writer_fails_the_backup_with_a_message_instead_of_waiting(tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setattr(backups, "SQLITE_BUSY_SECONDS", 0.3)
    name = tmp_path / "busy.sqlite3"
    with sqlite3.connect(name) as db:
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
    writer = sqlite3.connect(name, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    target = backups.DatabaseTarget(vendor="sqlite", settings={"NAME": str(name)})
    try:
        with pytest.raises(backups.BackupError, match="数据库被占用超过"):
            backups._dump_database(target, tmp_path / "copy.sqlite3")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    backups._dump_database(target, tmp_path / "copy.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT COUNT(*) FROM t").fetchone() == (100,)


def test_a_caller_inside_its_own_transaction_still_gets_a_whole_copy(seeded, tmp_path):
    """The suite's connection is inside the test's transaction: the copy is made statement by statement."""
    import sqlite3

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup only")
    from title_review.accounts.models import User

    User.objects.filter(username="hzadmin").update(real_name="事务内修改")
    backups._dump_database(backups.DatabaseTarget.of(), tmp_path / "copy.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        users = copy.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]
        assert users == User.objects.count() > 10
        tables = copy.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    assert tables >= len(connection.introspection.table_names())
