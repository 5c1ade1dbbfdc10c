"""Declarations in scope of the demo accounts, for bench/lists.py (issue 12). Run by lists.py, one database
per size, with DATABASE_URL and DJANGO_SETTINGS_MODULE=lists_settings set:

    python bench/lists_data.py 300000

On top of the demo data (migrate, load_dictionaries, load_demo), one published round of the 杭州市职改办
(卫生技术人员, 受理范围 杭州市卫生健康委员会) and N declarations of 杭州市第一人民医院, in every stage:

1. **Templates, through the services.** One real declaration per stage is walked through the same calls
   the pages make — 业绩档案 rows, attachments, 提交 (whose snapshot and hash `submit_declaration` builds),
   单位审核通过, 单位内部公示, 上报, 主管部门审核通过 (wjwreview), 逐项审查 and 受理 (hzcheck), 不予受理,
   退回 (hzreturn above, hospitaladmin at the employer) — so every column a stage sets (desk, chain,
   opinions, 上报经办人, publicity) is what the code sets today.
2. **Clones, in bulk.** Each template is copied (every concrete column, whatever columns exist when this
   runs) onto new personal accounts of the hospital (valid, unique 居民身份证号; on its staff list; the
   applicant role), with the snapshot's applicant replaced and its SHA-256 recomputed, a spread of
   `stage_since` over the last 60 days, and the template's 审核记录 copied too. bulk_create in chunks.

The 业绩档案 rows and attachments stay the templates' own (clones' picks and snapshots point at them):
no list reads them. Audit rows and notifications of the clones are not written either.

3. **After 受理** (`later_stages`, added to a database that lacks it): the 评后 lists' own rows at the same
   scale — one 评审结果 batch of the 杭州市职改办 in 公示 holding every accepted declaration of the round (90 %
   通过), and, for every applicant of the round, one certificate from the old system (原系统导入) at the
   hospital: the province's 证书查询 at ~300,000. Bulk rows in the shape the import services write (the
   results import and the certificates import); no 评委会 meeting (its pages are timed by their tests'
   query bounds, not here).
Exit status 3: the round exists but is incomplete (an interrupted run) — lists.py drops the database.
"""

import copy
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lists_settings")

import django  # noqa: E402 — settings must be chosen first

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from title_review.access.models import RoleGrant  # noqa: E402
from title_review.accounts.models import User  # noqa: E402
from title_review.core.identity import check_digit  # noqa: E402
from title_review.declarations.models import Declaration, ReviewRecord  # noqa: E402
from title_review.organisations.models import EmployerStaff, Organisation  # noqa: E402
from title_review.rounds.models import Round  # noqa: E402

LATER_COMMITTEE = "卫生技术人员高级评委会（列表基准）"

