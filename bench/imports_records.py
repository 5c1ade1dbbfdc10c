"""字典条目, 原系统单位代码 and 评审情况 imports against a plain bulk insert of the same rows (issue 12, ADR 0045).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench_imp_b \\
        .venv/bin/python bench/imports_records.py [ROWS] [--rounds N] [--only entries|legacy|results] [--no-vacuum]

Needs a migrated database with the dictionaries, the demo data and the demo activity (`manage.py migrate`,
`load_dictionaries`, `load_demo`, `load_demo_activity`: an accepted declaration to copy). It adds, once,
what the files name: ROWS (default 10,000) employers under 杭州市卫生健康委员会 (for 原系统单位代码) and ROWS
accepted copies of a demo declaration in their own applicants' names (for 评审情况). Then, per import, it
builds the ROWS-row file the way Excel saves one (shared strings, XlsxWriter) and runs N interleaved
rounds (default 3) of:

- `bulk insert`: the same rows as model objects with their keys worked out beforehand, `bulk_create` in one
  transaction, committed (then deleted again) — 字典条目: the entries; 原系统单位代码: the code rows;
  评审情况: the result entries (the declarations' moves are not in it);
- for 评审情况 also `bulk insert + status UPDATE + 审核记录`: everything the import writes but its audit rows,
  written plainly (the entries, one UPDATE per status reached, the records by `bulk_create`): receiving a
  result moves a declaration, which a bulk insert of the entries alone does not do;
- `dry run` and `commit`: the real import, `run_import` on the uploaded file, as zjadmin (字典条目) or hzadmin;
  the commit's rows are undone after the round (entries and code rows deleted; the declarations put back to
  已受理, their entries, batches and 审核记录 deleted; audit rows stay: append-only).

On PostgreSQL every timed step starts from freshly vacuumed tables (`VACUUM ANALYZE` of what the case
writes; `--no-vacuum` to skip): the steps insert and delete or roll back 10,000 rows each, and with
autovacuum off (as on the bench machine's server) the dead rows pile up and slow whichever step comes later.

Each import's ratio is taken to the bulk insert of its own round; medians are printed, then one line
`RESULT {json}`.
"""

import argparse
import copy
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from import_bench import import_checked, setup_django, timed, workbook  # bench/import_bench.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
COMMITTEE = "浙江省卫生高级职称评审委员会"


