"""导入单位工作人员, 导入机构 and 导入经办账号 against a plain bulk insert of the same rows (issue 12, ADR 0044).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench_imp_a \\
        .venv/bin/python bench/imports_organisations.py [--staff-rows N] [--organisation-rows N]
        [--account-rows N] [--rounds N] [--only staff|organisations|accounts ...]

Needs a migrated database with the dictionaries and the demo data (`manage.py migrate`,
`load_dictionaries`, `load_demo`); the first run adds, once, the personal accounts the staff file names.
In one process, with the settings' own password hasher (production: argon2id, ADR 0027), for each import
it builds a file the way Excel saves one (shared strings, XlsxWriter) and runs N interleaved rounds of:

- `bulk insert`: the same rows as model objects with their keys, codes and names worked out beforehand,
  `bulk_create` in one transaction, committed (then deleted again). For the two account imports the
  reference hashes the same number of one-time passwords first, inside its timing (the import cannot
  avoid that cost: one hash per new account), and the hashing time is reported on its own;
- `dry run` and `commit`: the real import, `run_import` on the uploaded file (reading the workbook,
  every cell check, the service's checks, the rows and their audit rows); the dry run rolled back, the
  commit committed (its rows deleted after the round; the audit rows stay, append-only).

`--row-by-row` also times the dry run once through the one-row services (the imports before ADR 0044).
`--hasher md5` puts the tests' fast hasher on both sides, to show what the account imports cost
besides the hashing; a size past an import's cap lifts the cap for the run (said in the output).
Like bench/imports.py the reference has no audit rows (the import writes one or two per row). The
sizes: 单位工作人员 10,000 rows (the import takes up to 20,000); 导入机构 2,000 and 导入经办账号 200, their
own caps (ADR 0015: each row makes an account with a one-time password shown once on the page). Each
ratio is taken to the bulk insert of its own round; medians are printed, then `RESULT {json}`.
"""

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from import_bench import import_checked, setup_django, timed, workbook  # bench/import_bench.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
STAFF_EMPLOYER = "杭州市第一人民医院"
ORG_PARENT = "杭州市卫生健康委员会"
REGION = "330106"
STAFF_HEADERS = ["*证件类型", "*证件号码", "*姓名"]
ORG_HEADERS = [
    "*上级机构代码",
    "*机构名称",
    "*机构类型",
    "*所在地代码",
    "统一社会信用代码",
    "*管理员登录名",
    "管理员姓名",
    "联系人",
    "联系电话",
]
ACCOUNT_HEADERS = ["*登录名", "姓名", "填写材料", "上报材料", "打印", "查看", "修改本人信息", "修改密码"]


def identity_number(n: int) -> str:
    from title_review.core.identity import check_digit

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 9000)
    body = f"330103{birth:%Y%m%d}{(n // 9000) % 1000:03d}"
    return body + check_digit(body)


class Case:
    """One import: its file, the reference bulk insert, and how to undo a committed round."""

    name: str
    spec: Any
    actor: Any
    rows: int
    content: bytes
    hashing: list[float]

    def reference(self, round_no: int) -> float:
        raise NotImplementedError

    def undo(self) -> None:
        raise NotImplementedError

    def prepare_round(self, round_no: int) -> None:
        """A new file for the round when its rows must be new each time (names, login names)."""


def staff_case(rows: int) -> Case:
    from django.db import transaction
    from django.utils import timezone

    from title_review.accounts.models import AccountKind, User
    from title_review.organisations.imports import STAFF
    from title_review.organisations.models import EmployerStaff, MembershipSource, Organisation, UnitMembership

    employer = Organisation.objects.get(name=STAFF_EMPLOYER)
    actor = User.objects.select_related("organisation").get(username="hospitaladmin")
    wanted = [(f"benchstaff{n:05d}", f"职工{n:05d}", identity_number(n)) for n in range(rows)]
    have = set(User.objects.filter(username__startswith="benchstaff").values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=u, kind=AccountKind.PERSONAL, real_name=name, id_type="01", id_number=number)
            for u, name, number in wanted
            if u not in have
        ],
        batch_size=1000,
    )
    people = list(User.objects.filter(username__in=[u for u, _n, _i in wanted]).order_by("username"))
    file_rows = [["居民身份证", p.id_number, p.real_name] for p in people]

    case = Case()
    case.name, case.spec, case.actor, case.rows, case.hashing = "导入单位工作人员", STAFF, actor, rows, []
    case.content = workbook(STAFF.sheet, STAFF_HEADERS, file_rows)
    ids = [p.pk for p in people]

    def undo() -> None:
        EmployerStaff.objects.filter(employer=employer, person_id__in=ids).delete()
        UnitMembership.objects.filter(unit=employer, person_id__in=ids).delete()

    def reference(_round: int) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            today = timezone.localdate()
            EmployerStaff.objects.bulk_create(
                [EmployerStaff(employer=employer, person=p) for p in people], batch_size=1000
            )
            UnitMembership.objects.bulk_create(
                [
                    UnitMembership(
                        person=p,
                        unit=employer,
                        started_on=today,
                        source=MembershipSource.STAFF,
                        approved_by=actor,
                        approved_by_name=actor.display_name,
                    )
                    for p in people
                ],
                batch_size=1000,
            )
        elapsed = time.perf_counter() - started
        undo()
        return elapsed

    undo()  # a run stopped half-way leaves nothing behind
    case.reference, case.undo = reference, undo  # type: ignore[method-assign]
    return case