ROUND_TITLE = "2026年度卫生技术人员职称评审（列表基准）"
HOSPITAL, DEPARTMENT, OFFICE = "杭州市第一人民医院", "杭州市卫生健康委员会", "杭州市职称工作领导小组办公室"
CHUNK = 5_000
# Share of each stage (template key → fraction of N); "returned_*" are both status "returned".
SPLIT = {
    "draft": 0.03,
    "with_employer": 0.12,
    "employer_passed": 0.05,
    "in_publicity": 0.03,
    "ready_to_forward": 0.10,
    "in_review": 0.20,
    "qualification_check": 0.20,
    "accepted": 0.18,
    "rejected": 0.02,
    "returned_above": 0.04,
    "returned_employer": 0.03,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉健俊帆"
# Columns a clone gets fresh values for; every other concrete column is the template's.
OWN_COLUMNS = {"id", "applicant", "applicant_name", "filled_by", "snapshot", "snapshot_hash", "stage_since"}
OWN_COLUMNS |= {"submitted_at", "created_at", "updated_at", "number"}  # 申报编号: unique per round


def identity_number(n: int) -> str:
    """A valid 居民身份证号 (杭州市西湖区, born from 1975-01-01), unique for n below 900 a day × 10,000 days:
    tests/personas.py's generator moved to 1975 so that its numbers and the demo's never collide."""
    first17 = f"330106{dt.date(1975, 1, 1) + dt.timedelta(days=n // 900):%Y%m%d}{n % 900 + 100:03d}"
    return first17 + check_digit(first17)


def canonical_hash(snapshot: dict) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def person(n: int, rng: random.Random, hospital: Organisation, prefix: str = "bl") -> User:
    number = identity_number(n)
    return User(
        username=f"{prefix}{n}",
        real_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        kind="personal",
        id_type="01",
        id_number=number,
        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        sex="男" if int(number[16]) % 2 else "女",
        phone=f"139{n:08d}",
        password="!",  # noqa: S106 — an unusable password: bulk rows, never signed in
        organisation=hospital,
    )


def add_people(people: list[User], hospital: Organisation) -> list[User]:
    people = User.objects.bulk_create(people)
    EmployerStaff.objects.bulk_create(EmployerStaff(employer=hospital, person=p) for p in people)
    RoleGrant.objects.bulk_create(RoleGrant(user=p, role="applicant", organisation=None) for p in people)
    return people


# ---------------------------------------------------------------- the round and the templates


def bench_round() -> Round:
    from title_review.dictionaries.models import Entry
    from title_review.rounds import services as rounds

    hzadmin = User.objects.get(username="hzadmin")
    office = Organisation.objects.get(name=OFFICE)
    series = Entry.objects.get(type__code="series", name="卫生技术人员")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=hzadmin,
        host=office,
        name="杭州市卫生高级评委会（列表基准）",
        series=series,
        levels=levels,
        specialties=[],
    )
    now = timezone.now()
    round_ = rounds.create_round(
        actor=hzadmin,
        publisher=office,
        title=ROUND_TITLE,
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=now - dt.timedelta(days=40),
        closes_at=now + dt.timedelta(days=60),
    )
    rounds.update_round(
        actor=hzadmin,
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=[Organisation.objects.get(name=DEPARTMENT)],
    )
    return rounds.publish_round(actor=hzadmin, round_id=round_.pk)


def _upload(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    upload.size = len(content)  # type: ignore[attr-defined]
    return upload


def _png(width: int = 295, height: int = 413) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 210, 230)).save(out, format="PNG")
    return out.getvalue()


def complete_draft(applicant: User, round_: Round) -> Declaration:
    """A complete draft (every required tab and file), as an applicant fills it on the pages."""
    from title_review.achievements import services as records
    from title_review.attachments.services import upload_attachment
    from title_review.declarations import services as declarations
    from title_review.declarations.models import PLEDGE_VERSION
    from title_review.printing.renderer import html_to_pdf

    declaration = declarations.start_declaration(actor=applicant, round_id=round_.pk, pledge_version=PLEDGE_VERSION)
    save = records.save_record
    edu = save(
        actor=applicant,
        section="education",
        values={
            "school": "浙江大学",
            "major": "临床医学",
            "education": "21",
            "enrolled_on": dt.date(2004, 9, 1),
            "graduated_on": dt.date(2009, 7, 1),
        },
    )
    work = save(
        actor=applicant,
        section="work",
        values={
            "employer_name": HOSPITAL,
            "position": "主治医师",
            "started_on": dt.date(2009, 8, 1),
            "referee": "王主任",
        },
    )
    appraisals = [
        save(actor=applicant, section="appraisal", values={"year": year, "result": "01"}) for year in (2024, 2025)
    ]
    papers = [
        save(
            actor=applicant,
            section="achievement",
            values={
                "category": "paper",
                "title": f"急性心肌梗死患者早期康复干预的临床研究（{i}）",
                "date": dt.date(2024, 3, 1),
                "venue": "中华医学杂志",
            },
        )
        for i in (1, 2)
    ]
    declarations.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": round_.qualifications[0] if round_.qualifications else "",
            "current_qualification_date": dt.date(2016, 12, 1),
        },
        picks={
            "education": [edu.pk],
            "work": [work.pk],
            "appraisal": [a.pk for a in appraisals],
            "achievement": [p.pk for p in papers],
        },
        section_data={},
    )
    for kind, name in (("photo", "证件照.png"), ("id_card", "身份证.png")):
        upload_attachment(actor=applicant, owner=applicant, kind=kind, upload=_upload(name, _png()), target=declaration)
    form = html_to_pdf("<h1>专业技术职务任职资格评审表</h1><p>申报人：" + applicant.real_name + "</p>")
    upload_attachment(
        actor=applicant, owner=applicant, kind="review_form", upload=_upload("评审表.pdf", form), target=declaration
    )
    return declaration


