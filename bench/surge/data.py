"""The surge bench's database (issue 12, point 3): demo data plus applicants with drafts ready to submit.

    .venv/bin/python bench/surge/data.py setup [--applicants 300]   # once: create, migrate, fill
    .venv/bin/python bench/surge/data.py reset                      # before each run: drafts again

`setup` creates the PostgreSQL database named in DATABASE_URL (default title_review_bench_surge) when it
does not exist, migrates, loads the dictionaries and the demo data, collects static files (the production
settings serve them through the manifest), and adds, once:

- the 杭州市职改办's published 中小学教师 round for the 卫健委 and 教育局 subtrees (built like the reviews
  tests' `publish_review_round`);
- `--applicants` personal accounts `surge0001…` at 杭州第二中学 (in the round's scope), each with a valid
  居民身份证号 (tests/personas.py `identity_number`), on the school's staff list, the demo password, and a
  complete draft in that round (title_review/reviews/tests/factories.py `complete_draft`: 业绩档案 rows
  picked, the three attachments uploaded), so it can be opened, saved and submitted;
- the bench-only table `bench_surge_tick` (one row per declaration) that the bare view writes.

`reset` turns the bench declarations that a run submitted back into drafts (status, desk, snapshot, 审核记录,
attachment locks) and forgets login attempts, so every run starts from the same state. The audit rows of
earlier runs stay (the audit tables are append-only).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "surge_settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/title_review_bench_surge")

PREFIX = "surge"
ROUND_TITLE = "2026年度中小学教师职称评审（高峰基准）"
SCHOOL = "杭州第二中学"
# identity_number(n) is unique for n below ~30,000; the demo's own numbers are elsewhere (1985-06-12…).
ID_OFFSET = 20_000
# [username, declaration id] of every bench applicant, for the locust users (locustfile.py).
ACCOUNTS_FILE = ROOT / "var" / "bench_surge" / "accounts.json"


def ensure_database() -> None:
    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    import psycopg

    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django() -> None:
    import django

    django.setup()


def bench_round():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from title_review.accounts.models import User
    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import Organisation
    from title_review.rounds import services as rounds
    from title_review.rounds.models import Round

    existing = Round.objects.filter(title=ROUND_TITLE).first()
    if existing is not None:
        return existing
    shanghai = ZoneInfo("Asia/Shanghai")
    hzadmin = User.objects.get(username="hzadmin")
    hz = Organisation.objects.get(name="杭州市职称工作领导小组办公室")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=hzadmin, host=hz, name="杭州市中小学教师评委会（高峰基准）", series=series, levels=levels, specialties=[]
    )
    round_ = rounds.create_round(
        actor=hzadmin,
        publisher=hz,
        title=ROUND_TITLE,
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=shanghai),
        closes_at=dt.datetime.now(tz=shanghai) + dt.timedelta(days=365),
    )
    rounds.update_round(
        actor=hzadmin,
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=[Organisation.objects.get(name="杭州市卫生健康委员会"), Organisation.objects.get(name="杭州市教育局")],
    )
    return rounds.publish_round(actor=hzadmin, round_id=round_.pk)


def setup(applicants: int) -> None:
    ensure_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    from title_review.organisations.models import Organisation

    if not Organisation.objects.exists():
        call_command("load_dictionaries", verbosity=0)
        call_command("load_demo", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    round_ = bench_round()

    from tests.personas import identity_number, persona
    from title_review.accounts.models import User
    from title_review.declarations.models import Declaration
    from title_review.reviews.tests.factories import complete_draft

    school = Organisation.objects.get(name=SCHOOL)
    have = User.objects.filter(username__startswith=PREFIX).count()
    started = time.monotonic()
    for i in range(have + 1, applicants + 1):
        user = persona(
            role="applicant",
            organisation=school,
            username=f"{PREFIX}{i:04d}",
            real_name=f"高峰{i:04d}",
            id_number=identity_number(ID_OFFSET + i),
            phone=f"139{i:08d}",
        )
        complete_draft(user, round_)
        if i % 50 == 0:
            print(f"  {i} applicants ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_surge_tick "
            "(declaration_id bigint PRIMARY KEY, touched_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            "INSERT INTO bench_surge_tick (declaration_id) SELECT id FROM declarations_declaration "
            "WHERE round_id = %s ON CONFLICT DO NOTHING",
            [round_.pk],
        )
        cursor.execute("ANALYZE")
    count = Declaration.objects.filter(round=round_, applicant__username__startswith=PREFIX).count()
    print(f"bench round {round_.pk}: {count} applicants with drafts ({PREFIX}0001…)")


def reset() -> None:
    setup_django()
    from django.db import transaction

    from title_review.accounts.models import LoginAttempts
    from title_review.attachments.services import unlock_attachments
    from title_review.declarations.models import Declaration, ReviewRecord
    from title_review.rounds.models import Round

    round_ = Round.objects.get(title=ROUND_TITLE)
    with transaction.atomic():
        done = Declaration.objects.filter(round=round_).exclude(status="draft")
        for declaration in done:
            unlock_attachments(target=declaration)
        ReviewRecord.objects.filter(declaration__in=done).delete()
        reverted = done.update(
            status="draft",
            current_org=None,
            stage_since=None,
            submitted_at=None,
            snapshot=None,
            snapshot_hash="",
            chain=[],
        )
        LoginAttempts.objects.all().delete()
    accounts = list(
        Declaration.objects.filter(round=round_, applicant__username__startswith=PREFIX)
        .order_by("applicant__username")
        .values_list("applicant__username", "pk")
    )
    ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    ACCOUNTS_FILE.write_text(json.dumps(accounts))
    print(f"reset: {reverted} submitted declarations back to drafts; {len(accounts)} accounts in {ACCOUNTS_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--applicants", type=int, default=300)
    sub.add_parser("reset")
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.applicants)
    else:
        reset()


if __name__ == "__main__":
    main()