def organisations_case(rows: int, run: int) -> Case:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from title_review.access.models import RoleGrant
    from title_review.access.roles import Role
    from title_review.accounts.models import User
    from title_review.accounts.passwords import generate_one_time_password
    from title_review.dictionaries.models import Entry
    from title_review.organisations.imports import ORGANISATIONS
    from title_review.organisations.models import Organisation, OrganisationKind, encode_step

    parent = Organisation.objects.get(name=ORG_PARENT)
    region = Entry.objects.get(type__code="region", code=REGION)
    actor = User.objects.select_related("organisation").get(username="zjadmin")
    case = Case()
    case.name, case.spec, case.actor, case.rows, case.hashing = "导入机构", ORGANISATIONS, actor, rows, []
    marker = f"b{run:05d}"

    def prepare_round(round_no: int) -> None:
        tag = f"{marker}r{round_no}"
        file_rows = [
            [
                parent.code,
                f"基准单位{tag}-{n:05d}",
                "用人单位",
                f"{REGION} 西湖区",
                "",
                f"{tag}o{n:05d}",
                f"管理员{n}",
                "",
                "",
            ]
            for n in range(rows)
        ]
        case.content = workbook(ORGANISATIONS.sheet, ORG_HEADERS, file_rows)

    def undo() -> None:
        users = User.objects.filter(username__startswith=marker)
        RoleGrant.objects.filter(user__in=users).delete()
        users.delete()
        Organisation.objects.filter(name__startswith=f"基准单位{marker}").delete()

    def reference(round_no: int) -> float:
        """The same organisations, administrators and role grants, the passwords hashed first."""
        tag = f"{marker}R{round_no}"
        started = time.perf_counter()
        hashed = [make_password(generate_one_time_password()) for _n in range(rows)]
        case.hashing.append(time.perf_counter() - started)
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=parent.pk)
            first = locked.child_counter + 1
            locked.child_counter += rows
            locked.save(update_fields=["child_counter", "updated_at"])
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"基准单位{tag}-{n:05d}",
                        code=f"{tag}{n:06d}",
                        kind=OrganisationKind.EMPLOYER,
                        parent=locked,
                        path=locked.path + encode_step(first + n),
                        depth=locked.depth + 1,
                        region=region,
                    )
                    for n in range(rows)
                ],
                batch_size=1000,
            )
            admins = User.objects.bulk_create(
                [
                    User(
                        username=f"{tag}o{n:05d}",
                        real_name=f"管理员{n}",
                        organisation=org,
                        must_change_password=True,
                        password=password,
                    )
                    for n, (org, password) in enumerate(zip(orgs, hashed, strict=True))
                ],
                batch_size=1000,
            )
            RoleGrant.objects.bulk_create(
                [RoleGrant(user=u, role=Role.EMPLOYER_ADMIN, organisation=u.organisation) for u in admins],
                batch_size=1000,
            )
        elapsed = time.perf_counter() - started
        undo()
        return elapsed

    undo()
    case.reference, case.undo, case.prepare_round = reference, undo, prepare_round  # type: ignore[method-assign]
    return case


