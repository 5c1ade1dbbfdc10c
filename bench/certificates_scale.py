"""证书信息 and 证书编号 at ~300,000 certificates: fill a throwaway database, then EXPLAIN the pages' queries.

    createdb -h 127.0.0.1 -U postgres title_review_cert_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_cert_scale
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py load_dictionaries
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py load_demo
    .venv/bin/python bench/certificates_scale.py generate [--rows 300000]
    .venv/bin/python bench/certificates_scale.py explain [--plans]
    dropdb -h 127.0.0.1 -U postgres title_review_cert_scale

`generate` bulk-inserts the certificates (once; holders named 规模…) over the demo organisations, most at
the city's hospital and school, a few thousand at the 西湖区 company (a narrow scope), 10 % of them issued here
and still 待编号 in 40 batches (发文字号) plus some without one; then ANALYZE. `explain` requests each page as
its users do (Django test Client, force_login) and runs EXPLAIN (ANALYZE, BUFFERS) on every query of the
certificate table the page sent: execution time, rows read, whether a Sort node read the whole scope.
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402 — settings must be chosen first

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from title_review.accounts.models import User  # noqa: E402
from title_review.certificates.models import Certificate, CertificateSource  # noqa: E402
from title_review.organisations.models import Organisation  # noqa: E402

# Share of the certificates per demo organisation (the rest: the province office's own records).
WEIGHTS = {
    "杭州市第一人民医院": 0.40,
    "杭州第二中学": 0.25,
    "浙江省建筑设计研究院": 0.15,
    "江西省工程咨询中心": 0.05,
    "杭州市卫生健康委员会": 0.04,
    "杭州市教育局": 0.04,
    "杭州西湖数智科技有限公司": 0.01,  # 西湖区's only unit: a narrow scope
    "杭州市人才服务局": 0.02,
}
PAGES = [
    ("zjadmin", "/certificates/"),
    ("hzadmin", "/certificates/"),
    ("xhadmin", "/certificates/"),
    ("zjadmin", "/certificates/?page=3"),
    ("zjadmin", "/certificates/?source=issued"),
    ("hospitaladmin", "/certificates/unit/"),
    ("companyadmin", "/certificates/unit/"),
    ("zjadmin", "/certificates/numbering/"),
    ("hzadmin", "/certificates/numbering/"),
    ("xhadmin", "/certificates/numbering/"),
    ("zjadmin", "/certificates/numbering/?document_number=浙人社〔2026〕7号"),
]


def generate(rows: int) -> None:
    have = Certificate.objects.filter(person_name__startswith="规模").count()
    if have >= rows:
        print(f"{have} certificates already there")
        return
    orgs = {o.name: o for o in Organisation.objects.all()}
    names = list(WEIGHTS) + ["浙江省职称工作领导小组办公室"]
    weights = list(WEIGHTS.values()) + [1 - sum(WEIGHTS.values())]
    rng = random.Random(12)
    start = dt.date(1995, 1, 1)
    started = time.perf_counter()
    with transaction.atomic():
        chunk: list[Certificate] = []
        for n in range(rows):
            org = orgs[rng.choices(names, weights)[0]]
            pending = rng.random() < 0.10
            batch = rng.randrange(48)
            chunk.append(
                Certificate(
                    organisation=org,
                    person_name=f"规模{n}",
                    id_type="01",
                    id_number=f"3301{n:014d}",
                    qualification_code="0102",
                    qualification_name="主治医师",
                    obtained_on=start + dt.timedelta(days=rng.randrange(11_000)),
                    number="" if pending else f"SCALE{n:010d}",
                    issuing_body="" if pending else "浙江省人力资源和社会保障厅",
                    # 40 batches with a 发文字号, the rest without one (numbered one by one).
                    document_number=f"浙人社〔2026〕{batch}号" if pending and batch < 40 else "",
                    source=CertificateSource.ISSUED if pending or n % 3 == 0 else CertificateSource.LEGACY,
                )
            )
            if len(chunk) == 5_000:
                Certificate.objects.bulk_create(chunk)
                chunk = []
        Certificate.objects.bulk_create(chunk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{rows} certificates in {time.perf_counter() - started:.0f} s")


NODE = re.compile(r"(Sort|Incremental Sort|Index Scan|Index Only Scan|Bitmap|Seq Scan|HashAggregate|Unique|CTE)")


def explain(plans: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for username, url in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm
        best = None
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(url)
                took = (time.perf_counter() - began) * 1000
            best = took if best is None else min(best, took)
        print(f"\n== {username} {url}: {response.status_code}, {len(captured)} queries, page {best:.0f} ms")
        for query in captured.captured_queries:
            sql = query["sql"]
            if "certificates_certificate" not in sql or sql.startswith(("SAVEPOINT", "RELEASE")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [r[0] for r in cursor.fetchall()]
            timing = next((line for line in lines if line.startswith("Execution Time")), "")
            kind = "count" if sql.startswith("SELECT COUNT") else "rows"
            print(f"  [{kind}] {timing}  | {sql[:110]}…")
            for line in lines:
                if plans or NODE.search(line):
                    print("      " + line[:160])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["generate", "explain"])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--plans", action="store_true", help="the whole plan of every query")
    args = parser.parse_args()
    if args.what == "generate":
        generate(args.rows)
    else:
        explain(args.plans)


if __name__ == "__main__":
    main()
