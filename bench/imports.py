"""The 证书信息 import against a plain bulk insert of the same rows (issue 12, ADR 0026).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench_imports \\
        .venv/bin/python bench/imports.py [ROWS] [--rounds N] [--row-by-row] [--profile FILE]

Needs a migrated database with the dictionaries and the demo data (`manage.py migrate`,
`load_dictionaries`, `load_demo`); nothing else. In one process it builds a ROWS-row (default 10,000)
证书信息 file the way Excel saves one (shared strings, XlsxWriter) and, as the province office (zjadmin),
runs N interleaved rounds (default 3) of:

- `bulk insert`: the same certificates as model objects with their foreign keys and names worked out
  beforehand, `bulk_create` in one transaction, committed (then deleted again);
- `dry run` and `commit`: the real import, `run_import` on the uploaded file — reading the workbook,
  every cell check, the service's checks, the certificates and their audit rows; the dry run rolled
  back, the commit committed (its certificates deleted after the round; their audit rows stay);

then times reading the file alone, with the import's reader and with openpyxl's read-only mode (what
the imports used before ADR 0026), and with `--row-by-row` the dry run one row at a time through
`record_certificate` (the import before ADR 0026). Each import's ratio is taken to the bulk insert of
its own round, so a change in the machine's load hits both; the medians are printed, then one line
`RESULT {json}` for scripts that collect results. `--profile FILE` writes a cProfile of the first commit.
Certificate numbers are unique per run, so it can be repeated on the same database.
"""

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from import_bench import setup_django, timed  # bench/import_bench.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
ISSUER = "浙江省人力资源和社会保障厅"
QUALIFICATION = "0102"
HEADERS = ["*姓名", "*证件类型", "*证件号码", "*资格名称代码", "*取得资格时间", "*证书编号", "*发证机构", "单位代码"]


def identity_number(n: int) -> str:
    from title_review.core.identity import check_digit

    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000)
    body = f"330106{birth:%Y%m%d}{(n // 9000) % 1000:03d}"
    return body + check_digit(body)