def build_templates(round_: Round, hospital: Organisation) -> dict[str, Declaration]:
    """One declaration per stage, each walked there through the services by the demo accounts."""
    from title_review.declarations import services as declarations
    from title_review.reviews import services as reviews
    from title_review.reviews.services.scheduled import end_publicities

    users = {
        u.username: u for u in User.objects.filter(username__in=["hospitaladmin", "wjwreview", "hzcheck", "hzreturn"])
    }
    rng = random.Random(12)
    # Numbers far above any clone's: clones use 0 … N-1.
    applicants = add_people([person(5_000_000 + i, rng, hospital, prefix="blt") for i in range(len(SPLIT))], hospital)
    by_key = dict(zip(SPLIT, applicants, strict=True))

    def fresh(d: Declaration) -> Declaration:
        return Declaration.objects.select_related("applicant", "employer", "round").get(pk=d.pk)

    def submitted(key: str) -> Declaration:
        draft = complete_draft(by_key[key], round_)
        return declarations.submit_declaration(actor=by_key[key], declaration_id=draft.pk)

    def passed(key: str) -> Declaration:
        d = submitted(key)
        return reviews.employer_pass(
            actor=users["hospitaladmin"], declaration_id=d.pk, version=d.version, opinion="该同志业绩突出，同意推荐。"
        )

    def publicised(key: str, starts_on: dt.date) -> Declaration:
        d = passed(key)
        reviews.start_publicity(
            actor=users["hospitaladmin"],
            employer_id=hospital.pk,
            declaration_ids=[d.pk],
            starts_on=starts_on,
            place="院务公开栏",
        )
        return fresh(d)

    opened = timezone.localtime(round_.opens_at).date()

    def ready(key: str) -> Declaration:
        d = publicised(key, opened)
        end_publicities()
        return fresh(d)

    def in_review(key: str) -> Declaration:
        d = ready(key)
        reviews.forward(
            actor=users["hospitaladmin"],
            employer_id=hospital.pk,
            items=[(d.pk, d.version)],
            operator_name="褚医院",
            operator_phone="0571-87065701",
        )
        return fresh(d)

    def checking(key: str) -> Declaration:
        d = in_review(key)
        reviews.department_pass(actor=users["wjwreview"], declaration_id=d.pk, version=d.version, opinion="同意上报")
        return fresh(d)

    templates: dict[str, Declaration] = {}
    templates["draft"] = complete_draft(by_key["draft"], round_)
    templates["with_employer"] = submitted("with_employer")
    templates["employer_passed"] = passed("employer_passed")
    templates["in_publicity"] = publicised("in_publicity", timezone.localdate() - dt.timedelta(days=1))
    templates["ready_to_forward"] = ready("ready_to_forward")
    templates["in_review"] = in_review("in_review")
    templates["qualification_check"] = checking("qualification_check")
    d = checking("accepted")
    for key, _label in reviews.check_items_of(d):
        reviews.check_item(actor=users["hzcheck"], declaration_id=d.pk, key=key, verified=True)
    d = fresh(d)
    reviews.accept(actor=users["hzcheck"], declaration_id=d.pk, version=d.version)
    templates["accepted"] = d
    d = checking("rejected")
    reviews.reject(
        actor=users["hzcheck"],
        declaration_id=d.pk,
        version=d.version,
        reason="任职年限不足",
        basis="浙人社发〔2019〕号",
    )
    templates["rejected"] = d
    d = checking("returned_above")
    reviews.return_declaration(
        actor=users["hzreturn"], declaration_id=d.pk, version=d.version, reason="论文检索证明不清晰", sections=["附件"]
    )
    templates["returned_above"] = d
    d = submitted("returned_employer")
    reviews.employer_return(
        actor=users["hospitaladmin"], declaration_id=d.pk, version=d.version, reason="请补充年度考核", sections=[]
    )
    templates["returned_employer"] = d
    templates = {key: Declaration.objects.get(pk=d.pk) for key, d in templates.items()}
    for key, d in templates.items():
        expected = key.split("_")[0] if key.startswith("returned") else key
        if d.status != expected:
            raise SystemExit(f"template {key}: the services left it “{d.status}”")
    return templates