def vacuum(case: "Case") -> None:
    """VACUUM ANALYZE what the case writes, on PostgreSQL: every round inserts and deletes (or rolls back)
    10,000 rows per table, and where autovacuum is off (this machine's server) the dead rows pile up —
    800,000 in the code table after a few runs — and slow the lookups and unique checks of whichever step
    comes later. Production runs autovacuum; each step here starts from a vacuumed table."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql" or not case.tables:
        return
    with connection.cursor() as cursor:
        for label in case.tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")


class Case:
    """One import: its spec, file, actor, baseline and undo."""

    key: str
    spec: Any
    actor: Any
    content: bytes

    full_insert: Callable[[], None] | None = None
    # What the case writes (app_label.Model): vacuumed before each timed step (`vacuum`).
    tables: tuple[str, ...] = ()

    def bulk_insert(self) -> None:
        raise NotImplementedError

    def undo_bulk(self) -> None:
        raise NotImplementedError

    def undo_commit(self) -> None:
        raise NotImplementedError

    def check_commit(self) -> None:
        raise NotImplementedError


class Entries(Case):
    key = "entries"
    tables = ("dictionaries.Entry", "audit.AuditEvent")

    def __init__(self, rows: int, run: int) -> None:
        from title_review.accounts.models import User
        from title_review.dictionaries.imports import ENTRIES
        from title_review.dictionaries.models import DictionaryType, Entry

        self.spec, self.rows = ENTRIES, rows
        self.actor = User.objects.select_related("organisation").get(username="zjadmin")
        self.series = Entry.objects.get(type__code="series", code="01")
        self.specialty = DictionaryType.objects.get(code="specialty")
        self.prefix = f"B{run:05d}"
        self.items = [(f"{self.prefix}{n:05d}", f"测试专业{n}") for n in range(rows)]
        self.content = workbook(
            "字典条目",
            ["*字典类型", "*代码", "*名称", "上级代码", "排序"],
            [["专业", code, name, "01", ""] for code, name in self.items],
        )

    def bulk_insert(self) -> None:
        from django.db import transaction

        from title_review.dictionaries.models import Entry

        with transaction.atomic():
            Entry.objects.bulk_create(
                [Entry(type=self.specialty, code=c, name=n, parent=self.series) for c, n in self.items],
                batch_size=1000,
            )

    def _delete(self) -> None:
        from title_review.dictionaries.models import Entry

        Entry.objects.filter(type=self.specialty, code__startswith=self.prefix).delete()

    undo_bulk = undo_commit = _delete

    def check_commit(self) -> None:
        from title_review.dictionaries.models import Entry

        added = Entry.objects.filter(type=self.specialty, code__startswith=self.prefix).count()
        if added != self.rows:
            raise SystemExit(f"字典条目: the commit added {added}, not {self.rows}")


class Legacy(Case):
    key = "legacy"
    tables = ("certificates.LegacyOrganisationCode", "audit.AuditEvent")

    def __init__(self, rows: int, run: int) -> None:
        from title_review.accounts.models import User
        from title_review.certificates.imports import LEGACY_CODES
        from title_review.organisations.models import Organisation, OrganisationKind, encode_step

        self.spec, self.rows = LEGACY_CODES, rows
        self.actor = User.objects.select_related("organisation").get(username="hzadmin")
        department = Organisation.objects.get(name="杭州市卫生健康委员会")
        self.department = department
        existing = Organisation.objects.filter(parent=department, name__startswith="基准单位").count()
        if existing < rows:
            base = department.child_counter + 1000
            Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"基准单位{n}",
                        code=f"BENCH{n:06d}",
                        kind=OrganisationKind.EMPLOYER,
                        parent=department,
                        path=department.path + encode_step(base + n),
                        depth=department.depth + 1,
                        region_id=department.region_id,
                    )
                    for n in range(existing, rows)
                ],
                batch_size=1000,
            )
            Organisation.objects.filter(pk=department.pk).update(child_counter=base + rows)
        self.orgs = dict(
            Organisation.objects.filter(parent=department, name__startswith="基准单位").values_list("name", "pk")
        )
        self.prefix = f"L{run:05d}-"
        self.items = [(f"{self.prefix}{n}", f"基准单位{n}") for n in range(rows)]
        self.content = workbook(
            "原系统单位代码",
            ["*代码类别", "*原系统代码", "*机构名称", "*上级机构代码", "所在地代码", "统一社会信用代码"],
            [["单位代码", code, name, department.code, "", ""] for code, name in self.items],
        )

    def bulk_insert(self) -> None:
        from django.db import transaction

        from title_review.certificates.models import LegacyCodeKind, LegacyOrganisationCode

        with transaction.atomic():
            LegacyOrganisationCode.objects.bulk_create(
                [
                    LegacyOrganisationCode(kind=LegacyCodeKind.EMPLOYER, code=c, organisation_id=self.orgs[n])
                    for c, n in self.items
                ],
                batch_size=1000,
            )

    def _delete(self) -> None:
        from title_review.certificates.models import LegacyOrganisationCode

        LegacyOrganisationCode.objects.filter(code__startswith=self.prefix).delete()

    undo_bulk = undo_commit = _delete

    def check_commit(self) -> None:
        from title_review.certificates.models import LegacyOrganisationCode

        added = LegacyOrganisationCode.objects.filter(code__startswith=self.prefix).count()
        if added != self.rows:
            raise SystemExit(f"原系统单位代码: the commit added {added}, not {self.rows}")


class Results(Case):
    key = "results"
    tables = (
        "results.ResultEntry",
        "results.ResultBatch",
        "declarations.Declaration",
        "declarations.ReviewRecord",
        "audit.AuditEvent",
    )

    def __init__(self, rows: int, run: int) -> None:
        from django.contrib.auth.hashers import make_password

        from title_review.accounts.models import User
        from title_review.declarations.models import Declaration
        from title_review.declarations.workflow import Status
        from title_review.results.imports import RESULTS

        unusable = make_password(None)  # copies nobody signs in as

        self.spec, self.rows = RESULTS, rows
        self.actor = User.objects.select_related("organisation").get(username="hzadmin")
        template = (
            Declaration.objects.filter(status=Status.ACCEPTED, round__publisher__name="杭州市职称工作领导小组办公室")
            .exclude(number__startswith="BENCH")
            .order_by("pk")
            .first()
        )
        if template is None:
            raise SystemExit("no accepted declaration of 杭州市职改办 to copy: run load_demo_activity first")
        existing = Declaration.objects.filter(number__startswith="BENCH", round_id=template.round_id).count()
        if existing < rows:
            users = User.objects.bulk_create(
                [User(username=f"bench_r{n}", real_name=f"基准{n}", password=unusable) for n in range(existing, rows)],
                batch_size=1000,
            )
            copies = []
            for n, user in zip(range(existing, rows), users, strict=True):
                d = copy.copy(template)
                d.pk = None
                d._state.adding = True
                d.applicant_id, d.applicant_name, d.number = user.pk, user.real_name, f"BENCH{n:06d}"
                copies.append(d)
            Declaration.objects.bulk_create(copies, batch_size=500)
        self.declarations = list(
            Declaration.objects.filter(number__startswith="BENCH", round_id=template.round_id)
            .select_related("employer", "round__series", "applicant")
            .order_by("number")[:rows]
        )
        self.office_id = template.round.publisher_id
        self.reset()
        self.content = workbook(
            "评审情况",
            ["*申报编号", "*评委会名称", "*评审结果"],
            [[d.number, COMMITTEE, "通过" if n % 3 else "未通过"] for n, d in enumerate(self.declarations)],
        )

    def bulk_insert(self) -> None:
        from django.db import transaction

        from title_review.results.models import BatchSource, Outcome, ResultBatch, ResultEntry
        from title_review.rounds.models import Round

        round_ = Round.objects.select_related("publisher").get(pk=self.declarations[0].round_id)
        with transaction.atomic():
            batch = ResultBatch.objects.create(
                office=round_.publisher,
                round=round_,
                committee_name=COMMITTEE,
                source=BatchSource.IMPORT,
                created_by=self.actor,
            )
            ResultEntry.objects.bulk_create(
                [
                    ResultEntry(
                        batch=batch,
                        declaration=d,
                        person_name=d.applicant_name,
                        employer_name=d.employer.name,
                        series_name=d.round.series.name,
                        qualification_code=d.target_qualification,
                        qualification_name="",
                        level_name="",
                        outcome=Outcome.PASSED if n % 3 else Outcome.FAILED,
                        note="导入",
                    )
                    for n, d in enumerate(self.declarations)
                ],
                batch_size=1000,
            )

    def full_insert(self) -> None:
        """Everything the import writes but its audit rows, written plainly: the entries (as `bulk_insert`),
        each declaration's new status in one UPDATE per status, and its 审核记录 in one bulk_create."""
        from django.db import transaction
        from django.db.models import F
        from django.utils import timezone

        from title_review.declarations.models import Declaration, ReviewRecord
        from title_review.declarations.workflow import Status

        self.bulk_insert()
        now = timezone.now()
        with transaction.atomic():
            outcomes = [Status.PASSED if n % 3 else Status.FAILED for n in range(len(self.declarations))]
            for status in (Status.PASSED, Status.FAILED):
                Declaration.objects.filter(
                    pk__in=[d.pk for d, s in zip(self.declarations, outcomes, strict=True) if s == status]
                ).update(status=status, current_org=None, stage_since=now, version=F("version") + 1, updated_at=now)
            ReviewRecord.objects.bulk_create(
                [
                    ReviewRecord(
                        declaration=d,
                        organisation_id=self.office_id,
                        level="职改办",
                        actor=self.actor,
                        actor_name=self.actor.real_name or self.actor.username,
                        action="record_pass" if s == Status.PASSED else "record_fail",
                        from_status=Status.ACCEPTED,
                        to_status=s,
                        reason="导入",
                    )
                    for d, s in zip(self.declarations, outcomes, strict=True)
                ],
                batch_size=1000,
            )

    def reset(self) -> None:
        from title_review.declarations.models import Declaration, ReviewRecord
        from title_review.declarations.workflow import Status
        from title_review.results.models import ResultBatch, ResultEntry

        ids = [d.pk for d in self.declarations]
        ResultEntry.objects.filter(declaration_id__in=ids).delete()
        ResultBatch.objects.filter(entries=None, committee_name=COMMITTEE).delete()
        ReviewRecord.objects.filter(declaration_id__in=ids, level="职改办").delete()
        Declaration.objects.filter(pk__in=ids).update(status=Status.ACCEPTED, current_org=None)

    undo_bulk = undo_commit = reset

    def check_commit(self) -> None:
        from title_review.results.models import ResultEntry

        added = ResultEntry.objects.filter(declaration__in=self.declarations).count()
        if added != self.rows:
            raise SystemExit(f"评审情况: the commit added {added}, not {self.rows}")