def workbook(people: list[tuple[str, str, str]]) -> bytes:
    """The file as Excel would save it: text in the shared strings table, the date as text (the
    template's 取得资格时间 column is text)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("证书信息")
    sheet.write_row(0, 0, HEADERS)
    for index, (name, number, certificate) in enumerate(people, start=1):
        sheet.write_row(
            index, 0, [name, "居民身份证", number, f"{QUALIFICATION} 副教授", "2015-12-31", certificate, ISSUER]
        )
    book.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--row-by-row", action="store_true", help="also time the row-by-row dry run")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the commit to FILE")
    args = parser.parse_args()
    rows: int = args.rows
    setup_django()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.utils import timezone
    from openpyxl import load_workbook

    from title_review.accounts.models import User
    from title_review.certificates.imports import CERTIFICATES
    from title_review.certificates.models import Certificate, CertificateSource
    from title_review.core.importing import read_upload, run_import
    from title_review.dictionaries.models import Entry

    load = [os.getloadavg()[0]]
    run = int(time.time()) % 100_000  # numbers unique per run, so the bench can be repeated
    prefix = f"BENCH{run:05d}-"
    people = [(f"持证人{n}", identity_number(300_000 + n), f"{prefix}{n:06d}") for n in range(rows)]
    content = workbook(people)

    actor = User.objects.select_related("organisation").get(username="zjadmin")
    qualification = Entry.objects.select_related("parent").get(type__code="qualification", code=QUALIFICATION)
    level_code = str((qualification.attributes or {}).get("level", ""))
    level_name = Entry.objects.get(type__code="level", code=level_code).name
    series = qualification.parent

    def bulk_insert() -> float:
        """The baseline: a bulk_create of the same certificates, committed (then deleted again)."""
        started = time.perf_counter()
        with transaction.atomic():
            now = timezone.now()
            Certificate.objects.bulk_create(
                [
                    Certificate(
                        organisation_id=actor.organisation_id,
                        person_name=name,
                        id_type="01",
                        id_number=number,
                        qualification_code=qualification.code,
                        qualification_name=qualification.name,
                        series_code=series.code if series else "",
                        series_name=series.name if series else "",
                        level_code=level_code,
                        level_name=level_name,
                        obtained_on=dt.date(2015, 12, 31),
                        number=certificate,
                        issuing_body=ISSUER,
                        source=CertificateSource.LEGACY,
                        imported_at=now,
                    )
                    for name, number, certificate in people
                ],
                batch_size=1000,
            )
        elapsed = time.perf_counter() - started
        Certificate.objects.filter(number__startswith=prefix).delete()
        return elapsed

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("证书信息.xlsx", content)

    def openpyxl_read() -> None:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for _row in book["证书信息"].iter_rows(values_only=True):
            pass
        book.close()

    def imported(spec: Any, *, commit: bool) -> None:
        result = run_import(spec, actor=actor, upload=upload(), commit=commit)
        if result.committed != commit or result.has_errors:
            raise SystemExit(f"the import did not go through: {result.summary()}")

    # Interleaved rounds (bulk insert, dry run, commit), so that a change in the machine's load hits the
    # baseline and the imports alike; each ratio is taken within its round, the medians reported.
    bulk: list[float] = []
    dry_runs: list[float] = []
    commits: list[float] = []
    profile = cProfile.Profile() if args.profile else None
    for _round in range(args.rounds):
        bulk.append(bulk_insert())
        dry_runs.append(timed(lambda: imported(CERTIFICATES, commit=False)))
        if profile is not None and not commits:
            profile.enable()
        commits.append(timed(lambda: imported(CERTIFICATES, commit=True)))
        if profile is not None and len(commits) == 1:
            profile.disable()
            profile.dump_stats(args.profile)
        added = Certificate.objects.filter(number__startswith=prefix).count()
        if added != rows:
            raise SystemExit(f"the commit recorded {added} certificates, not {rows}")
        Certificate.objects.filter(number__startswith=prefix).delete()  # their audit rows stay: append-only
        load.append(os.getloadavg()[0])
    reading = timed(lambda: read_upload(CERTIFICATES, upload()))
    reading_openpyxl = timed(openpyxl_read)
    row_by_row = None
    if args.row_by_row:
        row_by_row = timed(lambda: imported(dataclasses.replace(CERTIFICATES, bulk=None), commit=False))
        load.append(os.getloadavg()[0])

    def median_ratio(times: list[float]) -> float:
        return statistics.median(t / b for t, b in zip(times, bulk, strict=True))

    baseline = statistics.median(bulk)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load average (1 min) {load}")
    print(f"rows: {rows:,}; file {len(content) / 1024:.0f} KB; {args.rounds} interleaved rounds")
    print(f"reading the file: {reading:.2f} s (openpyxl read-only: {reading_openpyxl:.2f} s)")
    print("| run | rows | seconds per round | median | median ratio to the bulk insert of its round |")
    print("|---|---|---|---|---|")
    for label, times in (("bulk insert", bulk), ("dry run", dry_runs), ("commit", commits)):
        each = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {label} | {rows:,} | {each} | {statistics.median(times):.2f} | {median_ratio(times):.2f} |")
    if row_by_row is not None:
        print(
            f"| dry run, row by row (before ADR 0026) | {rows:,} | {row_by_row:.2f} | — | {row_by_row / baseline:.2f} |"
        )
    result = {
        "rows": rows,
        "rounds": args.rounds,
        "bulk_s": round(baseline, 3),
        "dry_run_s": round(statistics.median(dry_runs), 3),
        "commit_s": round(statistics.median(commits), 3),
        "dry_run_ratio": round(median_ratio(dry_runs), 2),
        "commit_ratio": round(median_ratio(commits), 2),
        "read_s": round(reading, 3),
        "read_openpyxl_s": round(reading_openpyxl, 3),
        "row_by_row_dry_run_s": round(row_by_row, 3) if row_by_row is not None else None,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_1min": [round(x, 2) for x in load],
        "date": timezone.localdate().isoformat(),
    }
    print("RESULT " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