# ---------------------------------------------------------------- clones


def _columns(model: type) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def allocate_ids(model: type, n: int) -> list[int]:
    """n ids from the table's own sequence, so that the rows can be copied in with them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model: type, objs: Iterable[Any]) -> None:
    """INSERT through COPY: every concrete column (an unset id left to the table's sequence), each value
    prepared as the model's field prepares it for a save. bulk_create binds each chunk as arrays on the client,
    which is minutes for 300,000 rows of dossier JSON; COPY streams them."""
    fields = list(model._meta.concrete_fields)
    rows = iter(objs)
    first = next(rows, None)
    if first is None:
        return
    if first.pk is None:
        fields = [f for f in fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as stream:
        for obj in itertools.chain([first], rows):
            stream.write_row([f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])


def clone_rows(templates: dict[str, Declaration], hospital: Organisation, total: int) -> None:
    plan: list[str] = []
    for key, share in SPLIT.items():
        plan += [key] * round(share * total)
    random.Random(2026).shuffle(plan)
    plan = plan[: total - len(templates)]
    records = {
        key: list(ReviewRecord.objects.filter(declaration=d).order_by("created_at", "pk"))
        for key, d in templates.items()
    }
    copied = [c for c in _columns(Declaration) if c.removesuffix("_id") not in OWN_COLUMNS and c not in OWN_COLUMNS]
    record_columns = [c for c in _columns(ReviewRecord) if c not in ("id", "declaration_id", "created_at")]
    rng = random.Random(300)
    now = timezone.now()
    started = time.perf_counter()
    # 申报编号 as start_declaration gives them (年度-活动-序号), after the templates' own; the round's counter
    # is moved past the clones at the end, so a declaration opened later gets the next one.
    round_ = next(iter(templates.values())).round
    first_seq = Round.objects.filter(pk=round_.pk).values_list("declaration_seq", flat=True).get() + 1
    for start in range(0, len(plan), CHUNK):
        keys = plan[start : start + CHUNK]
        with transaction.atomic():
            people = add_people([person(start + i, rng, hospital) for i in range(len(keys))], hospital)
            rows = []
            for key, applicant in zip(keys, people, strict=True):
                template = templates[key]
                row = Declaration(**{c: getattr(template, c) for c in copied})
                row.applicant = applicant
                row.applicant_name = applicant.real_name
                row.filled_by = applicant
                row.number = f"{round_.year}-{round_.pk:04d}-{first_seq + start + len(rows):05d}"
                if template.stage_since is not None:
                    row.stage_since = now - dt.timedelta(seconds=rng.randrange(60 * 86_400))
                if template.submitted_at is not None:
                    row.submitted_at = row.stage_since - dt.timedelta(seconds=rng.randrange(10 * 86_400))
                if template.snapshot is not None:
                    snapshot = copy.deepcopy(template.snapshot)
                    snapshot["applicant"] = {"id": applicant.pk, "name": applicant.real_name}
                    row.snapshot = snapshot
                    row.snapshot_hash = canonical_hash(snapshot)
                rows.append(row)
            for row, pk in zip(rows, allocate_ids(Declaration, len(rows)), strict=True):
                row.pk = pk
            copy_insert(Declaration, rows)
            copy_insert(
                ReviewRecord,
                (
                    ReviewRecord(declaration=row, created_at=now, **{c: getattr(record, c) for c in record_columns})
                    for key, row in zip(keys, rows, strict=True)
                    for record in records[key]
                ),
            )
        Round.objects.filter(pk=round_.pk).update(declaration_seq=first_seq + start + len(keys) - 1)
        done = start + len(keys)
        print(
            f"  {done + len(templates):,} of {total:,} declarations ({time.perf_counter() - started:.0f} s)", flush=True
        )


def later_stages(round_: Round) -> bool:
    """The 评后 rows (see the module's point 3); False when the database holds them already."""
    from title_review.certificates.models import Certificate, CertificateSource
    from title_review.dictionaries.models import Entry
    from title_review.results.models import BatchSource, BatchStatus, Outcome, ResultBatch, ResultEntry

    if ResultBatch.objects.filter(committee_name=LATER_COMMITTEE).exists():
        return False
    started = time.perf_counter()
    hospital = Organisation.objects.get(name=HOSPITAL)
    office = Organisation.objects.get(name=OFFICE)
    names = dict(Entry.objects.filter(type__code="qualification").values_list("code", "name"))
    series = round_.series.name if round_.series_id else ""
    today = timezone.localdate()
    batch = ResultBatch.objects.create(
        office=office,
        round=round_,
        committee_name=LATER_COMMITTEE,
        source=BatchSource.IMPORT,
        status=BatchStatus.PUBLICISING,
        publicity_starts=today - dt.timedelta(days=2),
        publicity_ends=today + dt.timedelta(days=5),
        publicity_days=5,
        created_by=User.objects.get(username="hzadmin"),
    )
    rng = random.Random(14)
    accepted = Declaration.objects.filter(round=round_, status="accepted").order_by("pk")
    rows = accepted.values_list("pk", "applicant_name", "target_qualification")
    entries = [
        ResultEntry(
            batch=batch,
            declaration_id=pk,
            person_name=name,
            employer=hospital,
            employer_name=hospital.name,
            series_name=series,
            qualification_code=code,
            qualification_name=names.get(code, ""),
            outcome=Outcome.PASSED if rng.random() < 0.9 else Outcome.FAILED,
        )
        for pk, name, code in rows.iterator(chunk_size=CHUNK)
    ]
    for start in range(0, len(entries), CHUNK):
        ResultEntry.objects.bulk_create(entries[start : start + CHUNK])
    people = Declaration.objects.filter(round=round_).order_by("pk")
    people = people.values_list("applicant__real_name", "applicant__id_type", "applicant__id_number")
    now = timezone.now()
    codes = sorted(names) or [""]
    made = 0
    chunk: list[Certificate] = []
    for name, id_type, id_number in people.iterator(chunk_size=CHUNK):
        code = codes[made % len(codes)]
        made += 1
        chunk.append(
            Certificate(
                organisation=hospital,
                person_name=name,
                id_type=id_type or "01",
                id_number=id_number,
                qualification_code=code,
                qualification_name=names.get(code, ""),
                series_name=series,
                obtained_on=today - dt.timedelta(days=rng.randrange(20 * 365)),
                number=f"LB{made:09d}",
                issuing_body="浙江省人力资源和社会保障厅",
                review_year=2000 + rng.randrange(26),
                source=CertificateSource.LEGACY,
                imported_at=now,
            )
        )
        if len(chunk) == CHUNK:
            Certificate.objects.bulk_create(chunk)
            chunk = []
    if chunk:
        Certificate.objects.bulk_create(chunk)
    print(
        f"  after 受理: {len(entries):,} 评审结果 in 公示 and {made:,} certificates "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    return True


def analyze() -> None:
    """Statistics and the visibility map, as autovacuum leaves a table in production: without VACUUM a freshly
    loaded table has no all-visible pages, and every index-only scan (capped counts) visits the heap."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def migrate() -> bool:
    """Apply the working tree's migrations; True when there were any (the statistics are then stale)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0, skip_checks=True)
    return bool(pending)


def main(total: int) -> None:
    began = time.perf_counter()
    migrated = migrate()
    call_command("load_dictionaries", verbosity=0)
    call_command("load_demo", verbosity=0)
    existing = Round.objects.filter(title=ROUND_TITLE).first()
    if existing is not None:
        count = Declaration.objects.filter(round=existing).count()
        if count >= total:
            added = later_stages(existing)
            if migrated or added:
                analyze()
            print(
                f"ready: {count:,} declarations in “{ROUND_TITLE}”"
                + (" (VACUUM ANALYZE done)" if migrated or added else "")
            )
            return
        print(f"incomplete: {count:,} of {total:,} declarations — an interrupted run")
        raise SystemExit(3)
    hospital = Organisation.objects.get(name=HOSPITAL)
    round_ = bench_round()
    templates = build_templates(round_, hospital)
    print(f"  {len(templates)} template declarations through the services ({time.perf_counter() - began:.0f} s)")
    clone_rows(templates, hospital, total)
    later_stages(round_)
    analyze()
    count = Declaration.objects.filter(round=round_).count()
    print(f"generated {count:,} declarations in {time.perf_counter() - began:.0f} s (VACUUM ANALYZE done)")


if __name__ == "__main__":
    main(int(sys.argv[1]))
