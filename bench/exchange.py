"""Printing and exchange benchmarks on the 100,000-declaration data (bench/declarations.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench .venv/bin/python bench/exchange.py export
    ... bench/exchange.py pdf
    ... bench/exchange.py import

`export [N ...]` times the round's 汇总表 export (the exporter a job runs) for N rows each in a fresh
process and prints the peak resident memory, so growth with N shows. `pdf` times the 评审表 PDF warm.
`import` times a 10,000-row import through the import mechanism's dry run and commit.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_rows(limit: int) -> None:
    """One export of the bench round's first `limit` declarations, as the province office sees them."""
    _django()
    from django.http import QueryDict

    from title_review.accounts.models import User
    from title_review.exports.exporter import Selection, write_export
    from title_review.exports.lists import LISTS
    from title_review.exports.services import full_identity_rows
    from title_review.rounds.models import Round

    sys.path.insert(0, str(HERE))
    from declarations import ROUND_TITLE

    user = User.objects.get(username="zjadmin")
    round_ = Round.objects.get(title=ROUND_TITLE)
    spec = LISTS["round"]
    selection = spec.select(user, QueryDict(f"round={round_.pk}"))
    ids = list(selection.queryset.order_by("pk").values_list("pk", flat=True)[:limit])
    limited = Selection(title=selection.title, queryset=selection.queryset.filter(pk__lte=ids[-1]), obj=selection.obj)
    baseline = peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "汇总表.xlsx"
        started = time.perf_counter()
        result = write_export(spec, limited, str(target), full=full_identity_rows(user, asked=False))
        elapsed = time.perf_counter() - started
        size = target.stat().st_size
    print(
        f"rows={result.rows} seconds={elapsed:.1f} file_mb={size / 1e6:.1f} "
        f"peak_rss_mb={peak_mb():.0f} (before export {baseline:.0f})"
    )


def pdf(runs: int = 10) -> None:
    """The 评审表 of one bench declaration, its dossier grown to 4 pages, rendered warm `runs` times."""
    _django()
    import statistics

    from title_review.accounts.models import User
    from title_review.declarations.models import Declaration
    from title_review.printing.services import print_declaration

    sys.path.insert(0, str(HERE))
    from declarations import ROUND_TITLE

    viewer = User.objects.get(username="zjadmin")
    declaration = (
        Declaration.objects.filter(round__title=ROUND_TITLE, status="accepted")
        .select_related("employer", "round", "applicant")
        .first()
    )
    papers = declaration.snapshot["records"]["achievement"]
    # 45 achievement rows and 8 work-history rows: a long dossier, as senior applicants have (not saved).
    declaration.snapshot["records"]["achievement"] = [
        {**papers[i % 2], "id": 10_000 + i, "title": f"{papers[i % 2]['title']}（续{i}）", "date": "2024-03-01"}
        for i in range(45)
    ]
    declaration.snapshot["records"]["work"] = declaration.snapshot["records"]["work"] * 8
    started = time.perf_counter()
    first = print_declaration(viewer=viewer, declaration=declaration, form_key="review")
    cold = time.perf_counter() - started
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(first.content)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    pages = next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        print_declaration(viewer=viewer, declaration=declaration, form_key="review")
        times.append(time.perf_counter() - started)
    print(
        f"pages={pages} size_kb={len(first.content) / 1024:.0f} first={cold:.2f}s "
        f"warm_min={min(times):.2f}s warm_median={statistics.median(times):.2f}s runs={runs}"
    )


def import_rows(rows: int = 10_000) -> None:
    """证书信息 (legacy certificates) through the import mechanism: dry run, then commit, as a title office."""
    _django()
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from title_review.accounts.models import User
    from title_review.certificates.imports import CERTIFICATES
    from title_review.certificates.models import Certificate
    from title_review.core.importing import run_import

    sys.path.insert(0, str(HERE))
    from declarations import identity_number

    run = int(time.time()) % 100_000  # certificate numbers unique per run, so the bench can be repeated
    book = Workbook(write_only=True)
    sheet = book.create_sheet("证书信息")
    sheet.append(["姓名", "证件类型", "证件号码", "资格名称代码", "取得资格时间", "证书编号", "发证机构", "单位代码"])
    for n in range(rows):
        sheet.append(
            [
                f"持证人{n}",
                "居民身份证",
                identity_number(200_000 + n),
                "0102 副教授",
                "2015-12-31",
                f"BENCH{run:05d}-{n:06d}",
                "浙江省人力资源和社会保障厅",
                "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    actor = User.objects.get(username="zjadmin")
    before = Certificate.objects.count()
    for commit in (False, True):
        upload = SimpleUploadedFile("证书信息.xlsx", buffer.getvalue())
        started = time.perf_counter()
        result = run_import(CERTIFICATES, actor=actor, upload=upload, commit=commit)
        print(
            f"{'commit ' if commit else 'dry run'} rows={rows} seconds={time.perf_counter() - started:.1f} "
            f"errors={result.error_count} peak_rss_mb={peak_mb():.0f}"
        )
    print(f"certificates added: {Certificate.objects.count() - before}")


def export(sizes: list[int]) -> None:
    for size in sizes:
        subprocess.run([sys.executable, __file__, "_export_one", str(size)], check=True)  # noqa: S603 — our own script


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "export"
    if command == "export":
        export([int(n) for n in sys.argv[2:]] or [25_000, 50_000, 100_000])
    elif command == "import":
        import_rows()
    elif command == "pdf":
        pdf()
    elif command == "_export_one":
        export_rows(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown command {command!r}: export, pdf, import")