CASES = {"entries": Entries, "legacy": Legacy, "results": Results}
LABELS = {"entries": "字典条目", "legacy": "原系统单位代码", "results": "评审情况"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--only", choices=sorted(CASES), action="append", help="one import (repeatable)")
    parser.add_argument(
        "--no-vacuum",
        dest="vacuum",
        action="store_false",
        help="do not VACUUM ANALYZE the written tables before each timed step (PostgreSQL; see vacuum())",
    )
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    run = int(time.time()) % 100_000
    load = [os.getloadavg()[0]]
    results: dict[str, dict[str, Any]] = {}
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; vacuum before each step: {args.vacuum}")
    print("| import | run | rows | seconds per round | median | median ratio to the bulk insert of its round |")
    print("|---|---|---|---|---|---|")
    for key in args.only or list(CASES):
        case = CASES[key](args.rows, run)

        def imported(commit: bool, case: Case = case) -> None:
            import_checked(case.key, case.spec, case.actor, case.content, commit=commit, shown=3)

        bulk: list[float] = []
        full: list[float] = []
        dry: list[float] = []
        commits: list[float] = []
        tidy = (lambda case=case: vacuum(case)) if args.vacuum else (lambda: None)
        for _round in range(args.rounds):
            tidy()
            bulk.append(timed(case.bulk_insert))
            case.undo_bulk()
            if case.full_insert is not None:
                tidy()
                full.append(timed(case.full_insert))
                case.undo_bulk()
            tidy()
            dry.append(timed(lambda imported=imported: imported(False)))
            tidy()
            commits.append(timed(lambda imported=imported: imported(True)))
            case.check_commit()
            case.undo_commit()
            load.append(os.getloadavg()[0])

        def ratio(times: list[float], bulk: list[float] = bulk) -> float:
            return statistics.median(t / b for t, b in zip(times, bulk, strict=True))

        for label, times in (("bulk insert", bulk), ("dry run", dry), ("commit", commits)):
            each = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"| {LABELS[key]} | {label} | {args.rows:,} | {each} | {statistics.median(times):.2f} | {ratio(times):.2f} |",
                flush=True,
            )
        if full:
            each = ", ".join(f"{t:.2f}" for t in full)
            print(
                f"| {LABELS[key]} | bulk insert + status UPDATE + 审核记录 | {args.rows:,} | {each} | {statistics.median(full):.2f} | — |"
            )
            for label, times in (("dry run", dry), ("commit", commits)):
                print(
                    f"| {LABELS[key]} | {label}, ratio to that | {args.rows:,} | | | {ratio(times, full):.2f} |",
                    flush=True,
                )
        results[key] = {
            "full_insert_s": round(statistics.median(full), 3) if full else None,
            "dry_run_ratio_to_full": round(ratio(dry, full), 2) if full else None,
            "commit_ratio_to_full": round(ratio(commits, full), 2) if full else None,
            "bulk_s": round(statistics.median(bulk), 3),
            "dry_run_s": round(statistics.median(dry), 3),
            "commit_s": round(statistics.median(commits), 3),
            "dry_run_ratio": round(ratio(dry), 2),
            "commit_ratio": round(ratio(commits), 2),
        }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load average (1 min) {load}")
    result = {
        "rows": args.rows,
        "rounds": args.rounds,
        "imports": results,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_1min": [round(x, 2) for x in load],
        "vacuum": args.vacuum,
        "date": timezone.localdate().isoformat(),
    }
    print("RESULT " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
