"""100,000 declarations with their achievements across 5,000 employers, for the printing and exchange
benchmarks (`make bench-forms`; see bench/README.md).

Built once on top of generate.py's province tree, with bulk inserts (the services' per-row cost is not
what is measured). Every applicant has a valid identity number, 5 records in the 业绩档案 (学历, 工作经历,
年度考核, 2 论文) and a submitted declaration whose snapshot is built the way 提交 builds it.
"""

import datetime as dt
import hashlib
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402 — sets up Django and builds the tree
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from title_review.accounts.models import User  # noqa: E402
from title_review.achievements.models import Achievement, Appraisal, Education, WorkHistory  # noqa: E402
from title_review.core.identity import check_digit  # noqa: E402
from title_review.declarations.models import Declaration  # noqa: E402
from title_review.dictionaries.models import Entry  # noqa: E402
from title_review.organisations.models import Organisation  # noqa: E402
from title_review.rounds.models import Round  # noqa: E402

DECLARATIONS, EMPLOYERS, BATCH = 100_000, 5_000, 2_000
ROUND_TITLE = "基准2026年度工程系列职称评审"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉健俊帆"


def identity_number(n: int) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000)
    body = f"330106{birth:%Y%m%d}{(n // 9000) % 1000:03d}"
    return body + check_digit(body)


def canonical_hash(snapshot: dict) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bench_round() -> Round:
    round_ = Round.objects.filter(title=ROUND_TITLE).first()
    if round_ is not None:
        return round_
    root = Organisation.objects.get(depth=1)
    series = Entry.objects.get(type__code="series", name="工程技术人员")
    now = timezone.now()
    round_ = Round.objects.create(
        title=ROUND_TITLE,
        year=2026,
        kind="review",
        publisher=root,
        series=series,
        levels=["3"],
        qualifications=list(
            Entry.objects.filter(type__code="qualification", parent=series).values_list("code", flat=True)[:3]
        ),
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        routes=["01"],
        status="published",
        published_at=now,
    )
    round_.scope.add(root)
    return round_


def generate_declarations() -> Round:
    generate.generate()
    round_ = bench_round()
    existing = Declaration.objects.filter(round=round_).count()
    if existing >= DECLARATIONS:
        return round_
    employers = list(Organisation.objects.filter(kind="employer", name__startswith="基准").order_by("path")[:EMPLOYERS])
    rng = random.Random(2026)
    started = time.perf_counter()
    for start in range(existing, DECLARATIONS, BATCH):
        with transaction.atomic():
            _batch(round_, employers, rng, start, min(start + BATCH, DECLARATIONS))
        done = min(start + BATCH, DECLARATIONS)
        print(f"  {done:,} declarations ({time.perf_counter() - started:.0f} s)", flush=True)
    return round_


def _batch(round_: Round, employers: list[Organisation], rng: random.Random, start: int, end: int) -> None:
    people = User.objects.bulk_create(
        User(
            username=f"bench{n}",
            real_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            kind="personal",
            id_type="01",
            id_number=identity_number(n),
            phone=f"139{n:08d}",
            password="!",  # noqa: S106 — unusable password marker, bulk rows only
            organisation=employers[n % len(employers)],
        )
        for n in range(start, end)
    )
    educations = Education.objects.bulk_create(
        Education(
            owner=p,
            school="浙江大学",
            major="土木工程",
            education="21",
            enrolled_on=dt.date(2004, 9, 1),
            graduated_on=dt.date(2008, 7, 1),
        )
        for p in people
    )
    works = WorkHistory.objects.bulk_create(
        WorkHistory(
            owner=p,
            employer_name=p.organisation.name,
            position="工程师",
            started_on=dt.date(2008, 8, 1),
            referee="张工",
        )
        for p in people
    )
    appraisals = Appraisal.objects.bulk_create(Appraisal(owner=p, year=2025, result="01") for p in people)
    papers = Achievement.objects.bulk_create(
        Achievement(
            owner=p,
            category="paper",
            title=f"关于大跨度桥梁施工监测的研究（{i}）",
            date=dt.date(2024, 3, 1),
            venue="土木工程学报",
        )
        for p in people
        for i in range(2)
    )
    now = timezone.now()
    rows = []
    for i, person in enumerate(people):
        snapshot = {
            "applicant": {"id": person.pk, "name": person.real_name},
            "employer": {"id": person.organisation_id, "name": person.organisation.name},
            "round": {"id": round_.pk, "title": round_.title},
            "route": "01",
            "target_qualification": {"code": "", "name": "工程师"},
            "specialty": "",
            "recommenders": [],
            "current_qualification": "",
            "current_qualification_date": "2021-12-01",
            "section_data": {},
            "records": {
                "education": [{"id": educations[i].pk, "school": "浙江大学", "major": "土木工程"}],
                "work": [{"id": works[i].pk, "employer_name": person.organisation.name, "position": "工程师"}],
                "appraisal": [{"id": appraisals[i].pk, "year": 2025, "result": "01"}],
                "achievement": [
                    {"id": papers[2 * i + k].pk, "title": papers[2 * i + k].title, "venue": "土木工程学报"}
                    for k in range(2)
                ],
            },
            "attachments": [],
            "pledge": {"version": "2026-11", "accepted_at": now.isoformat()},
        }
        rows.append(
            Declaration(
                applicant=person,
                round=round_,
                employer=person.organisation,
                filled_by=person,
                # All forwarded, so the province office sees (and exports) every one of them.
                status=("in_review", "qualification_check", "accepted")[i % 3],
                current_org=person.organisation,
                stage_since=now,
                route="01",
                pledge_version="2026-11",
                pledge_accepted_at=now,
                submitted_at=now,
                snapshot=snapshot,
                snapshot_hash=canonical_hash(snapshot),
                picks={
                    "education": [educations[i].pk],
                    "work": [works[i].pk],
                    "appraisal": [appraisals[i].pk],
                    "achievement": [papers[2 * i].pk, papers[2 * i + 1].pk],
                },
            )
        )
    Declaration.objects.bulk_create(rows)


if __name__ == "__main__":
    began = time.perf_counter()
    generate_declarations()
    print(f"declarations ready in {time.perf_counter() - began:.0f} s")