def accounts_case(rows: int, run: int) -> Case:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from title_review.access.models import RoleGrant
    from title_review.access.roles import Role
    from title_review.accounts.models import AccountKind, User
    from title_review.accounts.passwords import generate_one_time_password
    from title_review.organisations.imports import SUB_ACCOUNTS

    actor = User.objects.select_related("organisation").get(username="hospitaladmin")
    employer = actor.organisation
    case = Case()
    case.name, case.spec, case.actor, case.rows, case.hashing = "导入经办账号", SUB_ACCOUNTS, actor, rows, []
    marker = f"a{run:05d}"
    permissions = ["fill", "print", "view", "edit_profile", "change_password"]

    def prepare_round(round_no: int) -> None:
        tag = f"{marker}r{round_no}"
        file_rows = [[f"{tag}s{n:04d}", f"使用人{n}", "是", "否", "是", "是", "是", "是"] for n in range(rows)]
        case.content = workbook(SUB_ACCOUNTS.sheet, ACCOUNT_HEADERS, file_rows)

    def undo() -> None:
        users = User.objects.filter(username__startswith=marker)
        RoleGrant.objects.filter(user__in=users).delete()
        users.delete()

    def reference(round_no: int) -> float:
        tag = f"{marker}R{round_no}"
        started = time.perf_counter()
        hashed = [make_password(generate_one_time_password()) for _n in range(rows)]
        case.hashing.append(time.perf_counter() - started)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{tag}s{n:04d}",
                        kind=AccountKind.SUB_ACCOUNT,
                        real_name=f"使用人{n}",
                        organisation=employer,
                        permissions=permissions,
                        must_change_password=True,
                        password=password,
                    )
                    for n, password in enumerate(hashed)
                ],
                batch_size=1000,
            )
            RoleGrant.objects.bulk_create(
                [RoleGrant(user=u, role=Role.EMPLOYER_STAFF, organisation=employer) for u in users], batch_size=1000
            )
        elapsed = time.perf_counter() - started
        undo()
        return elapsed

    undo()
    case.reference, case.undo, case.prepare_round = reference, undo, prepare_round  # type: ignore[method-assign]
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--staff-rows", type=int, default=10_000)
    parser.add_argument("--organisation-rows", type=int, default=2_000)
    parser.add_argument("--account-rows", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--only", nargs="*", choices=("staff", "organisations", "accounts"))
    parser.add_argument("--row-by-row", action="store_true", help="also time the dry run row by row, once")
    parser.add_argument(
        "--hasher",
        choices=("production", "md5"),
        default="production",
        help="md5: the tests' fast hasher on both sides, to see what the account imports cost besides hashing",
    )
    args = parser.parse_args()
    setup_django()

    from django.conf import settings

    if args.hasher == "md5":
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.db import connection
    from django.utils import timezone

    run = int(time.time()) % 100_000
    chosen = args.only or ["staff", "organisations", "accounts"]
    builders = {
        "staff": lambda: staff_case(args.staff_rows),
        "organisations": lambda: organisations_case(args.organisation_rows, run),
        "accounts": lambda: accounts_case(args.account_rows, run),
    }
    load = [os.getloadavg()[0]]
    results: dict[str, Any] = {}
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"password hasher: {settings.PASSWORD_HASHERS[0]}")
    print("| import | rows | run | seconds per round | median | median ratio to the bulk insert of its round |")
    print("|---|---|---|---|---|---|")
    for key in chosen:
        case = builders[key]()
        cap = case.spec.max_rows
        if case.rows > cap:  # past the import's own cap: only to see how it scales
            print(f"| {case.name} | {case.rows:,} | (its cap of {case.spec.max_rows:,} rows lifted for this run) |||")
            case.spec = dataclasses.replace(case.spec, max_rows=case.rows)

        def imported(*, commit: bool, case: Case = case) -> None:
            import_checked(case.spec.sheet, case.spec, case.actor, case.content, commit=commit)

        bulk: list[float] = []
        dry_runs: list[float] = []
        commits: list[float] = []
        for round_no in range(args.rounds):
            case.prepare_round(round_no)
            bulk.append(case.reference(round_no))
            dry_runs.append(timed(lambda: imported(commit=False)))
            commits.append(timed(lambda: imported(commit=True)))
            case.undo()
            load.append(os.getloadavg()[0])

        row_by_row = None
        if args.row_by_row:  # the import before ADR 0044: every row through the one-row service
            case.spec = dataclasses.replace(case.spec, bulk=None)
            row_by_row = timed(lambda: imported(commit=False))
            load.append(os.getloadavg()[0])

        def median_ratio(times: list[float], bulk: list[float] = bulk) -> float:
            return statistics.median(t / b for t, b in zip(times, bulk, strict=True))

        for label, times in (("bulk insert", bulk), ("dry run", dry_runs), ("commit", commits)):
            each = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"| {case.name} | {case.rows:,} | {label} | {each} | {statistics.median(times):.2f} "
                f"| {median_ratio(times):.2f} |"
            )
        if row_by_row is not None:
            print(
                f"| {case.name} | {case.rows:,} | dry run, row by row (before ADR 0044), once | {row_by_row:.2f} | — "
                f"| {row_by_row / statistics.median(bulk):.2f} (to the median bulk insert) |"
            )
        entry: dict[str, Any] = {
            "row_by_row_dry_run_s": round(row_by_row, 3) if row_by_row is not None else None,
            "rows": case.rows,
            "bulk_s": round(statistics.median(bulk), 3),
            "dry_run_s": round(statistics.median(dry_runs), 3),
            "commit_s": round(statistics.median(commits), 3),
            "dry_run_ratio": round(median_ratio(dry_runs), 2),
            "commit_ratio": round(median_ratio(commits), 2),
            "cap_lifted": case.rows > cap,
        }
        if case.hashing:  # in the reference's time and, one per account, in the import's
            entry["hashing_s"] = round(statistics.median(case.hashing), 3)
            print(
                f"| {case.name} | {case.rows:,} | of which hashing the one-time passwords (in the bulk insert) "
                f"| {', '.join(f'{h:.2f}' for h in case.hashing)} | {entry['hashing_s']:.2f} | — |"
            )
        results[key] = entry
        sys.stdout.flush()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load average (1 min) {load}")
    summary = {
        "imports": results,
        "rounds": args.rounds,
        "hasher": settings.PASSWORD_HASHERS[0],
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_1min": [round(x, 2) for x in load],
        "date": timezone.localdate().isoformat(),
    }
    print("RESULT " + json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
