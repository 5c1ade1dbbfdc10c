"""Province-scale organisation tree: generate it, then time the pages' core queries.

Usage (PostgreSQL recommended):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench make bench
Creates, once, 11 cities x 10 departments x ~455 employers (about 50,000 employers), then reports
the subtree query's time and plan (it must use the path index) and the tree page's query count.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402 — settings must be chosen first

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from title_review.dictionaries.models import Entry  # noqa: E402
from title_review.organisations.models import Organisation, encode_step  # noqa: E402

CITIES, DEPARTMENTS, EMPLOYERS = 11, 10, 455


def generate() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_dictionaries", verbosity=0)
    if not Organisation.objects.exists():
        call_command("load_demo", verbosity=0)
    root = Organisation.objects.get(depth=1)
    if Organisation.objects.filter(name__startswith="基准").exists():
        return
    region = Entry.objects.get(type__code="region", code="330100")
    started = time.perf_counter()
    # Bulk rows with the paths the services would give; the services' per-row cost is not what is
    # measured here, the reads are.
    with transaction.atomic():
        seq = 0
        base = root.child_counter
        for c in range(CITIES):
            seq += 1
            city_path = root.path + encode_step(base + c + 1)
            city = Organisation.objects.create(
                name=f"基准市{c}",
                code=f"B{seq:011d}",
                kind="title_office",
                office_level="city",
                parent=root,
                path=city_path,
                depth=2,
                region=region,
                child_counter=DEPARTMENTS,
            )
            for d in range(DEPARTMENTS):
                seq += 1
                dept = Organisation.objects.create(
                    name=f"基准市{c}部门{d}",
                    code=f"B{seq:011d}",
                    kind="department",
                    parent=city,
                    path=city_path + encode_step(d + 1),
                    depth=3,
                    region=region,
                    child_counter=EMPLOYERS,
                )
                rows = []
                for e in range(EMPLOYERS):
                    seq += 1
                    rows.append(
                        Organisation(
                            name=f"基准市{c}部门{d}单位{e}",
                            code=f"B{seq:011d}",
                            kind="employer",
                            parent=dept,
                            path=dept.path + encode_step(e + 1),
                            depth=4,
                            region=region,
                        )
                    )
                Organisation.objects.bulk_create(rows, batch_size=1000)
        root.child_counter = base + CITIES
        root.save(update_fields=["child_counter"])
    print(f"generated {seq} organisations in {time.perf_counter() - started:.1f}s")


def measure() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE organisations_organisation")
    root = Organisation.objects.get(depth=1)
    total = Organisation.objects.count()
    city = Organisation.objects.filter(name="基准市0").first() or root
    for label, org in (("province", root), ("city", city)):
        qs = Organisation.objects.filter(path__startswith=org.path).order_by("path")
        started = time.perf_counter()
        count = qs.count()
        page = list(qs[:50])
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{label}: subtree of {count} (of {total}) — count + first page in {elapsed:.1f} ms, {len(page)} rows")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sql, params = qs[:50].query.sql_with_params()
                cursor.execute("EXPLAIN " + sql, params)
                print("  plan: " + " | ".join(row[0].strip() for row in cursor.fetchall()[:6]))


if __name__ == "__main__":
    generate()
    measure()
